import { quoteString as lit, quoteIdent as q } from '../../core/sql-quote.js';
import { type ColumnKind, type ProcessedTable, sqlType, TABLES } from '../../schema/tables.js';
import { DIM_DATE_COLUMNS, STAR_TABLES, type StarTable } from '../star-schema.js';

/**
 * Amazon Redshift's dialect of the star schema and of one batch's load. Everything here is a
 * pure function of its inputs so the SQL can be read and tested statement by statement; the
 * statements that carry the merge logic are also valid PostgreSQL and run there in the tests.
 *
 * Rules of Redshift this follows (AWS, Database Developer Guide):
 * - `COPY … FORMAT AS PARQUET` maps Parquet columns to table columns by position, and needs a
 *   `MANIFEST` whose entries carry `meta.content_length` to load an exact file list;
 * - `MERGE` takes one `WHEN MATCHED` and one `WHEN NOT MATCHED` clause without extra conditions,
 *   a table (not a subquery) as its source, no alias for the target, and fails when a target row
 *   matches more than one source row;
 * - primary keys are informational (not enforced): the loader keeps them true;
 * - `VARCHAR(n)` counts bytes, and a bare `VARCHAR` is only 256 of them.
 */

export { lit };

/** Longest VARCHAR Redshift allows (bytes of UTF-8). */
export const MAX_VARCHAR = 65535;

/**
 * Text columns that can outgrow `VARCHAR(65535)`: a post's `text` (X allows 25,000 characters, up
 * to 4 bytes each) and its normalized form. X keeps every other text far shorter (a bio is 160
 * characters, a name 50).
 */
export const LONG_TEXT: Partial<Record<ProcessedTable, readonly string[]>> = {
  tweets: ['text', 'text_normalized'],
};

/** Redshift column type of a contract column kind: the shared SQL type, with text sized. */
export function redshiftType(kind: ColumnKind): string {
  return kind === 'text' ? `VARCHAR(${MAX_VARCHAR})` : sqlType(kind);
}

/**
 * Physical design per table. The fact table and every entity table are distributed on
 * `tweet_id`, so joining them never moves rows between nodes, and the fact table is sorted on
 * its day so date-range queries skip blocks. Dimensions are left to `DISTSTYLE AUTO` (ALL while
 * small, EVEN when they grow); the calendar and the ledger are tiny and copied to every node.
 */
export const PHYSICAL: Record<string, string> = {
  fact_tweets: 'DISTSTYLE KEY DISTKEY (tweet_id) COMPOUND SORTKEY (date_key, tweet_id)',
  dim_users: 'DISTSTYLE AUTO SORTKEY (user_id)',
  dim_media: 'DISTSTYLE AUTO SORTKEY (media_key)',
  dim_places: 'DISTSTYLE AUTO SORTKEY (place_id)',
  bridge_tweet_hashtags: 'DISTSTYLE KEY DISTKEY (tweet_id) SORTKEY (tweet_id)',
  bridge_tweet_cashtags: 'DISTSTYLE KEY DISTKEY (tweet_id) SORTKEY (tweet_id)',
  tweet_mentions: 'DISTSTYLE KEY DISTKEY (tweet_id) SORTKEY (tweet_id)',
  tweet_urls: 'DISTSTYLE KEY DISTKEY (tweet_id) SORTKEY (tweet_id)',
  tweet_references: 'DISTSTYLE KEY DISTKEY (tweet_id) SORTKEY (tweet_id)',
  tweet_media: 'DISTSTYLE KEY DISTKEY (tweet_id) SORTKEY (tweet_id)',
  dim_date: 'DISTSTYLE ALL SORTKEY (date_key)',
  etl_loads: 'DISTSTYLE ALL SORTKEY (batch_id)',
};

