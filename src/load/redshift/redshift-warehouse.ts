import { stat } from 'node:fs/promises';
import { ConfigError, FatalError } from '../../core/errors.js';
import { mapLimit } from '../../core/map-limit.js';
import { redactUri } from '../../core/redact-uri.js';
import type { Lake } from '../../lake/lake.js';
import { STATE } from '../../lake/zones.js';
import type { ProcessedFile, ProcessedManifest } from '../../process/processed-manifest.js';
import { fitTextBytes } from '../duckdb/fit-text-bytes.js';
import { STAR_TABLES } from '../star-schema.js';
import type { LakeCopyWarehouse, LoadResult, WarehouseOptions } from '../warehouse.js';
import {
  type BatchStatement,
  batchStatements,
  copyManifest,
  LONG_TEXT,
  lit,
  MAX_VARCHAR,
  redshiftDdl,
  type TableSource,
} from './redshift-sql.js';
import { parseRedshiftUri } from './redshift-uri.js';
import { type SqlRunner, StatementError } from './sql-runner.js';

/** Versioned migrations; each is a list of statements run in one transaction. */
const MIGRATIONS: (() => string[])[] = [redshiftDdl];

/** Where the COPY manifests of a batch are written in the lake (removed once the batch is loaded). */
const copyManifestKey = (batchId: string, table: string) =>
  `${STATE}/redshift-copy/${batchId}/${table}.manifest.json`;

/** Where a batch's files go once their overlong text is cut (removed with the manifests). */
const fittedPrefix = (batchId: string, table: string) => `${STATE}/redshift-copy/${batchId}/${table}`;

/**
 * For each of `files` (one table's) with a value of `columns` longer than Redshift's longest
 * VARCHAR, a copy with those values cut to fit, written to the lake under `prefix`: the COPY
 * reads it instead. Without it one long post would fail its batch's COPY on every attempt, and
 * hold back every batch after it.
 */
async function fittedCopies(
  lake: Lake,
  files: readonly ProcessedFile[],
  columns: readonly string[],
  prefix: string,
): Promise<Map<string, { key: string; bytes: number; cut: number }>> {
  const out = new Map<string, { key: string; bytes: number; cut: number }>();
  if (columns.length === 0) return out;
  const copies = await mapLimit(files, 8, async (f) => [f.key, await lake.localCopy(f.key)] as const);
  const scratch = await lake.scratch('redshift-fit');
  try {
    const byPath = new Map(copies.map(([key, c]) => [c.path, key]));
    const fitted = await fitTextBytes([...byPath.keys()], columns, MAX_VARCHAR, scratch.path);
    for (const [local, { path: file, cut }] of fitted) {
      const from = byPath.get(local)!;
      const key = `${prefix}/${from.replaceAll('/', '_')}`;
      const { size } = await stat(file);
      await lake.putFile(key, file); // (moves the file)
      out.set(from, { key, bytes: size, cut });
    }
    return out;
  } finally {
    await Promise.all(copies.map(([, c]) => c.release()));
    await scratch.release();
  }
}

/**
 * Amazon Redshift, over the PostgreSQL protocol (`redshift://USER@HOST:5439/DB`, TLS) or the Data
 * API (`redshift-data://WORKGROUP/DB`). Batches are read by Redshift itself from the S3 lake:
 * for each table a COPY manifest names the batch's exact Parquet files, `COPY … FORMAT AS PARQUET`
 * fills a staging table, and `MERGE` upserts into the target; `dim_date` and `etl_loads` follow,
 * all in one transaction. A batch already in `etl_loads` is skipped.
 */
export class RedshiftWarehouse implements LakeCopyWarehouse {
  constructor(
    readonly uri: string,
    private readonly runner: SqlRunner,
    private readonly iamRole: string,
  ) {}

  static async open(uri: string, options: WarehouseOptions = {}): Promise<RedshiftWarehouse> {
    const iamRole = options.redshiftIamRole;
    if (!iamRole) {
      throw new ConfigError(
        'TWEETPIPE_REDSHIFT_IAM_ROLE',
        'is required for a Redshift warehouse: the IAM role (ARN, or "default") that Redshift assumes to COPY from the S3 lake',
      );
    }
    const target = parseRedshiftUri(uri);
    const shown = redactUri(uri);
    let runner: SqlRunner;
    if (target.via === 'postgres-protocol') {
      runner = await (await import('./pg-protocol-runner.js')).PgProtocolRunner.connect(target, shown);
    } else {
      const { DataApiRunner } = await import('./data-api-runner.js');
      runner = new DataApiRunner(target, shown, { secretArn: options.redshiftSecretArn });
    }
    return new RedshiftWarehouse(shown, runner, iamRole);
  }

