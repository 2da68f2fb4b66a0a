import type { Command } from 'commander';
import { formatUsd } from '../../collect/budget.js';
import type { QueryCheckpoint } from '../../collect/checkpoint.js';
import { getJson, type LakeObject } from '../../lake/lake.js';
import { liveLeases } from '../../lake/lease.js';
import {
  isManifestKey,
  isProcessedManifestKey,
  LANDING,
  manifestBatchId,
  PROCESSED,
  QUARANTINE,
  STATE,
} from '../../lake/zones.js';
import { listProcessedManifests } from '../../load/index.js';
import { type WarehouseStatus, warehouseStatus } from '../../load/warehouse-status.js';
import { readSummaries } from '../../process/batch-summaries.js';
import { listLandingBatches } from '../../process/index.js';
import { bytes, counts, n, plural } from '../format.js';
import { printJson, type StageContext, stageContext } from '../stage-context.js';

/** What `tweetpipe status` reports (printed as text, or as one JSON line with `--json`). */
export interface StatusReport {
  lake: {
    uri: string;
    landing: { bytes: number; batches: number; posts: number; not_processed: number };
    processed: { bytes: number; batches: number; rows: Record<string, number> };
    quarantine: { bytes: number; records: number; files: number };
  };
  checkpoints: {
    /** What the collection asks for (query text and window, user ID, ID list)… */
    query: string;
    /** …and how people see it (`@user`, `ids.txt`), when that differs. */
    label: string | null;
    endpoint: string;
    since_id: string | null;
    last_batch: { batch_id: string; posts: number } | null;
    spent_usd: number | null;
    complete: boolean;
    /** Pages of an interrupted pagination the next run resumes from. */
    open_pages: number | null;
    /** A budget limit cut its pagination; the next run goes on. */
    resumes: boolean;
  }[];
  warehouse: WarehouseStatus;
  last_runs: Record<'collect' | 'process' | 'load', { finished_at: string; runs: number } | null>;
  running: { what: string; pid: number; host: string; since: string }[];
}

/** Gathers what each zone holds, the checkpoints, the warehouse, the last runs and what is running now. */
export async function statusReport(ctx: StageContext): Promise<StatusReport> {
  const { lake, settings } = ctx;
  // One listing per zone gives both its manifests and its size. What a processed batch adds up to
  // is in its summary (kept by process, a month per object); only batches without one have their
  // manifests read, so status reads a dozen objects a year, not two per batch ever collected.
  const summaries = await readSummaries(lake);
  const known = (o: LakeObject) => summaries.has(manifestBatchId(o.key));
  const landingObjects = await lake.list(`${LANDING}/`);
  const landingManifests = landingObjects.filter((o) => isManifestKey(o.key));
  const landing = await listLandingBatches(
    lake,
    landingManifests.filter((o) => !known(o)),
  );
  const processedObjects = await lake.list(`${PROCESSED}/`);
  const processedManifests = processedObjects.filter((o) => isProcessedManifestKey(o.key));
  const processed = await listProcessedManifests(
    lake,
    processedManifests.filter((o) => !known(o)),
  );
  const processedIds = new Set(processedManifests.map((o) => manifestBatchId(o.key)));
  const rows: Record<string, number> = {};
  let quarantined = 0;
  const addRows = (batch: { rows: Record<string, number>; quarantined: number }) => {
    for (const [t, v] of Object.entries(batch.rows)) rows[t] = (rows[t] ?? 0) + v;
    quarantined += batch.quarantined;
  };
  for (const { manifest } of processed) addRows(manifest);
  for (const o of processedManifests) {
    const s = summaries.get(manifestBatchId(o.key));
    if (s) addRows(s);
  }
  let landingPosts = landing.reduce((sum, b) => sum + b.manifest.posts, 0);
  for (const o of landingManifests) landingPosts += summaries.get(manifestBatchId(o.key))?.posts ?? 0;
  const quarantineObjects = await lake.list(`${QUARANTINE}/`);
  // Process counts its records in each processed manifest; import writes its records file alone.
  const importRecords = quarantineObjects.filter(
    (o) => o.key.startsWith(`${QUARANTINE}/import/`) && o.key.endsWith('/records.jsonl'),
  );
  for (const { key } of importRecords) {
    const text = (await lake.get(key))?.toString('utf8') ?? '';
    quarantined += text.split('\n').filter((line) => line !== '').length;
  }
  const total = (objects: { size: number }[]) => objects.reduce((s, o) => s + o.size, 0);

  const checkpoints: StatusReport['checkpoints'] = [];
  for (const { key } of (await lake.list(`${STATE}/checkpoints/`)).filter((o) => o.key.endsWith('.json'))) {
    const cp = await getJson<QueryCheckpoint>(lake, key);
    if (!cp) continue;
    checkpoints.push({
      query: cp.query,
      label: cp.label ?? null,
      endpoint: cp.endpoint,
      since_id: cp.since_id ?? null,
      last_batch: cp.last_batch ? { batch_id: cp.last_batch.batch_id, posts: cp.last_batch.posts } : null,
      // (to a millionth of a dollar: the meter adds prices up in floating point)
      spent_usd: cp.spent_usd === undefined ? null : Math.round(cp.spent_usd * 1e6) / 1e6,
      complete: cp.complete === true,
      open_pages: cp.open ? cp.open.pages : null,
      resumes: Boolean(cp.resume),
    });
  }

  const warehouse = await warehouseStatus(settings.warehouse, settings.warehouseOptions);

  const lastRuns = {} as StatusReport['last_runs'];
  for (const stage of ['collect', 'process', 'load'] as const) {
    const runs = await lake.list(`${STATE}/runs/${stage}/`);
    const last = runs[runs.length - 1];
    const run = last ? await getJson<{ finished_at: string }>(lake, last.key) : undefined;
    lastRuns[stage] = run ? { finished_at: run.finished_at, runs: runs.length } : null;
  }

  return {
    lake: {
      uri: lake.uri,
      landing: {
        bytes: total(landingObjects),
        batches: landingManifests.length,
        posts: landingPosts,
        not_processed: landingManifests.filter((o) => !processedIds.has(manifestBatchId(o.key))).length,
      },
      processed: { bytes: total(processedObjects), batches: processedManifests.length, rows },
      quarantine: {
        bytes: total(quarantineObjects),
        records: quarantined,
        files: quarantineObjects.length,
      },
    },
    checkpoints,
    warehouse,
    last_runs: lastRuns,
    running: (await liveLeases(lake)).map((r) => ({
      what: r.what,
      pid: r.pid,
      host: r.host,
      since: r.acquired_at,
    })),
  };
}

