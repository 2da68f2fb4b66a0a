import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { FatalError, RetryableError } from '../../core/errors.js';
import { mapLimit } from '../../core/map-limit.js';
import type { Progress } from '../../core/progress.js';
import type { Lake } from '../../lake/lake.js';
import { PROCESSED } from '../../lake/zones.js';
import { type Row, TABLE_NAMES, TABLES, type TableSpec } from '../../schema/tables.js';
import { commitProcessed, listParquet } from '../commit-processed.js';
import type { Engine, LandingBatch } from '../engine.js';
import { BatchFlattener } from '../flatten-batch.js';
import type { ProcessedFile, ProcessedManifest } from '../processed-manifest.js';
import { readLandingBatch } from '../read-landing-batch.js';
import { castSelect, quoteIdent, quoteString, stagingType } from './duckdb-sql.js';

export interface DuckDBEngineOptions {
  /** DuckDB threads per instance (default 2). */
  threads?: number;
  memoryLimit?: string;
  /** Batches processed at once by `processBatches`, each in its own worker thread (default 2: one per core). */
  workers?: number;
}

/** The default engine: rows are flattened in TypeScript, DuckDB (in-process) writes zstd Parquet. */
export class DuckDBEngine implements Engine {
  readonly name = 'duckdb';
  #instance: DuckDBInstance | undefined;
  #conn: DuckDBConnection | undefined;
  readonly #options: Required<DuckDBEngineOptions>;

  constructor(options: DuckDBEngineOptions = {}) {
    this.#options = { threads: 2, memoryLimit: '1GB', workers: 2, ...options };
  }