/** `CREATE TABLE IF NOT EXISTS` for the star schema, `dim_date` and `etl_loads`, with DIST/SORT keys. */
export function redshiftDdl(): string[] {
  const table = (name: string, columns: string, key: string) =>
    `CREATE TABLE IF NOT EXISTS ${q(name)} (${columns}, PRIMARY KEY (${key})) ${PHYSICAL[name]}`;
  return [
    ...STAR_TABLES.map((t) =>
      table(
        t.name,
        t.columns
          .map(([c, k]) => `${q(c)} ${redshiftType(k)}${t.key.includes(c) ? ' NOT NULL' : ''}`)
          .join(', '),
        t.key.map(q).join(', '),
      ),
    ),
    table(
      'dim_date',
      DIM_DATE_COLUMNS.map(([c, t]) => `${q(c)} ${t === 'VARCHAR' ? 'VARCHAR(16)' : t}`).join(', '),
      'date_key',
    ),
    table(
      'etl_loads',
      'batch_id VARCHAR(256) NOT NULL, table_name VARCHAR(64) NOT NULL, rows_loaded BIGINT NOT NULL, loaded_at TIMESTAMP NOT NULL',
      'batch_id, table_name',
    ),
  ];
}

/** One statement of a batch load; `measure` says which count its affected-row number is. */
export interface BatchStatement {
  sql: string;
  /** The warehouse table the statement works for (named in errors). */
  table?: string;
  measure?: { table: string; what: 'rows' | 'inserted' };
}

/** A star table and the COPY manifest in S3 that lists this batch's Parquet files for it. */
export interface TableSource {
  table: StarTable;
  /** `s3://…` URL of the COPY manifest; undefined when the batch has no rows for the table. */
  manifestUrl: string | undefined;
}

export interface BatchSqlInput {
  batchId: string;
  tables: readonly TableSource[];
  /** IAM role ARN Redshift assumes to read the lake, or `default` for the cluster's default role. */
  iamRole: string;
  /** Timestamp written to `etl_loads.loaded_at` (a literal: Redshift's clock functions are leader-only). */
  loadedAt: Date;
}

const raw = (t: StarTable) => `raw_${t.name}`;
const stg = (t: StarTable) => `stg_${t.name}`;
const fresh = (t: StarTable) => `new_${t.name}`;

/** The COPY statement for one table: exact files from the manifest, columns by position. */
export function copySql(t: StarTable, manifestUrl: string, iamRole: string): string {
  const role = iamRole === 'default' ? 'default' : lit(iamRole);
  return `COPY ${raw(t)} FROM ${lit(manifestUrl)} IAM_ROLE ${role} FORMAT AS PARQUET MANIFEST`;
}

/** A staging table shaped like the processed Parquet file (COPY needs the same columns in the same order). */
function rawTableSql(t: StarTable): string {
  const cols = TABLES[t.from].columns.map(([c, k]) => `${q(c)} ${redshiftType(k)}`).join(', ');
  return `CREATE TEMP TABLE ${raw(t)} (${cols})`;
}

/**
 * The statements that load one processed batch, in order, to run inside one transaction:
 * `LOCK etl_loads` (one loader at a time), then per table `COPY` into a raw staging table, one row
 * per key into a second staging table (the latest retrieval wins), and the upsert. Every step is
 * idempotent, so a batch submitted twice (two loaders racing past the `etl_loads` check) changes
 * nothing the second time; the `etl_loads` rows are written only when absent.
 */
