import { sqlType } from '../../schema/tables.js';
import { DIM_DATE_COLUMNS, STAR_TABLES, type StarTable } from '../star-schema.js';

const q = (name: string) => `"${name}"`;

/** `CREATE TABLE IF NOT EXISTS` for every star-schema table, `dim_date` and `etl_loads` (ANSI SQL). */
export function starSchemaDdl(): string[] {
  const tables = STAR_TABLES.map(
    (t) =>
      `CREATE TABLE IF NOT EXISTS ${q(t.name)} (${t.columns.map(([c, k]) => `${q(c)} ${sqlType(k)}`).join(', ')}, ` +
      `PRIMARY KEY (${t.key.map(q).join(', ')}))`,
  );
  return [
    ...tables,
    `CREATE TABLE IF NOT EXISTS dim_date (${DIM_DATE_COLUMNS.map(([c, t]) => `${q(c)} ${t}`).join(', ')}, PRIMARY KEY (date_key))`,
    'CREATE TABLE IF NOT EXISTS etl_loads (batch_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, rows_loaded BIGINT NOT NULL, ' +
      'loaded_at TIMESTAMP NOT NULL, PRIMARY KEY (batch_id, table_name))',
  ];
}

/**
 * Upsert from `source` (a table name or a parenthesised SELECT) into `t`. Rows with `retrieved_at` follow "latest retrieval wins, ties on
 * the larger batch_id", whatever order batches load in; a post seen as a match stays a match.
 * Entity occurrences are immutable, so conflicts there change nothing.
 */
export function upsertSql(t: StarTable, source: string): string {
  const cols = t.columns.map(([c]) => c);
  const insert = `INSERT INTO ${q(t.name)} (${cols.map(q).join(', ')}) SELECT ${cols.map(q).join(', ')} FROM ${source} AS src`;
  if (!t.latestWins) return `${insert} ON CONFLICT (${t.key.map(q).join(', ')}) DO NOTHING`;
  const target = q(t.name);
  const newer =
    `(EXCLUDED.retrieved_at > ${target}.retrieved_at OR ` +
    `(EXCLUDED.retrieved_at = ${target}.retrieved_at AND EXCLUDED.batch_id >= ${target}.batch_id))`;
  const sets = cols
    .filter((c) => !t.key.includes(c))
    .map((c) => {
      if (c === 'collected_via') {
        return `${q(c)} = CASE WHEN EXCLUDED.collected_via = 'match' OR ${target}.collected_via = 'match' THEN 'match' ELSE 'reference' END`;
      }
      return `${q(c)} = CASE WHEN ${newer} THEN EXCLUDED.${q(c)} ELSE ${target}.${q(c)} END`;
    });
  return `${insert} ON CONFLICT (${t.key.map(q).join(', ')}) DO UPDATE SET ${sets.join(', ')}`;
}
