import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ConfigError, FatalError } from '../../core/errors.js';
import { folderProblem } from '../../core/folder-problem.js';
import { sleep } from '../../core/sleep.js';
import { quoteString as lit } from '../../core/sql-quote.js';
import type { ProcessedManifest } from '../../process/processed-manifest.js';
import { mergeSql, starSchemaDdl } from '../sql/star-ddl.js';
import { STAR_TABLES, type StarTable } from '../star-schema.js';
import { type LoadResult, type Warehouse, WarehouseInUseError } from '../warehouse.js';

const MIGRATIONS: ((conn: DuckDBConnection) => Promise<void>)[] = [
  async (conn) => {
    for (const ddl of starSchemaDdl({ primaryKeys: true })) await conn.run(ddl);
  },
  // Keys are kept by MERGE; an index per table made every load pay for the constraints twice.
  async (conn) => {
    for (const t of STAR_TABLES) {
      await conn.run(`CREATE TABLE "${t.name}__v2" AS SELECT * FROM "${t.name}"`);
      await conn.run(`DROP TABLE "${t.name}"`);
      await conn.run(`ALTER TABLE "${t.name}__v2" RENAME TO "${t.name}"`);
    }
  },
];

const ROW_GROUP_SIZE = 32_768;

/**
 * From this many rows, an occurrence table is compared with a batch post by post (see
 * `#insertOccurrences`) rather than as a whole: below it, one anti-join against the whole table
 * is cheaper than the two statements (1M-post benchmark: even at about a million rows).
 */
const PER_POST_FROM_ROWS = 1_000_000;

export interface DuckDBWarehouseOptions {
  /** Rows from which occurrence tables are compared per post (default `PER_POST_FROM_ROWS`; tests set 0). */
  perPostFromRows?: number;
  /** Attach the file read-only (`status`): it must exist, and nothing can change it. */
  readOnly?: boolean;
  /** How long to wait for another process to let go of the file before failing (default `LOCK_WAIT_MS`, 1 s read-only). */
  lockWaitMs?: number;
}

/** DuckDB's error when another process holds the file. */
const LOCKED = /Could not set lock|lock on file/i;

/** How long `open` waits for another process's lock on the file (a `status` holds it well under a second). */
const LOCK_WAIT_MS = 5_000;

/** The default warehouse: a DuckDB database file (`duckdb://PATH`). */
export class DuckDBWarehouse implements Warehouse {
  /** Row counts as of the last commit, so each batch counts a table once (this process holds the file's lock). */
  readonly #counts = new Map<string, number>();

  private constructor(
    readonly uri: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** A second connection for the batches' key checks, which read only the Parquet files. */
    private readonly checkConn: DuckDBConnection,
    private readonly perPostFromRows: number,
  ) {}