export function batchStatements(input: BatchSqlInput): BatchStatement[] {
  const out: BatchStatement[] = [{ sql: 'LOCK etl_loads', table: 'etl_loads' }];
  const loaded: string[] = [];
  const temps: string[] = [];
  for (const { table: t, manifestUrl } of input.tables) {
    if (manifestUrl === undefined) {
      loaded.push(`SELECT ${lit(t.name)} AS table_name, CAST(0 AS BIGINT) AS rows_loaded`);
      continue;
    }
    out.push(
      { sql: rawTableSql(t), table: t.name },
      { sql: copySql(t, manifestUrl, input.iamRole), table: t.name },
      ...mergeStatements(t, raw(t)).map((s) => ({ ...s, table: t.name })),
    );
    if (t.name === 'fact_tweets') out.push({ sql: dimDateSql(raw(t)), table: 'dim_date' });
    // Distinct keys read from the batch (as every warehouse records them), counted before older rows lose.
    const keys = t.key.map(q).join(', ');
    loaded.push(
      `SELECT ${lit(t.name)} AS table_name, count(*) AS rows_loaded FROM (SELECT DISTINCT ${keys} FROM ${raw(t)}) k`,
    );
    temps.push(raw(t), stg(t), ...(t.latestWins ? [fresh(t)] : []));
  }
  out.push({ sql: etlLoadsSql(input.batchId, loaded, input.loadedAt), table: 'etl_loads' });
  // Temporary tables live as long as the session: drop them so the next batch on this connection starts clean.
  if (temps.length > 0) out.push({ sql: `DROP TABLE ${temps.join(', ')}` });
  return out;
}

/**
 * From a raw staging table shaped like the processed Parquet file to the target table: the
 * statements every Redshift load runs, and which the tests run on PostgreSQL too. The last
 * statement of each kind reports the rows it affected (`measure`).
 */
export function mergeStatements(t: StarTable, rawTable: string): BatchStatement[] {
  const target = q(t.name);
  const cols = t.columns.map(([c]) => c);
  const select = cols
    .map((c) => (c === 'date_key' ? "CAST(TO_CHAR(created_date, 'YYYYMMDD') AS INTEGER) AS date_key" : q(c)))
    .join(', ');
  const order = t.latestWins ? 'retrieved_at DESC, batch_id DESC' : t.key.map((k) => q(k)).join(', ');
  const keys = t.key.map(q).join(', ');
  const on = (a: string, b: string) => t.key.map((k) => `${a}.${q(k)} = ${b}.${q(k)}`).join(' AND ');
  const out: BatchStatement[] = [
    {
      sql: `CREATE TEMP TABLE ${stg(t)} (${t.columns.map(([c, k]) => `${q(c)} ${redshiftType(k)}`).join(', ')})`,
    },
    {
      // One row per key; within a batch the latest retrieval wins (entity rows are immutable).
      sql:
        `INSERT INTO ${stg(t)} SELECT ${cols.map(q).join(', ')} FROM (SELECT ${select}, ` +
        `ROW_NUMBER() OVER (PARTITION BY ${keys} ORDER BY ${order}) AS rn FROM ${rawTable}) ranked WHERE rn = 1`,
      measure: { table: t.name, what: 'rows' },
    },
  ];
  const firstKey = q(t.key[0]!);
  if (!t.latestWins) {
    out.push({
      // Immutable occurrences: insert the keys the target does not hold yet (an anti-join).
      sql:
        `INSERT INTO ${target} (${cols.map(q).join(', ')}) SELECT ${cols.map((c) => `s.${q(c)}`).join(', ')} ` +
        `FROM ${stg(t)} s LEFT JOIN ${target} ON ${on(target, 's')} WHERE ${target}.${firstKey} IS NULL`,
      measure: { table: t.name, what: 'inserted' },
    });
    return out;
  }
  const s = stg(t);
  const match = cols.includes('collected_via');
  if (match) {
    // A post once seen as a match stays one, whichever retrieval is newer.
    out.push({
      sql:
        `UPDATE ${target} SET collected_via = 'match' FROM ${s} ` +
        `WHERE ${on(target, s)} AND ${s}.collected_via = 'match' AND ${target}.collected_via <> 'match'`,
    });
  }
  out.push({
    // Rows older than what the target holds lose (ties: the larger batch_id wins).
    sql:
      `DELETE FROM ${s} USING ${target} WHERE ${on(target, s)} AND (${target}.retrieved_at > ${s}.retrieved_at ` +
      `OR (${target}.retrieved_at = ${s}.retrieved_at AND ${target}.batch_id > ${s}.batch_id))`,
  });
  if (match) {
    out.push({
      sql: `UPDATE ${s} SET collected_via = 'match' FROM ${target} WHERE ${on(target, s)} AND ${target}.collected_via = 'match'`,
    });
  }
  const keyColumns = t.columns.filter(([c]) => t.key.includes(c));
  out.push(
    {
      sql: `CREATE TEMP TABLE ${fresh(t)} (${keyColumns.map(([c, k]) => `${q(c)} ${redshiftType(k)}`).join(', ')})`,
    },
    {
      sql:
        `INSERT INTO ${fresh(t)} SELECT ${t.key.map((k) => `${s}.${q(k)}`).join(', ')} FROM ${s} ` +
        `LEFT JOIN ${target} ON ${on(target, s)} WHERE ${target}.${firstKey} IS NULL`,
      measure: { table: t.name, what: 'inserted' },
    },
    {
      sql:
        `MERGE INTO ${target} USING ${s} AS src ON ${on(target, 'src')} ` +
        `WHEN MATCHED THEN UPDATE SET ${cols
          .filter((c) => !t.key.includes(c))
          .map((c) => `${q(c)} = src.${q(c)}`)
          .join(', ')} ` +
        `WHEN NOT MATCHED THEN INSERT (${cols.map(q).join(', ')}) VALUES (${cols.map((c) => `src.${q(c)}`).join(', ')})`,
    },
  );
  return out;
}

