import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { textAsJson, textFromJson } from '../../core/duckdb-text.js';
import { quoteString as lit, quoteIdent as q } from '../../core/sql-quote.js';

/**
 * The longest prefix of `text` that takes at most `maxBytes` bytes of UTF-8, cut between
 * characters (never inside one).
 */
export function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // bytes[end] is the first byte left out: while it continues a character, that character goes too.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * Checks the Parquet `files` (of one table) for values of `columns` longer than `maxBytes` bytes
 * of UTF-8. For each file that has some, writes a copy into `outDir` (zstd, the same columns in
 * the same order and types, the same rows in the same order) with each such value cut by
 * `cutUtf8`. Returns, per such file, the copy's path and how many rows were cut; files without
 * such values are left out. Warehouses with a byte limit on text (Redshift) load through this.
 */
export async function fitTextBytes(
  files: readonly string[],
  columns: readonly string[],
  maxBytes: number,
  outDir: string,
): Promise<Map<string, { path: string; cut: number }>> {
  const fitted = new Map<string, { path: string; cut: number }>();
  if (columns.length === 0 || files.length === 0) return fitted;
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '512MB' });
  const conn = await db.connect();
  try {
    const read = (of: string) => `read_parquet(${of}, filename = true, file_row_number = true)`;
    const long = columns.map((c) => `strlen(${q(c)}) > ${maxBytes}`).join(' OR ');
    const found = await conn.runAndReadAll(
      `SELECT filename, file_row_number, ${columns.map((c) => textAsJson(q(c))).join(', ')} FROM ${read(`[${files.map(lit).join(', ')}]`)} WHERE ${long}`,
    );
    const rows = found.getRows() as [string, bigint, ...(string | null)[]][];
    if (rows.length === 0) return fitted;
    await conn.run(
      `CREATE TABLE fit (filename VARCHAR, rn BIGINT, ${columns.map((c) => `${q(c)} VARCHAR`).join(', ')})`,
    );
    const appender = await conn.createAppender('fit');
    const cut = new Map<string, number>();
    for (const [file, rn, ...values] of rows) {
      cut.set(file, (cut.get(file) ?? 0) + 1);
      appender.appendVarchar(file);
      appender.appendBigInt(rn);
      for (const v of values) {
        if (v === null) appender.appendNull();
        else appender.appendVarchar(cutUtf8(textFromJson(v), maxBytes));
      }
      appender.endRow();
    }
    appender.closeSync();
    const replaced = columns.map(
      (c) => `CASE WHEN f.rn IS NULL THEN t.${q(c)} ELSE f.${q(c)} END AS ${q(c)}`,
    );
    for (const [i, [file, n]] of [...cut].entries()) {
      const out = path.join(outDir, `${i}.parquet`);
      await conn.run(
        `COPY (SELECT t.* EXCLUDE (filename, file_row_number) REPLACE (${replaced.join(', ')}) FROM ${read(lit(file))} AS t ` +
          `LEFT JOIN fit AS f ON f.filename = t.filename AND f.rn = t.file_row_number ORDER BY t.file_row_number) ` +
          `TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      fitted.set(file, { path: out, cut: n });
    }
    return fitted;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
