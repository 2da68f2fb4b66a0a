import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AuthError, ConfigError, FatalError, RetryableError } from '../../core/errors.js';
import { redactUri } from '../../core/redact-uri.js';
import { quoteString as lit, quoteIdent as q } from '../../core/sql-quote.js';
import type { ProcessedManifest } from '../../process/processed-manifest.js';
import { parquetToCsv } from '../duckdb/parquet-to-csv.js';
import { mergeSql, starSchemaDdl } from '../sql/star-ddl.js';
import { STAR_TABLES, type StarTable } from '../star-schema.js';
import type { LoadResult, Warehouse, WarehouseOptions } from '../warehouse.js';

const MIGRATIONS: ((client: pg.PoolClient | pg.Client) => Promise<void>)[] = [
  async (client) => {
    for (const ddl of starSchemaDdl({ primaryKeys: true })) await client.query(ddl);
  },
];

/**
 * PostgreSQL (`postgres://user@host:5432/db?sslmode=require`). The password comes from the URI,
 * `PGPASSWORD` or `~/.pgpass`, never from our config file. Each batch: every table's Parquet
 * files become CSV in a scratch folder, stream in with `COPY … FROM STDIN` into a temporary
 * staging table, then `MERGE` into the target and `etl_loads`, all in one transaction.
 */
export class PostgresWarehouse implements Warehouse {
  private constructor(
    readonly uri: string,
    private readonly client: pg.Client,
  ) {}

  static async open(
    uri: string,
    options: Pick<WarehouseOptions, 'readOnly'> = {},
  ): Promise<PostgresWarehouse> {
    const client = new pg.Client(clientConfig(uri));
    try {
      await client.connect();
      if (options.readOnly) await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    } catch (error) {
      await client.end().catch(() => {});
      throw connectionError(error, uri);
    }
    client.on('error', () => {}); // a dropped connection fails the next query, which says so
    return new PostgresWarehouse(redactUri(uri), client);
  }