  static async open(uri: string, options: DuckDBWarehouseOptions = {}): Promise<DuckDBWarehouse> {
    const file = uri.slice('duckdb://'.length);
    if (!options.readOnly) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
      } catch (error) {
        throw new ConfigError(
          'TWEETPIPE_WAREHOUSE',
          `cannot make the folder of ${file}: ${folderProblem(error, 'the warehouse') ?? (error as Error).message}`,
        );
      }
    }
    let instance: DuckDBInstance | undefined;
    try {
      // Each batch's commit is durable in the write-ahead log; checkpointing (rewriting tables and
      // indexes into the file) once per GiB of log instead of every 16 MiB makes batch loads faster.
      instance = await DuckDBInstance.create(':memory:', {
        threads: '2',
        memory_limit: '1GB',
        checkpoint_threshold: '1GB',
        // Row order inside a table means nothing in the star schema; letting it go parallelises inserts.
        preserve_insertion_order: 'false',
        // No row groups merged at checkpoints: a batch's parallel insert leaves a partly filled
        // row group or two per table, and merging them rewrote (decompressed and compressed again)
        // most of the small tables at every checkpoint: on the 1M-post benchmark the closing
        // checkpoint took 1.2-2.3 s with merging and 0.3-0.8 s without, the load 8.8-10.6 s
        // against 7.7-8.1 s, and the file is 250 MB instead of 290-340 MB (the blocks merging
        // freed were left in the file). Nothing is ever deleted from the star schema, so merging
        // had no deleted rows to reclaim; the cost is more, smaller row groups.
        max_vacuum_tasks: '0',
        temp_directory: `${file}.tmp`,
      });
      const conn = await instance.connect();
      // Row groups of 32,768 rows instead of 122,880: a batch's rows then fill whole row groups,
      // which DuckDB writes compressed into the file as the batch loads instead of logging them
      // uncompressed at commit and compressing them again at the checkpoint (1M-post benchmark:
      // 7.6-7.9 s against 8.3-8.6 s; the data takes about 10% more space).
      const attach = `ATTACH ${lit(file)} AS warehouse (${options.readOnly ? 'READ_ONLY' : `ROW_GROUP_SIZE ${ROW_GROUP_SIZE}`})`;
      // Another process's hold on the file may be brief (a `status` reading it): wait for it a while.
      const until = Date.now() + (options.lockWaitMs ?? (options.readOnly ? 1_000 : LOCK_WAIT_MS));
      for (;;) {
        try {
          await conn.run(attach);
          break;
        } catch (error) {
          if (!LOCKED.test((error as Error).message) || Date.now() >= until) throw error;
          await sleep(200);
        }
      }
      await conn.run('USE warehouse');
      return new DuckDBWarehouse(
        uri,
        instance,
        conn,
        await instance.connect(),
        options.perPostFromRows ?? PER_POST_FROM_ROWS,
      );
    } catch (error) {
      instance?.closeSync();
      const message = (error as Error).message;
      if (LOCKED.test(message)) {
        // "Conflicting lock is held in /usr/bin/node (PID 5835)": say which process, not the rest.
        const holder = /lock is held in (.*?) \(PID (\d+)\)/.exec(message);
        const who = holder ? `${holder[1]}, PID ${holder[2]}` : message.split('\n')[0];
        throw new WarehouseInUseError(file, `in use by another process (${who})`);
      }
      throw new FatalError(`cannot open warehouse ${file}: ${message.split('\n')[0]}`);
    }
  }

  async migrate(): Promise<void> {
    await this.conn.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)',
    );
    const rows = await this.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    const current = Number(rows[0]?.v ?? 0);
    for (let v = current; v < MIGRATIONS.length; v++) {
      await this.conn.run('BEGIN TRANSACTION');
      try {
        await MIGRATIONS[v]!(this.conn);
        await this.conn.run(`INSERT INTO schema_migrations VALUES (${v + 1}, now()::TIMESTAMP)`);
        await this.conn.run('COMMIT');
      } catch (error) {
        await this.conn.run('ROLLBACK');
        throw error;
      }
    }
  }

  async loadedBatches(): Promise<Set<string>> {
    const rows = await this.query('SELECT DISTINCT batch_id FROM etl_loads');
    return new Set(rows.map((r) => String(r.batch_id)));
  }

  async loadBatch(manifest: ProcessedManifest, files: ReadonlyMap<string, string>): Promise<LoadResult> {
    const batchId = manifest.batch_id;
    const done = await this.query(`SELECT 1 FROM etl_loads WHERE batch_id = ${lit(batchId)} LIMIT 1`);
    if (done.length > 0) return { batchId, loaded: false, rows: {}, inserted: {} };
    // Each table's Parquet files, all located before anything runs (none: the batch has no rows).
    const parquetOf = new Map<string, string | undefined>();
    for (const t of STAR_TABLES) {
      const paths = manifest.files
        .filter((f) => f.table === t.from)
        .map((f) => {
          const local = files.get(f.key);
          if (!local) throw new FatalError(`batch ${batchId}: no local copy of ${f.key}`);
          return lit(local);
        });
      parquetOf.set(t.name, paths.length === 0 ? undefined : `read_parquet([${paths.join(', ')}])`);
    }
    const rows: Record<string, number> = {};
    const inserted: Record<string, number> = {};
    const counts = new Map<string, number>();
    const countOf = async (table: string) => {
      const known = counts.get(table) ?? this.#counts.get(table);
      if (known !== undefined) return known;
      const n = Number((await this.query(`SELECT count(*) AS n FROM "${table}"`))[0]?.n ?? 0);
      counts.set(table, n);
      return n;
    };
    // Engines write one row per key per batch: then the batch is merged straight from its Parquet
    // files. Should a batch break that, one row per key (the latest retrieval) is kept rather than
    // letting MERGE insert a key twice. The checks read only the key columns and count distinct
    // hashes of composite keys (equal keys hash equal, so no duplicate slips through; a collision
    // only sends the table down the exact path below). They run one after another on a second
    // connection while this one loads the tables before them, on the core a load leaves idle
    // (1M-post benchmark: they took 7% of the load stage when run in turn).
    const checks = new Map<string, Promise<{ n: number; dupes: number }>>();
    let previous: Promise<unknown> = Promise.resolve();
    for (const t of STAR_TABLES) {
      const parquet = parquetOf.get(t.name);
      if (parquet === undefined) continue;
      const distinct = t.key.length === 1 ? keyList(t) : `hash(${keyList(t)})`;
      const check = previous.then(async () => {
        const [row] = await rowsOf(
          this.checkConn,
          `SELECT count(*) AS n, count(*) - count(DISTINCT ${distinct}) AS dupes FROM ${parquet}`,
        );
        return { n: Number(row?.n ?? 0), dupes: Number(row?.dupes ?? 0) };
      });
      checks.set(t.name, check);
      previous = check.catch(() => {});
    }
    let current = 'etl_loads';
    let newPosts = false;
    try {
      await this.conn.run('BEGIN TRANSACTION');
    } catch (error) {
      await previous;
      throw error;
    }
    try {
      for (const t of STAR_TABLES) {
        current = t.name;
        const files = parquetOf.get(t.name);
        const check = checks.get(t.name);
        if (files === undefined || check === undefined) {
          rows[t.name] = 0;
          inserted[t.name] = 0;
          continue;
        }
        const select = t.columns
          .map(([c]) =>
            // (arithmetic, not strftime: formatting and parsing a string per row costs)
            c === 'date_key'
              ? 'CAST(year(created_date) * 10000 + month(created_date) * 100 + day(created_date) AS INTEGER) AS date_key'
              : `"${c}"`,
          )
          .join(', ');
        const keys = keyList(t);
        const { n, dupes } = await check;
        let relation = `(SELECT ${select} FROM ${files})`;
        rows[t.name] = n;
        if (dupes > 0) {
          const order = t.latestWins ? 'ORDER BY retrieved_at DESC, batch_id DESC' : '';
          await this.conn.run(
            `CREATE OR REPLACE TEMP TABLE stg AS SELECT ${select} FROM ${files} QUALIFY row_number() OVER (PARTITION BY ${keys} ${order}) = 1`,
          );
          relation = 'stg';
          rows[t.name] = Number((await this.query('SELECT count(*) AS n FROM stg'))[0]?.n ?? 0);
        }
        const before = await countOf(t.name);
        const perPost = newPosts && t.key[0] === 'tweet_id' && before >= this.perPostFromRows;
        if (t.latestWins) await this.#upsert(t, relation);
        else if (perPost) await this.#insertOccurrences(t, relation);
        else await this.conn.run(mergeSql(t, relation));
        if (t.name === 'fact_tweets' && before >= this.perPostFromRows) {
          // The batch's posts fact_tweets did not hold before this batch (`held`: those it did).
          await this.conn.run(
            `CREATE OR REPLACE TEMP TABLE new_posts AS SELECT tweet_id FROM ${relation} AS src ANTI JOIN held USING (tweet_id)`,
          );
          newPosts = true;
        }
        counts.delete(t.name);
        this.#counts.delete(t.name);
        inserted[t.name] = (await countOf(t.name)) - before;
        if (t.name === 'fact_tweets') {
          current = 'dim_date';
          await this.conn.run(
            `INSERT INTO dim_date SELECT DISTINCT CAST(strftime(d, '%Y%m%d') AS INTEGER), d, year(d), quarter(d), month(d), day(d), ` +
              `isodow(d), dayname(d), weekofyear(d), isodow(d) >= 6 FROM (SELECT DISTINCT created_date AS d FROM ${files}) ` +
              'ON CONFLICT DO NOTHING',
          );
        }
      }
      current = 'etl_loads';
      const values = Object.entries(rows).map(
        ([t, n]) => `(${lit(batchId)}, ${lit(t)}, ${n}, now()::TIMESTAMP)`,
      );
      await this.conn.run(`INSERT INTO etl_loads VALUES ${values.join(', ')}`);
      await this.conn.run('COMMIT');
      for (const [table, n] of counts) this.#counts.set(table, n);
    } catch (error) {
      await this.conn.run('ROLLBACK').catch(() => {});
      throw new FatalError(
        `loading batch ${batchId} into ${current} failed and was rolled back: ${(error as Error).message.split('\n')[0]}`,
        {
          cause: error,
        },
      );
    } finally {
      await previous; // no check still running on the other connection once the batch has ended
      await this.conn.run('DROP TABLE IF EXISTS stg').catch(() => {});
      await this.conn.run('DROP TABLE IF EXISTS held').catch(() => {});
      await this.conn.run('DROP TABLE IF EXISTS new_posts').catch(() => {});
      await this.conn.run('DROP TABLE IF EXISTS seen').catch(() => {});
    }
    return { batchId, loaded: true, rows, inserted };
  }

  /**
   * `MERGE` as DuckDB runs it fastest: the batch's keys the table already holds are merged (the
   * update rules of `mergeSql`), then every other row is inserted, as an anti-join against that
   * small set of keys, which DuckDB inserts in parallel where its MERGE does not (1M-post
   * benchmark, load stage: 6.8-7.2 s against 8.5-8.8 s). The parallel writers leave free blocks in
   * the file (about a quarter of it after that load) which later loads fill before it grows.
   * `relation` has one row per key.
   */
  async #upsert(t: StarTable, relation: string): Promise<void> {
    const keys = keyList(t);
    const held = t.key.map((k) => `"${t.name}"."${k}" = src."${k}"`).join(' AND ');
    await this.conn.run(
      `CREATE OR REPLACE TEMP TABLE held AS SELECT ${t.key.map((k) => `src."${k}"`).join(', ')} ` +
        `FROM ${relation} AS src WHERE EXISTS (SELECT 1 FROM "${t.name}" WHERE ${held})`,
    );
    const [row] = await this.query('SELECT count(*) AS n FROM held');
    if (Number(row?.n ?? 0) > 0) {
      await this.conn.run(
        mergeSql(t, `(SELECT * FROM ${relation} AS src SEMI JOIN held USING (${keys}))`, {
          matchedOnly: true,
        }),
      );
    }
    const cols = t.columns.map(([c]) => `"${c}"`).join(', ');
    await this.conn.run(
      `INSERT INTO "${t.name}" (${cols}) SELECT ${cols} FROM ${relation} AS src ANTI JOIN held USING (${keys})`,
    );
  }

  /**
   * Inserts an occurrence table's new keys, as `mergeSql` does, without comparing the batch with
   * the whole table. Every occurrence row in the warehouse belongs to a post of fact_tweets (both
   * come from one processed batch and load in one transaction), so the rows of posts new to the
   * warehouse (`new_posts`) are inserted as they are. Only the batch's other rows are compared, and
   * only with the rows already there for the same posts. Measured on one 100k-post batch into a
   * warehouse of 19M posts (26M hashtag rows): the six occurrence tables took 0.57 s this way
   * against 0.96-1.04 s with the anti-join, which scans every row of each table on every batch.
   */
  async #insertOccurrences(t: StarTable, relation: string): Promise<void> {
    const cols = t.columns.map(([c]) => `"${c}"`).join(', ');
    await this.conn.run(
      `INSERT INTO "${t.name}" (${cols}) SELECT ${cols} FROM ${relation} AS src SEMI JOIN new_posts USING (tweet_id)`,
    );
    // The rest (rows of posts the warehouse already held): few, so kept aside and compared.
    await this.conn.run(
      `CREATE OR REPLACE TEMP TABLE seen AS SELECT * FROM ${relation} AS src ANTI JOIN new_posts USING (tweet_id)`,
    );
    const [row] = await this.query('SELECT count(*) AS n FROM seen');
    if (Number(row?.n ?? 0) === 0) return;
    const keys = keyList(t);
    await this.conn.run(
      `INSERT INTO "${t.name}" (${cols}) SELECT ${cols} FROM seen ` +
        `ANTI JOIN (SELECT ${keys} FROM "${t.name}" SEMI JOIN seen USING (tweet_id)) AS there USING (${keys})`,
    );
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return rowsOf(this.conn, sql);
  }

  async close(): Promise<void> {
    this.checkConn.closeSync();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** A table's key columns, quoted, comma-separated. */
function keyList(t: StarTable): string {
  return t.key.map((k) => `"${k}"`).join(', ');
}

/** A query's rows as plain objects. */
async function rowsOf(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}