/** Calendar rows for the days of this batch's posts that `dim_date` does not hold yet. */
export function dimDateSql(rawTweets: string): string {
  const d = 'days.d';
  const dow = `CAST(EXTRACT(dow FROM ${d}) AS INTEGER)`;
  return (
    `INSERT INTO dim_date (${DIM_DATE_COLUMNS.map(([c]) => q(c)).join(', ')}) ` +
    `SELECT CAST(TO_CHAR(${d}, 'YYYYMMDD') AS INTEGER), ${d}, CAST(EXTRACT(year FROM ${d}) AS INTEGER), ` +
    `CAST(EXTRACT(quarter FROM ${d}) AS INTEGER), CAST(EXTRACT(month FROM ${d}) AS INTEGER), ` +
    `CAST(EXTRACT(day FROM ${d}) AS INTEGER), CASE WHEN ${dow} = 0 THEN 7 ELSE ${dow} END, ` +
    `TRIM(TO_CHAR(${d}, 'Day')), CAST(EXTRACT(week FROM ${d}) AS INTEGER), ${dow} IN (0, 6) ` +
    `FROM (SELECT DISTINCT created_date AS d FROM ${rawTweets}) days ` +
    `LEFT JOIN dim_date ON dim_date.date_key = CAST(TO_CHAR(${d}, 'YYYYMMDD') AS INTEGER) ` +
    'WHERE dim_date.date_key IS NULL'
  );
}

function etlLoadsSql(batchId: string, perTable: string[], loadedAt: Date): string {
  const at = `TIMESTAMP ${lit(loadedAt.toISOString().replace('T', ' ').replace('Z', ''))}`;
  return (
    `INSERT INTO etl_loads (batch_id, table_name, rows_loaded, loaded_at) ` +
    `SELECT ${lit(batchId)}, per_table.table_name, per_table.rows_loaded, ${at} ` +
    `FROM (${perTable.join(' UNION ALL ')}) per_table ` +
    `WHERE NOT EXISTS (SELECT 1 FROM etl_loads WHERE batch_id = ${lit(batchId)})`
  );
}

/** A Redshift COPY manifest naming exact S3 objects, with the sizes Parquet COPY requires. */
export function copyManifest(objects: readonly { url: string; bytes: number }[]): string {
  return `${JSON.stringify(
    {
      entries: objects.map((o) => ({ url: o.url, mandatory: true, meta: { content_length: o.bytes } })),
    },
    null,
    2,
  )}\n`;
}
