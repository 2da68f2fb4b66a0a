import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { FatalError } from '../../core/errors.js';
import type { Lake } from '../../lake/lake.js';
import { PROCESSED } from '../../lake/zones.js';
import { TABLE_NAMES } from '../../schema/tables.js';
import { commitProcessed } from '../commit-processed.js';
import type { LandingBatch } from '../engine.js';
import type { BatchStats, QuarantineRecord } from '../flatten-batch.js';
import type { ProcessedFile, ProcessedManifest } from '../processed-manifest.js';

/** Where a Spark job wrote its output: a local folder, or a prefix of the lake (S3A, EMR). */
export interface SparkOutput {
  /** Every file, by path relative to the output, `/`-separated, sorted. */
  list(): Promise<{ rel: string; size: number }[]>;
  read(rel: string): Promise<Buffer>;
  /** Puts the file into the lake at `key`. */
  moveTo(lake: Lake, rel: string, key: string): Promise<void>;
}

export function localOutput(dir: string): SparkOutput {
  return {
    async list() {
      const out: { rel: string; size: number }[] = [];
      for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
        if (e.isFile()) {
          const full = path.join(e.parentPath ?? e.path, e.name);
          out.push({
            rel: path.relative(dir, full).split(path.sep).join('/'),
            size: (await stat(full)).size,
          });
        }
      return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
    },
    read: (rel) => readFile(path.join(dir, rel)),
    moveTo: (lake, rel, key) => lake.putFile(key, path.join(dir, rel)),
  };
}

export function lakeOutput(source: Lake, prefix: string): SparkOutput {
  const base = `${prefix.replace(/\/+$/, '')}/`;
  const read = async (rel: string) => {
    const body = await source.get(base + rel);
    if (!body) throw new FatalError(`the Spark job's output ${base + rel} has gone from the lake`);
    return body;
  };
  return {
    async list() {
      return (await source.list(base))
        .filter((o) => !o.key.endsWith('/')) // S3A's directory markers
        .map((o) => ({ rel: o.key.slice(base.length), size: o.size }));
    },
    read,
    // Within the same lake the store copies the file itself (S3 CopyObject): no download, no upload.
    moveTo: async (lake, rel, key) =>
      lake === source ? lake.copy(base + rel, key) : lake.put(key, await read(rel)),
  };
}

/**
 * Turns a finished job's output into processed batches: each Parquet file moved into the lake
 * under the DuckDB engine's names, the rows checked against the job's own counts, quarantine
 * written and the processed manifest committed last.
 */
export async function commitSparkOutput(
  lake: Lake,
  batches: LandingBatch[],
  output: SparkOutput,
  engine: string,
): Promise<ProcessedManifest[]> {
  const all = await output.list();
  const side = await readSidecar(output, all);
  const counts: { batch_id: string; table: string; created_date: string | null; rows: number }[] = [];
  for (const f of all)
    if (f.rel.startsWith('_counts/') && f.rel.endsWith('.txt'))
      for (const l of (await output.read(f.rel)).toString('utf8').split('\n').filter(Boolean))
        counts.push(JSON.parse(l));
  const manifests: ProcessedManifest[] = [];
  for (const b of batches) {
    const batchId = b.manifest.batch_id;
    const summary = side.stats.get(batchId);
    if (!summary) throw new FatalError(`batch ${batchId}: the Spark job reported no statistics`);
    const files: ProcessedFile[] = [];
    for (const table of TABLE_NAMES) {
      let i = 0;
      for (const f of all) {
        if (!f.rel.startsWith(`${table}/batch_part=${batchId}/`) || !f.rel.endsWith('.parquet')) continue;
        const datePart = /created_date_part=(\d{4}-\d{2}-\d{2})/.exec(f.rel)?.[1];
        const rows =
          counts.find(
            (c) => c.batch_id === batchId && c.table === table && c.created_date === (datePart ?? null),
          )?.rows ?? 0;
        if (rows === 0) continue;
        const key = datePart
          ? `${PROCESSED}/${table}/created_date=${datePart}/part_${batchId}_${i++}.parquet`
          : `${PROCESSED}/${table}/part_${batchId}.parquet`;
        files.push({ table, key, rows, bytes: f.size });
        await output.moveTo(lake, f.rel, key);
      }
      const written = files.filter((f) => f.table === table).reduce((n, f) => n + f.rows, 0);
      if (written !== summary.rows[table])
        throw new FatalError(
          `batch ${batchId}: ${table} has ${summary.rows[table]} rows but ${written} were written by Spark`,
        );
    }
    const quarantine = side.quarantine.get(batchId) ?? [];
    const badParts = new Map<string, Buffer>();
    for (const q of quarantine as (QuarantineRecord & { bad_part?: boolean })[]) {
      if (q.bad_part) {
        const bytes = await lake.get(q.part);
        if (bytes) badParts.set(q.part, bytes);
      }
      delete q.bad_part;
    }
    manifests.push(
      await commitProcessed(lake, b, {
        engine,
        files,
        rows: summary.rows as ProcessedManifest['rows'],
        stats: summary.stats,
        quarantine,
        badParts,
      }),
    );
  }
  return manifests;
}

async function readSidecar(output: SparkOutput, all: { rel: string }[]) {
  const stats = new Map<string, { stats: BatchStats; rows: Record<string, number> }>();
  const quarantine = new Map<string, QuarantineRecord[]>();
  for (const f of all) {
    if (!f.rel.startsWith('_sidecar/') || !f.rel.endsWith('.json')) continue;
    for (const line of (await output.read(f.rel)).toString('utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { batch_id: string; kind: string; json: string };
      if (r.kind === 'stats') stats.set(r.batch_id, JSON.parse(r.json));
      else {
        const list = quarantine.get(r.batch_id) ?? [];
        list.push(JSON.parse(r.json));
        quarantine.set(r.batch_id, list);
      }
    }
  }
  return { stats, quarantine };
}
