import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, FatalError } from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
import type { Lake, LocalCopy } from '../../lake/lake.js';
import { PROCESSED } from '../../lake/zones.js';
import { TABLE_NAMES } from '../../schema/tables.js';
import { commitProcessed, listParquet } from '../commit-processed.js';
import type { Engine, LandingBatch } from '../engine.js';
import type { BatchStats, QuarantineRecord } from '../flatten-batch.js';
import type { ProcessedFile, ProcessedManifest } from '../processed-manifest.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SPARK_JOB = path.join(ROOT, 'spark', 'tweetpipe_process.py');

export interface SparkEngineOptions {
  /** The spark-submit to run: TWEETPIPE_SPARK_SUBMIT, else `.venv-spark/bin/spark-submit` (`make spark-deps`). */
  sparkSubmit?: string;
  /** Spark master (default local[2]: both cores of one machine). */
  master?: string;
}

/**
 * The Spark engine: the PySpark job in `spark/` flattens and writes each batch; this adapter
 * hands it local copies of the landing parts, then moves its Parquet files into the lake with
 * the DuckDB engine's names, writes quarantine and commits the processed manifest last.
 */
export class SparkEngine implements Engine {
  readonly name = 'spark';
  readonly #submit: string;
  readonly #master: string;

  constructor(options: SparkEngineOptions = {}) {
    this.#submit =
      options.sparkSubmit ??
      process.env.TWEETPIPE_SPARK_SUBMIT ??
      path.join(ROOT, '.venv-spark', 'bin', 'spark-submit');
    this.#master = options.master ?? 'local[2]';
    if (!existsSync(this.#submit))
      throw new ConfigError(
        '--engine',
        `spark needs spark-submit (${this.#submit} not found): run \`make spark-deps\` or set TWEETPIPE_SPARK_SUBMIT`,
      );
  }

  processBatch(lake: Lake, batch: LandingBatch, progress: Progress): Promise<ProcessedManifest> {
    return this.#run(lake, [batch], progress).then((m) => m[0]!);
  }

  async *processBatches(
    lake: Lake,
    batches: LandingBatch[],
    progress: Progress,
  ): AsyncIterable<ProcessedManifest> {
    // A Spark application per few batches: starting one costs seconds, so batches share it.
    for (let i = 0; i < batches.length; i += 8)
      for (const m of await this.#run(lake, batches.slice(i, i + 8), progress)) yield m;
  }

  async #run(lake: Lake, batches: LandingBatch[], progress: Progress): Promise<ProcessedManifest[]> {
    const scratch = await lake.scratch(`spark-${batches[0]!.manifest.batch_id}`);
    const copies: LocalCopy[] = [];
    try {
      const spec = { batches: [] as unknown[] };
      for (const b of batches) {
        const parts = [];
        for (const part of b.manifest.parts) {
          try {
            const copy = await lake.localCopy(part.key);
            copies.push(copy);
            parts.push({ key: part.key, path: copy.path, sha256: part.sha256 });
          } catch {
            // The job quarantines it as missing, as the DuckDB engine does.
            parts.push({ key: part.key, path: part.key, sha256: part.sha256, missing: true });
          }
        }
        spec.batches.push({ batch_id: b.manifest.batch_id, parts });
      }
      const specFile = path.join(scratch.path, 'spec.json');
      const out = path.join(scratch.path, 'out');
      await writeFile(specFile, JSON.stringify(spec));
      progress.update(`process: Spark job on ${batches.length} batch(es)`);
      await this.#submitJob(['--spec', specFile, '--out', out]);
      const side = await readSidecar(out);
      const counts: { batch_id: string; table: string; created_date: string | null; rows: number }[] = [];
      for (const f of await readdir(path.join(out, '_counts')))
        if (f.endsWith('.txt'))
          for (const l of (await readFile(path.join(out, '_counts', f), 'utf8')).split('\n').filter(Boolean))
            counts.push(JSON.parse(l));
      const manifests: ProcessedManifest[] = [];
      for (const b of batches) {
        const batchId = b.manifest.batch_id;
        const summary = side.stats.get(batchId);
        if (!summary) throw new FatalError(`batch ${batchId}: the Spark job reported no statistics`);
        const files: ProcessedFile[] = [];
        for (const table of TABLE_NAMES) {
          const dir = path.join(out, batchId, table);
          if (!existsSync(dir)) continue;
          let i = 0;
          for (const file of await listParquet(dir)) {
            const datePart = /created_date_part=(\d{4}-\d{2}-\d{2})/.exec(file)?.[1];
            const rows =
              counts.find(
                (c) => c.batch_id === batchId && c.table === table && c.created_date === (datePart ?? null),
              )?.rows ?? 0;
            if (rows === 0) continue;
            const key = datePart
              ? `${PROCESSED}/${table}/created_date=${datePart}/part_${batchId}_${i++}.parquet`
              : `${PROCESSED}/${table}/part_${batchId}.parquet`;
            files.push({ table, key, rows, bytes: (await stat(file)).size });
            await lake.putFile(key, file);
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
        const manifest = await commitProcessed(lake, b, {
          engine: this.name,
          files,
          rows: summary.rows as ProcessedManifest['rows'],
          stats: summary.stats,
          quarantine,
          badParts,
        });
        manifests.push(manifest);
      }
      return manifests;
    } finally {
      for (const c of copies) await c.release();
      await scratch.release();
    }
  }

  #submitJob(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      // spark-submit finds pyspark and runs Python workers with the `python3` on the PATH: make that
      // the one beside it (the virtual environment's).
      const bin = path.dirname(this.#submit);
      const python = path.join(bin, 'python3');
      const env = {
        ...process.env,
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
        ...(existsSync(python) ? { PYSPARK_PYTHON: python, PYSPARK_DRIVER_PYTHON: python } : {}),
      };
      const child = spawn(
        this.#submit,
        ['--master', this.#master, '--conf', 'spark.ui.enabled=false', SPARK_JOB, ...args],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env,
        },
      );
      let log = '';
      const keep = (d: Buffer) => {
        log = (log + d.toString()).slice(-20_000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (e) => reject(new FatalError(`cannot start spark-submit: ${e.message}`)));
      child.on('close', (code) => {
        if (code === 0) return resolve();
        const cause = log
          .split('\n')
          .filter((l) => /Error|Exception/.test(l))
          .slice(-3)
          .join('\n');
        reject(new FatalError(`the Spark job failed (exit ${code}):\n${cause || log.slice(-2000)}`));
      });
    });
  }

  async close(): Promise<void> {}
}

async function readSidecar(out: string) {
  const stats = new Map<string, { stats: BatchStats; rows: Record<string, number> }>();
  const quarantine = new Map<string, QuarantineRecord[]>();
  const dir = path.join(out, '_sidecar');
  for (const e of await readdir(dir)) {
    if (!e.endsWith('.json')) continue;
    for (const line of (await readFile(path.join(dir, e), 'utf8')).split('\n').filter(Boolean)) {
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
