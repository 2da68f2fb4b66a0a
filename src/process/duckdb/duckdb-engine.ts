import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { FatalError, RetryableError } from '../../core/errors.js';
import { mapLimit } from '../../core/map-limit.js';
import type { Progress } from '../../core/progress.js';
import type { Lake, LocalCopy } from '../../lake/lake.js';
import { PROCESSED } from '../../lake/zones.js';
import { type ProcessedTable, type Row, TABLE_NAMES, TABLES, type TableSpec } from '../../schema/tables.js';
import { commitProcessed, listParquet } from '../commit-processed.js';
import type { Engine, LandingBatch } from '../engine.js';
import { BatchFlattener } from '../flatten-batch.js';
import type { ProcessedFile, ProcessedManifest } from '../processed-manifest.js';
import { checksumMismatch, readLandingBatch } from '../read-landing-batch.js';
import { castSelect, quoteIdent, quoteString, stagingType } from './duckdb-sql.js';
import {
  type DuckDBFlattened,
  dropFlattened,
  flattenInDuckDB,
  type NotFlattened,
} from './flatten-in-duckdb.js';
import { stageJson } from './stage-json.js';

export interface DuckDBEngineOptions {
  /**
   * DuckDB threads per instance (default 1: measured on one 100k-post batch, a second thread makes
   * DuckDB's flattening slower, 5.3 s against 4.7 s, even with the other core idle).
   */
  threads?: number;
  memoryLimit?: string;
  /** Batches processed at once by `processBatches`, each in its own worker thread (default 2: one per core). */
  workers?: number;
  /**
   * Let DuckDB's JSON reader flatten clean batches (default true); false flattens every batch in
   * TypeScript. Both give the same rows (`flatten-in-duckdb.test.ts` holds them to it).
   */
  flattenInDuckDB?: boolean;
}

/**
 * The default engine, DuckDB in-process: clean batches are flattened by DuckDB itself, any other
 * batch by the TypeScript flattener (which quarantines); DuckDB writes zstd Parquet.
 */
export class DuckDBEngine implements Engine {
  readonly name = 'duckdb';
  #instance: DuckDBInstance | undefined;
  #conn: DuckDBConnection | undefined;
  #spill: LocalCopy | undefined;
  readonly #options: Required<DuckDBEngineOptions>;

  constructor(options: DuckDBEngineOptions = {}) {
    this.#options = { threads: 1, memoryLimit: '1GB', workers: 2, flattenInDuckDB: true, ...options };
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
        workerData: {
          lakeUri: lake.uri,
          lakeOptions: lake.options,
          flattenInDuckDB: this.#options.flattenInDuckDB,
        },
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

  async #connection(lake: Lake): Promise<DuckDBConnection> {
    if (!this.#conn) {
      // Past its memory limit DuckDB spills to disk (in the lake's scratch space) instead of failing.
      this.#spill = await lake.scratch('duckdb-spill');
      this.#instance = await DuckDBInstance.create(':memory:', {
        temp_directory: this.#spill.path,
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
    const conn = await this.#connection(lake);
    const scratch = await lake.scratch(`process-${batchId}`);
    try {
      const flat = this.#options.flattenInDuckDB
        ? await this.#flattenInDuckDB(conn, lake, batch, scratch.path)
        : undefined;
      if (flat && !('fallback' in flat)) {
        progress.update(
          `process: ${flat.stats.posts_written} posts flattened, writing Parquet (batch ${batchId})`,
        );
        const { files, rows } = await this.#writeTables(conn, lake, scratch.path, batchId, flat.selects);
        return await commitProcessed(lake, batch, {
          engine: this.name,
          files,
          rows,
          stats: flat.stats,
          quarantine: [],
          badParts: new Map(),
        });
      }
      if (flat) progress.info(`process: batch ${batchId} goes to the TypeScript flattener: ${flat.fallback}`);
      return await this.#processInTypeScript(conn, lake, batch, scratch.path, progress);
    } finally {
      await dropFlattened(conn);
      await scratch.release();
    }
  }

  /**
   * DuckDB's own JSON reader flattens the batch when every part is present and intact and the input
   * is clean (see `flattenInDuckDB`); otherwise `{ fallback }`.
   */
  async #flattenInDuckDB(
    conn: DuckDBConnection,
    lake: Lake,
    batch: LandingBatch,
    scratch: string,
  ): Promise<DuckDBFlattened | NotFlattened> {
    const copies: LocalCopy[] = [];
    try {
      // Parts are fetched (a remote lake) and checked a few at a time; the TypeScript flattener
      // quarantines a part that is missing or fails its checksum.
      const paths: string[] = [];
      const problems = await mapLimit(batch.manifest.parts, 4, async (part, i) => {
        let copy: LocalCopy;
        try {
          copy = await lake.localCopy(part.key);
        } catch (error) {
          return `part ${part.key} cannot be read (${(error as Error).message.split('\n')[0]})`;
        }
        copies.push(copy);
        paths[i] = copy.path;
        const mismatch = checksumMismatch(part, await readFile(copy.path));
        return mismatch && `part ${part.key} fails its checksum (${mismatch})`;
      });
      const problem = problems.find((p) => p !== undefined);
      if (problem) return { fallback: problem };
      return await flattenInDuckDB(conn, paths, batch.manifest.batch_id, scratch);
    } catch (error) {
      // Whatever DuckDB cannot do with this input, the TypeScript flattener can.
      return { fallback: `DuckDB: ${(error as Error).message.split('\n')[0]}` };
    } finally {
      for (const copy of copies) await copy.release();
    }
  }