  async migrate(): Promise<void> {
    await this.runner.transaction([
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, PRIMARY KEY (version))',
    ]);
    const rows = await this.runner.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    const current = Number(rows[0]?.v ?? 0);
    for (let v = current; v < MIGRATIONS.length; v++) {
      const at = new Date().toISOString().replace('T', ' ').replace('Z', '');
      try {
        await this.runner.transaction([
          // One migrator at a time; a second one finds the version recorded and adds nothing.
          'LOCK schema_migrations',
          ...MIGRATIONS[v]!(),
          `INSERT INTO schema_migrations (version, applied_at) SELECT ${v + 1}, TIMESTAMP ${lit(at)} ` +
            `WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ${v + 1})`,
        ]);
      } catch (error) {
        throw new FatalError(`Redshift migration ${v + 1} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }

  async loadedBatches(): Promise<Set<string>> {
    const rows = await this.runner.query('SELECT DISTINCT batch_id FROM etl_loads');
    return new Set(rows.map((r) => String(r.batch_id)));
  }

  async loadBatch(manifest: ProcessedManifest): Promise<LoadResult> {
    throw new FatalError(
      `batch ${manifest.batch_id}: Redshift loads with COPY from S3 and cannot read local files; set TWEETPIPE_LAKE to s3://BUCKET/PREFIX`,
    );
  }

  async loadBatchFromLake(manifest: ProcessedManifest, lake: Lake): Promise<LoadResult> {
    const batchId = manifest.batch_id;
    if (!lake.uri.startsWith('s3://')) {
      throw new ConfigError(
        'TWEETPIPE_LAKE',
        `Redshift reads batches with COPY from S3, so the lake must be s3://BUCKET/PREFIX (got ${lake.uri})`,
      );
    }
    const done = await this.runner.query(
      `SELECT 1 AS one FROM etl_loads WHERE batch_id = ${lit(batchId)} LIMIT 1`,
    );
    if (done.length > 0) return { batchId, loaded: false, rows: {}, inserted: {} };

    // One COPY manifest per table names the batch's exact files: COPY never sees a stray object.
    const sources: TableSource[] = [];
    const written: string[] = [];
    const notes: string[] = [];
    let counts: number[];
    let statements: BatchStatement[] = [];
    try {
      for (const t of STAR_TABLES) {
        const files = manifest.files.filter((f) => f.table === t.from);
        if (files.length === 0) {
          sources.push({ table: t, manifestUrl: undefined });
          continue;
        }
        const fitted = await fittedCopies(
          lake,
          files,
          LONG_TEXT[t.from] ?? [],
          fittedPrefix(batchId, t.name),
        );
        let cut = 0;
        for (const f of fitted.values()) {
          written.push(f.key);
          cut += f.cut;
        }
        const entries = files.map((f) => {
          const copy = fitted.get(f.key);
          return copy
            ? { url: `${lake.uri}/${copy.key}`, bytes: copy.bytes }
            : { url: `${lake.uri}/${f.key}`, bytes: f.bytes };
        });
        if (cut > 0) {
          notes.push(
            `batch ${batchId}: ${cut === 1 ? 'a post' : `${cut} posts`} with text longer than Redshift's ` +
              `${MAX_VARCHAR.toLocaleString('en-US')} bytes went to ${t.name} cut at a character boundary ` +
              '(the processed zone keeps the full text)',
          );
        }
        const key = copyManifestKey(batchId, t.name);
        written.push(key);
        await lake.put(key, copyManifest(entries));
        sources.push({ table: t, manifestUrl: `${lake.uri}/${key}` });
      }
      statements = batchStatements({
        batchId,
        tables: sources,
        iamRole: this.iamRole,
        loadedAt: new Date(),
      });
      counts = await this.runner.transaction(statements.map((s) => s.sql));
    } catch (error) {
      if (!(error instanceof StatementError)) throw error;
      const at = error.index === undefined ? undefined : statements[error.index];
      const where = at?.table ? ` into ${at.table}` : '';
      throw new FatalError(
        `loading batch ${batchId}${where} failed and was rolled back: ${error.message.split('\n')[0]}`,
        { cause: error },
      );
    } finally {
      await Promise.all(written.map((k) => lake.delete(k).catch(() => {})));
    }
    const rows: Record<string, number> = {};
    const inserted: Record<string, number> = {};
    for (const t of STAR_TABLES) {
      rows[t.name] = 0;
      inserted[t.name] = 0;
    }
    for (const [i, s] of statements.entries()) {
      if (s.measure?.what === 'rows') rows[s.measure.table] = counts[i]!;
      if (s.measure?.what === 'inserted') inserted[s.measure.table] = counts[i]!;
    }
    return { batchId, loaded: true, rows, inserted, ...(notes.length > 0 ? { notes } : {}) };
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.runner.query(sql);
  }

  async close(): Promise<void> {
    await this.runner.close();
  }
}
