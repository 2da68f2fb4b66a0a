import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { formatUsd } from '../../collect/budget.js';
import type { QueryCheckpoint } from '../../collect/checkpoint.js';
import { redactUri } from '../../core/redact-uri.js';
import { getJson } from '../../lake/lake.js';
import { liveLeases } from '../../lake/lease.js';
import { LANDING, PROCESSED, QUARANTINE, STATE } from '../../lake/zones.js';
import { listProcessedManifests, openWarehouse } from '../../load/index.js';
import { STAR_TABLES } from '../../load/star-schema.js';
import { listLandingBatches } from '../../process/index.js';
import { bytes, counts, n, plural } from '../format.js';
import { type StageContext, stageContext } from '../stage-context.js';

/** Prints what each zone holds, the checkpoints, the warehouse, the last runs and what is running now. */
export async function printStatus(ctx: StageContext): Promise<void> {
  const { lake, settings } = ctx;
  const landing = await listLandingBatches(lake);
  const processed = await listProcessedManifests(lake);
  const processedIds = new Set(processed.map((p) => p.manifest.batch_id));
  const pending = landing.filter((b) => !processedIds.has(b.manifest.batch_id)).length;
  const rows: Record<string, number> = {};
  for (const { manifest } of processed)
    for (const [t, v] of Object.entries(manifest.rows)) rows[t] = (rows[t] ?? 0) + v;
  const quarantineObjects = await lake.list(`${QUARANTINE}/`);
  // Process counts its records in each processed manifest; import writes its records file alone.
  let quarantined = processed.reduce((s, p) => s + p.manifest.quarantined, 0);
  for (const { key } of quarantineObjects.filter((o) => o.key.startsWith(`${QUARANTINE}/import/`))) {
    if (!key.endsWith('/records.jsonl')) continue;
    const text = (await lake.get(key))?.toString('utf8') ?? '';
    quarantined += text.split('\n').filter((line) => line !== '').length;
  }

  const size = async (zone: string) => bytes((await lake.list(`${zone}/`)).reduce((s, o) => s + o.size, 0));

  console.log(`Lake        ${lake.uri}`);
  console.log(
    `  landing     ${await size(LANDING)}, ${n(landing.length)} batches, ${n(landing.reduce((s, b) => s + b.manifest.posts, 0))} posts` +
      (pending ? ` (${n(pending)} not processed yet)` : ''),
  );
  console.log(
    `  processed   ${await size(PROCESSED)}, ${n(processed.length)} batches${processed.length ? `: ${counts(rows)}` : ''}`,
  );
  console.log(
    `  quarantine  ${bytes(quarantineObjects.reduce((s, o) => s + o.size, 0))}, ${plural(quarantined, 'record')} in ${plural(quarantineObjects.length, 'file')}`,
  );

  console.log('Checkpoints');
  const cps = (await lake.list(`${STATE}/checkpoints/`)).filter((o) => o.key.endsWith('.json'));
  if (cps.length === 0) console.log('  (none yet)');
  for (const { key } of cps) {
    const cp = await getJson<QueryCheckpoint>(lake, key);
    if (!cp) continue;
    const last = cp.last_batch
      ? `last batch ${cp.last_batch.batch_id} (${n(cp.last_batch.posts)} posts)`
      : 'no batch yet';
    const open = cp.open
      ? `; interrupted pagination: ${n(cp.open.pages)} pages landed, resumes on the next run`
      : '';
    const name = cp.label ?? `"${cp.query}"`;
    const spent = cp.spent_usd === undefined ? '' : `, about ${formatUsd(cp.spent_usd)} spent`;
    const where = cp.endpoint === 'search_recent' ? '' : ` [${cp.endpoint}]`;
    const resume = cp.resume ? '; a budget limit cut its pagination, the next run goes on' : '';
    const done = cp.complete ? ', complete' : '';
    console.log(`  ${name}${where}: since_id ${cp.since_id ?? '-'}, ${last}${spent}${done}${open}${resume}`);
  }

  const file = settings.warehouse.replace(/^duckdb:\/\//, '');
  if (settings.warehouse.startsWith('duckdb://') && !existsSync(file)) {
    console.log(`Warehouse   ${redactUri(settings.warehouse)}: not created yet (run \`tweetpipe load\`)`);
  } else {
    const warehouse = await openWarehouse(settings.warehouse, settings.warehouseOptions);
    try {
      await warehouse.migrate();
      const loaded = await warehouse.loadedBatches();
      const tableRows: Record<string, number> = {};
      for (const t of [...STAR_TABLES.map((s) => s.name), 'dim_date']) {
        tableRows[t] = Number((await warehouse.query(`SELECT count(*) AS c FROM "${t}"`))[0]?.c ?? 0);
      }
      console.log(`Warehouse   ${redactUri(settings.warehouse)}: ${n(loaded.size)} batches loaded`);
      console.log(`  ${counts(tableRows) || 'empty'}`);
    } finally {
      await warehouse.close();
    }
  }

  console.log('Last runs');
  for (const stage of ['collect', 'process', 'load']) {
    const runs = await lake.list(`${STATE}/runs/${stage}/`);
    const last = runs[runs.length - 1];
    const run = last
      ? await getJson<{ finished_at: string; summary: Record<string, unknown> }>(lake, last.key)
      : undefined;
    console.log(
      `  ${stage.padEnd(8)} ${run ? `${run.finished_at} (${plural(runs.length, 'run')})` : 'never'}`,
    );
  }
  const running = await liveLeases(lake);
  if (running.length > 0) {
    console.log('Running now');
    for (const r of running) console.log(`  ${r.what}: pid ${r.pid} on ${r.host}, since ${r.acquired_at}`);
  }
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show what each zone holds, the checkpoints, the warehouse and the last runs')
    .action(async (_flags: unknown, cmd: Command) => {
      await printStatus(await stageContext(cmd.optsWithGlobals()));
    });
}