  /** The TypeScript flattener: any input, bad lines and records quarantined with their reason. */
  async #processInTypeScript(
    conn: DuckDBConnection,
    lake: Lake,
    batch: LandingBatch,
    scratch: string,
    progress: Progress,
  ): Promise<ProcessedManifest> {
    const batchId = batch.manifest.batch_id;
    const flattener = new BatchFlattener(batchId);
    const badParts = await readLandingBatch(lake, batch, flattener);
    const rows = flattener.finish();
    const stats = flattener.stats;
    if (stats.posts_read !== stats.posts_written + stats.posts_quarantined + stats.posts_duplicate) {
      throw new FatalError(`batch ${batchId}: reconciliation failed (${JSON.stringify(stats)})`);
    }
    progress.update(`process: ${stats.posts_written} posts flattened, writing Parquet (batch ${batchId})`);
    const counts = Object.fromEntries(
      TABLE_NAMES.map((t) => [t, rows[t].length]),
    ) as ProcessedManifest['rows'];
    const selects: Partial<Record<ProcessedTable, string>> = {};
    for (const table of TABLE_NAMES) {
      if (rows[table].length > 0) selects[table] = await stageRows(TABLES[table], rows[table], scratch);
    }
    const { files, rows: written } = await this.#writeTables(conn, lake, scratch, batchId, selects);
    for (const table of TABLE_NAMES) {
      if (written[table] !== counts[table]) {
        throw new FatalError(
          `batch ${batchId}: ${table} has ${counts[table]} rows but ${written[table]} were written to Parquet`,
        );
      }
    }
    return commitProcessed(lake, batch, {
      engine: this.name,
      files,
      rows: counts,
      stats,
      quarantine: flattener.quarantine,
      badParts,
    });
  }

  /**
   * Writes each table's SELECT as Parquet and moves the files into the lake; the rows in the files'
   * footers must add up to the rows DuckDB wrote.
   */
  async #writeTables(
    conn: DuckDBConnection,
    lake: Lake,
    scratch: string,
    batchId: string,
    selects: Partial<Record<ProcessedTable, string>>,
  ): Promise<{ files: ProcessedFile[]; rows: ProcessedManifest['rows'] }> {
    const files: ProcessedFile[] = [];
    const rows = Object.fromEntries(TABLE_NAMES.map((t) => [t, 0])) as ProcessedManifest['rows'];
    for (const table of TABLE_NAMES) {
      const select = selects[table];
      if (select === undefined) continue;
      const spec: TableSpec = TABLES[table];
      const dir = path.join(scratch, table);
      rows[table] = await writeParquet(conn, spec, select, dir, batchId);
      if (rows[table] === 0) continue;
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
      const inFiles = moved.reduce((n, f) => n + f.rows, 0);
      if (inFiles !== rows[table]) {
        throw new FatalError(
          `batch ${batchId}: DuckDB wrote ${rows[table]} ${table} rows but the Parquet files hold ${inFiles}`,
        );
      }
    }
    return { files, rows };
  }

  async close(): Promise<void> {
    this.#conn?.closeSync();
    this.#instance?.closeSync();
    await this.#spill?.release();
    this.#spill = undefined;
    this.#conn = undefined;
    this.#instance = undefined;
  }
}

/** Stages a table's rows computed in TypeScript; returns the SELECT that reads them with the contract's types. */
async function stageRows(spec: TableSpec, rows: Row[], scratch: string): Promise<string> {
  const columns = spec.columns.map(([col, kind]) => [col, stagingType(kind)] as const);
  const staged = await stageJson(path.join(scratch, `${spec.name}.rows.json`), rows, columns);
  return `SELECT ${castSelect(spec)} FROM (${staged})`;
}

/** Writes a table's SELECT as zstd Parquet under `dir`, partitioned by `created_date` where the contract says. */
async function writeParquet(
  conn: DuckDBConnection,
  spec: TableSpec,
  select: string,
  dir: string,
  batchId: string,
): Promise<number> {
  const columns = spec.columns.map(([col]) => quoteIdent(col)).join(', ');
  const query = `SELECT ${columns} FROM (${select})`;
  const options = 'FORMAT parquet, COMPRESSION zstd';
  const copy = spec.partitioned
    ? `COPY (${query}) TO ${quoteString(dir)} (${options}, PARTITION_BY (created_date), WRITE_PARTITION_COLUMNS true, ` +
      `FILENAME_PATTERN ${quoteString(`part_${batchId}_{i}`)}, OVERWRITE_OR_IGNORE true)`
    : `COPY (${query}) TO ${quoteString(path.join(dir, `part_${batchId}.parquet`))} (${options})`;
  await mkdir(dir, { recursive: true });
  const result = await conn.runAndReadAll(copy);
  return Number(result.getRows()[0]?.[0] ?? 0);
}

/** Rows of every Parquet file under `dir`, by path, read from the files' footers. */
async function parquetRowsIn(conn: DuckDBConnection, dir: string): Promise<Map<string, number>> {
  const result = await conn.runAndReadAll(
    `SELECT file_name, num_rows FROM parquet_file_metadata(${quoteString(path.join(dir, '**', '*.parquet'))})`,
  );
  return new Map(result.getRows().map(([file, rows]) => [path.resolve(String(file)), Number(rows)]));
}
