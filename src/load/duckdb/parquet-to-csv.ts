import { DuckDBInstance } from '@duckdb/node-api';
import { quoteString as lit } from '../../core/sql-quote.js';

/**
 * Writes `SELECT select FROM` the Parquet `files` as headerless CSV at `out`, the format
 * PostgreSQL's `COPY … (FORMAT csv)` reads: NULL is an empty field, an empty string is `""`.
 * Warehouses that cannot read Parquet themselves load through this (DuckDB reads Parquet here).
 */
export async function parquetToCsv(files: readonly string[], select: string, out: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '512MB' });
  const conn = await db.connect();
  try {
    await conn.run(
      `COPY (SELECT ${select} FROM read_parquet([${files.map(lit).join(', ')}])) TO ${lit(out)} ` +
        "(FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR '', " +
        "DATEFORMAT '%Y-%m-%d', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S.%f')",
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