  async migrate(): Promise<void> {
    const c = this.client;
    // One migrator at a time, across processes.
    await c.query('SELECT pg_advisory_lock(727274)');
    try {
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)',
      );
      const current = Number(
        (await c.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).rows[0].v,
      );
      for (let v = current; v < MIGRATIONS.length; v++) {
        await c.query('BEGIN');
        try {
          await MIGRATIONS[v]!(c);
          await c.query('INSERT INTO schema_migrations VALUES ($1, now())', [v + 1]);
          await c.query('COMMIT');
        } catch (error) {
          await c.query('ROLLBACK');
          throw new FatalError(`PostgreSQL migration ${v + 1} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock(727274)');
    }
  }

  async loadedBatches(): Promise<Set<string>> {
    const { rows } = await this.client.query('SELECT DISTINCT batch_id FROM etl_loads');
    return new Set(rows.map((r) => String(r.batch_id)));
  }

  async loadBatch(manifest: ProcessedManifest, files: ReadonlyMap<string, string>): Promise<LoadResult> {
    const c = this.client;
    const batchId = manifest.batch_id;
    const rows: Record<string, number> = {};
    const inserted: Record<string, number> = {};
    const scratch = await mkdtemp(path.join(process.env.TWEETPIPE_SCRATCH_DIR || tmpdir(), 'tweetpipe-pg-'));
    let current = 'etl_loads';
    let chain: Promise<unknown> = Promise.resolve();
    await c.query('BEGIN');
    try {
      // Two loaders of the same batch queue here; the second then sees it in etl_loads.
      await c.query('SELECT pg_advisory_xact_lock(727275)');
      const done = await c.query('SELECT 1 FROM etl_loads WHERE batch_id = $1 LIMIT 1', [batchId]);
      if (done.rowCount) {
        await c.query('ROLLBACK');
        return { batchId, loaded: false, rows: {}, inserted: {} };
      }
      // Parquet → CSV (DuckDB, on its own threads) runs ahead of PostgreSQL's COPY and MERGE, table by table.
      const csvOf = new Map<string, Promise<string | undefined>>();
      for (const t of STAR_TABLES) {
        const job = chain.then(() => this.#csv(t, manifest, files, scratch));
        job.catch(() => {}); // awaited in the loop below
        csvOf.set(t.name, job);
        chain = job;
      }
      for (const t of STAR_TABLES) {
        current = t.name;
        rows[t.name] = 0;
        inserted[t.name] = 0;
        const csv = await csvOf.get(t.name)!;
        if (csv === undefined) continue;
        await c.query(`CREATE TEMP TABLE stg (LIKE ${q(t.name)}) ON COMMIT DROP`);
        const columns = t.columns.map(([col]) => q(col)).join(', ');
        await pipeline(
          createReadStream(csv),
          c.query(copyFrom(`COPY stg (${columns}) FROM STDIN WITH (FORMAT csv, NULL '')`)),
        );
        await rm(csv, { force: true });
        const keys = t.key.map(q).join(', ');
        const check = await c.query(`SELECT count(*) AS n, count(DISTINCT (${keys})) AS d FROM stg`);
        const n = Number(check.rows[0].n);
        const distinct = Number(check.rows[0].d);
        if (distinct < n) {
          // One row per key: the latest retrieval (entity rows are immutable, any one will do).
          const order = t.latestWins ? ', retrieved_at DESC, batch_id DESC' : '';
          await c.query(
            `DELETE FROM stg WHERE ctid NOT IN (SELECT DISTINCT ON (${keys}) ctid FROM stg ORDER BY ${keys}${order})`,
          );
        }
        rows[t.name] = distinct;
        if (t.latestWins) {
          // New keys, counted through the key's index before MERGE (cheaper than counting the table).
          const on = t.key.map((k) => `${q(t.name)}.${q(k)} = stg.${q(k)}`).join(' AND ');
          const fresh = await c.query(
            `SELECT count(*) AS n FROM stg WHERE NOT EXISTS (SELECT 1 FROM ${q(t.name)} WHERE ${on})`,
          );
          inserted[t.name] = Number(fresh.rows[0].n);
          await c.query(mergeSql(t, 'stg'));
        } else {
          inserted[t.name] = (await c.query(mergeSql(t, 'stg'))).rowCount ?? 0; // an insert-only anti-join
        }
        if (t.name === 'fact_tweets') {
          current = 'dim_date';
          await c.query(
            "INSERT INTO dim_date SELECT DISTINCT ON (d) CAST(to_char(d, 'YYYYMMDD') AS INTEGER), d, " +
              'extract(year FROM d), extract(quarter FROM d), extract(month FROM d), extract(day FROM d), extract(isodow FROM d), ' +
              "trim(to_char(d, 'Day')), extract(week FROM d), extract(isodow FROM d) >= 6 " +
              "FROM (SELECT DISTINCT to_date(date_key::text, 'YYYYMMDD') AS d FROM stg) days ON CONFLICT DO NOTHING",
          );
        }
        await c.query('DROP TABLE stg');
      }
      current = 'etl_loads';
      const values = Object.entries(rows).map(
        ([table, n]) => `(${lit(batchId)}, ${lit(table)}, ${n}, now())`,
      );
      await c.query(`INSERT INTO etl_loads VALUES ${values.join(', ')}`);
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK').catch(() => {});
      if (error instanceof FatalError && /no local copy/.test(error.message)) throw error;
      throw new FatalError(
        `loading batch ${batchId} into ${current} failed and was rolled back: ${(error as Error).message.split('\n')[0]}`,
        { cause: error },
      );
    } finally {
      await chain.catch(() => {}); // no conversion may still be writing into the scratch folder
      await rm(scratch, { recursive: true, force: true });
    }
    return { batchId, loaded: true, rows, inserted };
  }

  /** The CSV of table `t`'s rows in this batch, or undefined when the batch has none. */
  async #csv(
    t: StarTable,
    manifest: ProcessedManifest,
    files: ReadonlyMap<string, string>,
    scratch: string,
  ): Promise<string | undefined> {
    const paths = manifest.files
      .filter((f) => f.table === t.from)
      .map((f) => {
        const local = files.get(f.key);
        if (!local) throw new FatalError(`batch ${manifest.batch_id}: no local copy of ${f.key}`);
        return local;
      });
    if (paths.length === 0) return undefined;
    const select = t.columns
      .map(([col]) =>
        col === 'date_key' ? "CAST(strftime(created_date, '%Y%m%d') AS INTEGER) AS date_key" : q(col),
      )
      .join(', ');
    const csv = path.join(scratch, `${t.name}.csv`);
    await parquetToCsv(paths, select, csv);
    return csv;
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.client.query(sql)).rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** pg's settings from the URI; `sslmode` (disable, prefer, require, verify-ca, verify-full) and `sslrootcert` honoured. */
export function clientConfig(uri: string): pg.ClientConfig {
  let url: URL;
  try {
    url = new URL(uri.replace(/^postgresql:/, 'postgres:'));
  } catch {
    throw new ConfigError('TWEETPIPE_WAREHOUSE', 'is not a valid postgres://user@host:port/db URI');
  }
  const mode = url.searchParams.get('sslmode') ?? 'prefer';
  const modes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
  if (!modes.includes(mode)) {
    throw new ConfigError('TWEETPIPE_WAREHOUSE', `sslmode must be one of ${modes.join(', ')}, got "${mode}"`);
  }
  const rootCert = url.searchParams.get('sslrootcert');
  let ssl: pg.ClientConfig['ssl'] = false;
  if (mode === 'require') ssl = { rejectUnauthorized: false };
  if (mode === 'verify-ca' || mode === 'verify-full') {
    ssl = {
      rejectUnauthorized: true,
      ...(rootCert ? { ca: readFileSync(rootCert, 'utf8') } : {}),
      ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    };
  }
  const socketHost = url.searchParams.get('host');
  return {
    host: socketHost ?? (decodeURIComponent(url.hostname) || 'localhost'),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
    ssl,
    application_name: 'tweetpipe',
  };
}

function connectionError(error: unknown, uri: string): Error {
  const e = error as { code?: string; message?: string };
  const where = redactUri(uri);
  if (e.code === '28P01' || e.code === '28000') {
    return new AuthError(`PostgreSQL refused the login at ${where}: ${e.message}`);
  }
  if (e.code === '3D000') return new ConfigError('TWEETPIPE_WAREHOUSE', `${e.message} (${where})`);
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT') {
    return new RetryableError(`cannot reach PostgreSQL at ${where} (${e.code}); is the server running?`);
  }
  return new FatalError(`cannot open PostgreSQL warehouse ${where}: ${e.message}`, { cause: error });
}
