import { writeFile } from 'node:fs/promises';
import { quoteIdent, quoteString } from './duckdb-sql.js';

/** A row's JSON text is at most this long (a long post with every field is ~100 KB). */
const MAX_ROW_BYTES = 64 * 2 ** 20;

/**
 * Rows computed in TypeScript, staged for DuckDB as one JSON array of arrays in `file`; returns
 * the SELECT that reads them back with each column cast to its type. JSON.stringify is a single
 * native call, and DuckDB's reader parses its output far faster than values can cross into an
 * appender one by one.
 */
export async function stageJson(
  file: string,
  rows: readonly unknown[][],
  columns: readonly (readonly [string, string])[],
): Promise<string> {
  if (rows.length === 0)
    return `SELECT ${columns.map(([name, type]) => `CAST(NULL AS ${type}) AS ${quoteIdent(name)}`).join(', ')} WHERE false`;
  await writeFile(file, rowsJson(rows));
  const values = columns.map(([name, type], i) => `CAST(json[${i + 1}] AS ${type}) AS ${quoteIdent(name)}`);
  return (
    `SELECT ${values.join(', ')} FROM read_json(${quoteString(file)}, format = 'array', records = false, ` +
    `columns = {'json': 'VARCHAR[]'}, maximum_object_size = ${MAX_ROW_BYTES})`
  );
}

/**
 * The rows as JSON. A lone UTF-16 surrogate (possible in untrusted text) would be written as an
 * escape DuckDB rejects, so then strings are made well-formed (U+FFFD) first, as the slow path.
 */
function rowsJson(rows: readonly unknown[][]): string {
  const text = JSON.stringify(rows);
  if (!/\\u[dD][89a-fA-F]/.test(text)) return text;
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === 'string' ? value.toWellFormed() : value,
  );
}