/** Prints the status report: as text, or as one JSON line with `--json`. */
export async function printStatus(ctx: StageContext): Promise<void> {
  const report = await statusReport(ctx);
  if (printJson(ctx, 'status', report)) return;
  const { landing, processed, quarantine } = report.lake;
  console.log(`Lake        ${report.lake.uri}`);
  console.log(
    `  landing     ${bytes(landing.bytes)}, ${n(landing.batches)} batches, ${n(landing.posts)} posts` +
      (landing.not_processed ? ` (${n(landing.not_processed)} not processed yet)` : ''),
  );
  console.log(
    `  processed   ${bytes(processed.bytes)}, ${n(processed.batches)} batches${processed.batches ? `: ${counts(processed.rows)}` : ''}`,
  );
  console.log(
    `  quarantine  ${bytes(quarantine.bytes)}, ${plural(quarantine.records, 'record')} in ${plural(quarantine.files, 'file')}`,
  );

  console.log('Checkpoints');
  if (report.checkpoints.length === 0) console.log('  (none yet)');
  for (const cp of report.checkpoints) {
    const last = cp.last_batch
      ? `last batch ${cp.last_batch.batch_id} (${plural(cp.last_batch.posts, 'post')})`
      : 'no batch yet';
    const open =
      cp.open_pages === null
        ? ''
        : `; interrupted pagination: ${plural(cp.open_pages, 'page')} landed, resumes on the next run`;
    const spent = cp.spent_usd === null ? '' : `, about ${formatUsd(cp.spent_usd)} spent`;
    const where = cp.endpoint === 'search_recent' ? '' : ` [${cp.endpoint}]`;
    const resume = cp.resumes ? '; a budget limit cut its pagination, the next run goes on' : '';
    const done = cp.complete ? ', complete' : '';
    console.log(
      `  ${cp.label ?? `"${cp.query}"`}${where}: since_id ${cp.since_id ?? '-'}, ${last}${spent}${done}${open}${resume}`,
    );
  }

  const { warehouse } = report;
  if (warehouse.unavailable !== null) {
    console.log(`Warehouse   ${warehouse.uri}: cannot be read now: ${warehouse.unavailable}`);
  } else if (warehouse.batches_loaded === null || warehouse.rows === null) {
    console.log(`Warehouse   ${warehouse.uri}: not created yet (run \`tweetpipe load\`)`);
  } else {
    console.log(`Warehouse   ${warehouse.uri}: ${n(warehouse.batches_loaded)} batches loaded`);
    console.log(`  ${counts(warehouse.rows) || 'empty'}`);
  }

  console.log('Last runs');
  for (const [stage, run] of Object.entries(report.last_runs)) {
    console.log(`  ${stage.padEnd(8)} ${run ? `${run.finished_at} (${plural(run.runs, 'run')})` : 'never'}`);
  }
  if (report.running.length > 0) {
    console.log('Running now');
    for (const r of report.running) console.log(`  ${r.what}: pid ${r.pid} on ${r.host}, since ${r.since}`);
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