  /** Several batches at once, one worker thread (with its own DuckDB) per batch in flight. */
  async *processBatches(
    lake: Lake,
    batches: LandingBatch[],
    progress: Progress,
  ): AsyncIterable<ProcessedManifest> {
    const workers = Math.min(this.#options.workers, batches.length);
    if (workers <= 1) {
      for (const batch of batches) yield await this.processBatch(lake, batch, progress);
      return;
    }
    const queue = [...batches];
    const done: ProcessedManifest[] = [];
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let running = workers;
    const pool = Array.from({ length: workers }, () => {
      const worker = new Worker(new URL('./duckdb-worker.js', import.meta.url), {
        workerData: { lakeUri: lake.uri, lakeOptions: lake.options },
      });
      const next = () => worker.postMessage(failure ? null : (queue.shift() ?? null));
      worker.on(
        'message',
        (msg: { manifest?: ProcessedManifest; error?: string; retryable?: boolean; info?: string }) => {
          if (msg.info) return progress.info(msg.info);
          if (msg.manifest) done.push(msg.manifest);
          if (msg.error)
            failure ??= msg.retryable ? new RetryableError(msg.error) : new FatalError(msg.error);
          next();
          wake?.();
        },
      );
      worker.on('error', (error) => {
        failure ??= error;
        wake?.();
      });
      worker.on('exit', () => {
        running--;
        wake?.();
      });
      next();
      return worker;
    });
    try {
      while (running > 0 || done.length > 0) {
        if (done.length > 0) {
          yield done.shift()!;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (failure) throw failure;
    } finally {
      await Promise.all(pool.map((w) => w.terminate()));
    }
  }

  async #connection(): Promise<DuckDBConnection> {
    if (!this.#conn) {
      this.#instance = await DuckDBInstance.create(':memory:', {
        threads: String(this.#options.threads),
        memory_limit: this.#options.memoryLimit,
        preserve_insertion_order: 'false',
      });
      this.#conn = await this.#instance.connect();
    }
    return this.#conn;
  }

  async processBatch(lake: Lake, batch: LandingBatch, progress: Progress): Promise<ProcessedManifest> {
    const batchId = batch.manifest.batch_id;
    const flattener = new BatchFlattener(batchId);
    const badParts = await readLandingBatch(lake, batch, flattener);
    const rows = flattener.finish();
    const stats = flattener.stats;
    if (stats.posts_read !== stats.posts_written + stats.posts_quarantined + stats.posts_duplicate) {
      throw new FatalError(`batch ${batchId}: reconciliation failed (${JSON.stringify(stats)})`);
    }
    progress.update(`process: ${stats.posts_written} posts flattened, writing Parquet (batch ${batchId})`);

    const conn = await this.#connection();
    const scratch = await lake.scratch(`process-${batchId}`);
    const files: ProcessedFile[] = [];
    try {
      for (const table of TABLE_NAMES) {
        const tableRows = rows[table];
        if (tableRows.length === 0) continue;
        const spec: TableSpec = TABLES[table];
        const dir = path.join(scratch.path, table);
        await this.#writeParquet(conn, spec, tableRows, dir, batchId);
        // Rows per file from the Parquet footers (one query per table); the files move into the
        // lake several at a time (each is synced before its rename).
        const rowsOf = await parquetRowsIn(conn, dir);
        const moved = await mapLimit(await listParquet(dir), 8, async (file) => {
          const rel = path.relative(dir, file).split(path.sep).join('/');
          const key = `${PROCESSED}/${table}/${rel}`;
          const bytes = (await stat(file)).size;
          await lake.putFile(key, file);
          return { table, key, rows: rowsOf.get(file) ?? 0, bytes };
        });
        files.push(...moved);
        const written = files.filter((f) => f.table === table).reduce((n, f) => n + f.rows, 0);
        if (written !== tableRows.length) {
          throw new FatalError(
            `batch ${batchId}: ${table} has ${tableRows.length} rows but ${written} were written to Parquet`,
          );
        }
      }
    } finally {
      await scratch.release();
    }
    return commitProcessed(lake, batch, {
      engine: this.name,
      files,
      rows: Object.fromEntries(TABLE_NAMES.map((t) => [t, rows[t].length])) as ProcessedManifest['rows'],
      stats,
      quarantine: flattener.quarantine,
      badParts,
    });
  }

  async #writeParquet(
    conn: DuckDBConnection,
    spec: TableSpec,
    rows: Row[],
    dir: string,
    batchId: string,
  ): Promise<void> {
    // Rows reach DuckDB as one JSON array of arrays: JSON.stringify is a single native call, and
    // DuckDB's reader parses it far faster than values can cross into an appender one by one.
    const staged = `${dir}.rows.json`;
    await writeFile(staged, rowsJson(rows));
    const values = spec.columns
      .map(([col, kind], i) => `CAST(json[${i + 1}] AS ${stagingType(kind)}) AS ${quoteIdent(col)}`)
      .join(', ');
    const source =
      `(SELECT ${values} FROM read_json(${quoteString(staged)}, format = 'array', records = false, ` +
      `columns = {'json': 'VARCHAR[]'}, maximum_object_size = ${MAX_ROW_BYTES}))`;
    const select = `SELECT ${castSelect(spec)} FROM ${source}`;
    const options = 'FORMAT parquet, COMPRESSION zstd';
    try {
      if (spec.partitioned) {
        await conn.run(
          `COPY (${select}) TO ${quoteString(dir)} (${options}, PARTITION_BY (created_date), WRITE_PARTITION_COLUMNS true, ` +
            `FILENAME_PATTERN ${quoteString(`part_${batchId}_{i}`)}, OVERWRITE_OR_IGNORE true)`,
        );
      } else {
        await mkdir(dir, { recursive: true });
        await conn.run(
          `COPY (${select}) TO ${quoteString(path.join(dir, `part_${batchId}.parquet`))} (${options})`,
        );
      }
    } finally {
      await rm(staged, { force: true });
    }
  }

  async close(): Promise<void> {
    this.#conn?.closeSync();
    this.#instance?.closeSync();
    this.#conn = undefined;
    this.#instance = undefined;
  }
}

/** A row's JSON text is at most this long (a long post with every field is ~100 KB). */
const MAX_ROW_BYTES = 64 * 2 ** 20;

/**
 * The rows as JSON. A lone UTF-16 surrogate (possible in untrusted text) would be written as an
 * escape DuckDB rejects, so then strings are made well-formed (U+FFFD) first, as the slow path.
 */
function rowsJson(rows: Row[]): string {
  const text = JSON.stringify(rows);
  if (!/\\u[dD][89a-fA-F]/.test(text)) return text;
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === 'string' ? value.toWellFormed() : value,
  );
}

/** Rows of every Parquet file under `dir`, by path, read from the files' footers. */
async function parquetRowsIn(conn: DuckDBConnection, dir: string): Promise<Map<string, number>> {
  const result = await conn.runAndReadAll(
    `SELECT file_name, num_rows FROM parquet_file_metadata(${quoteString(path.join(dir, '**', '*.parquet'))})`,
  );
  return new Map(result.getRows().map(([file, rows]) => [path.resolve(String(file)), Number(rows)]));
}
