import { sqlType } from '../../schema/tables.js';
import { DIM_DATE_COLUMNS, STAR_TABLES, type StarTable } from '../star-schema.js';

const q = (name: string) => `"${name}"`;

/**
 * `CREATE TABLE IF NOT EXISTS` for every star-schema table, `dim_date` and `etl_loads` (ANSI SQL).
 * Keys are kept by the loader's `MERGE`; `primaryKeys` also declares them as constraints, which
 * warehouses that enforce them (DuckDB) pay for with an index on every table.
 */
export function starSchemaDdl(options: { primaryKeys: boolean }): string[] {
  const tables = STAR_TABLES.map(
    (t) =>
      `CREATE TABLE IF NOT EXISTS ${q(t.name)} (${t.columns.map(([c, k]) => `${q(c)} ${sqlType(k)}`).join(', ')}${
        options.primaryKeys ? `, PRIMARY KEY (${t.key.map(q).join(', ')})` : ''
      })`,
  );
  return [
    ...tables,
    `CREATE TABLE IF NOT EXISTS dim_date (${DIM_DATE_COLUMNS.map(([c, t]) => `${q(c)} ${t}`).join(', ')}, PRIMARY KEY (date_key))`,
    'CREATE TABLE IF NOT EXISTS etl_loads (batch_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, rows_loaded BIGINT NOT NULL, ' +
      'loaded_at TIMESTAMP NOT NULL, PRIMARY KEY (batch_id, table_name))',
  ];
}

/**
 * `MERGE` (an upsert on the key, SQL:2003, also in PostgreSQL 15+ and Redshift) from `source` (a
 * table name or a parenthesised SELECT with one row per key) into `t`. Rows with `retrieved_at`
 * follow "latest retrieval wins, ties on the larger batch_id", whatever order batches load in; a
 * post seen as a match stays a match. Entity occurrences are immutable: only new keys are inserted.
 * `matchedOnly` leaves out the insert of new keys (the caller inserts them itself).
 */
export function mergeSql(t: StarTable, source: string, options: { matchedOnly?: boolean } = {}): string {
  const cols = t.columns.map(([c]) => c);
  const target = q(t.name);
  const on = t.key.map((k) => `${target}.${q(k)} = src.${q(k)}`).join(' AND ');
  const insert = `WHEN NOT MATCHED THEN INSERT (${cols.map(q).join(', ')}) VALUES (${cols.map((c) => `src.${q(c)}`).join(', ')})`;
  const head = `MERGE INTO ${target} USING ${source} AS src ON ${on}`;
  if (!t.latestWins) {
    // Insert-only: an anti-join does what `MERGE … WHEN NOT MATCHED` does, and runs faster.
    return `INSERT INTO ${target} (${cols.map(q).join(', ')}) SELECT ${cols.map((c) => `src.${q(c)}`).join(', ')} FROM ${source} AS src WHERE NOT EXISTS (SELECT 1 FROM ${target} WHERE ${on})`;
  }
  const newer =
    `(src.retrieved_at > ${target}.retrieved_at OR ` +
    `(src.retrieved_at = ${target}.retrieved_at AND src.batch_id >= ${target}.batch_id))`;
  const matchWins = `CASE WHEN src.collected_via = 'match' OR ${target}.collected_via = 'match' THEN 'match' ELSE 'reference' END`;
  const sets = cols
    .filter((c) => !t.key.includes(c))
    .map((c) => `${q(c)} = ${c === 'collected_via' ? matchWins : `src.${q(c)}`}`);
  const clauses = [`WHEN MATCHED AND ${newer} THEN UPDATE SET ${sets.join(', ')}`];
  if (cols.includes('collected_via')) {
    // An older retrieval that saw the post as a match still makes it one.
    clauses.push(
      `WHEN MATCHED AND src.collected_via = 'match' AND ${target}.collected_via <> 'match' THEN UPDATE SET collected_via = 'match'`,
    );
  }
  return options.matchedOnly ? `${head} ${clauses.join(' ')}` : `${head} ${clauses.join(' ')} ${insert}`;
}
