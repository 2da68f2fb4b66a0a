import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Lake, LocalCopy } from '../../lake/lake.js';
import { parquetToCsv } from '../duckdb/parquet-to-csv.js';
import { pgTransaction } from './pg-protocol-runner.js';
import type { SqlRunner } from './sql-runner.js';

/**
 * For tests only: runs the Redshift warehouse's SQL on a real PostgreSQL (Redshift cannot run here).
 * Two things are translated, nothing else:
 * - Redshift's physical-design clauses (`DISTSTYLE`, `DISTKEY`, `SORTKEY`) are dropped;
 * - `COPY t FROM 's3://…manifest' … FORMAT AS PARQUET MANIFEST` is carried out the way Redshift
 *   does it: the manifest is read from the S3 lake, every mandatory entry must exist with exactly
 *   its `meta.content_length`, each file's columns go to the table's columns by position (a file
 *   with more or fewer columns fails), and nothing but the listed files is read.
 * Every statement runs inside the same transaction, so the merge logic runs for real.
 */
export class RedshiftOnPostgres implements SqlRunner {
  readonly target = 'redshift-on-postgres (test)';
  /** Every statement run, as the warehouse sent it (before translation). */
  readonly log: string[] = [];
  private constructor(
    private readonly client: pg.Client,
    private readonly lake: Lake,
  ) {}

  static async connect(uri: string, lake: Lake): Promise<RedshiftOnPostgres> {
    const client = new pg.Client({ connectionString: uri });
    await client.connect();
    return new RedshiftOnPostgres(client, lake);
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    this.log.push(sql);
    return (await this.client.query(translate(sql))).rows;
  }

  transaction(statements: readonly string[]): Promise<number[]> {
    return pgTransaction(this.client, statements, async (sql) => {
      this.log.push(sql);
      const copy = /^COPY (\w+) FROM '([^']+)' IAM_ROLE (?:default|'[^']+') FORMAT AS PARQUET MANIFEST$/.exec(
        sql,
      );
      if (copy) return this.#copy(copy[1]!, copy[2]!);
      return (await this.client.query(translate(sql))).rowCount ?? 0;
    });
  }

  async #copy(table: string, manifestUrl: string): Promise<number> {
    const keyOf = (url: string) => {
      if (!url.startsWith(`${this.lake.uri}/`))
        throw new Error(`${url} is outside the lake ${this.lake.uri}`);
      return url.slice(this.lake.uri.length + 1);
    };
    const body = await this.lake.get(keyOf(manifestUrl));
    if (!body) throw new Error(`S3ServiceException: the manifest ${manifestUrl} does not exist`);
    const manifest = JSON.parse(body.toString('utf8')) as {
      entries: { url: string; mandatory?: boolean; meta?: { content_length?: number } }[];
    };
    const scratch = await mkdtemp(path.join(tmpdir(), 'tweetpipe-rs-'));
    const copies: LocalCopy[] = [];
    try {
      const paths: string[] = [];
      for (const entry of manifest.entries) {
        const key = keyOf(entry.url);
        const length = entry.meta?.content_length;
        if (length === undefined)
          throw new Error(`manifest entry ${entry.url}: Parquet COPY needs meta.content_length`);
        const size = (await this.lake.list(key)).find((o) => o.key === key)?.size;
        if (size === undefined) {
          if (entry.mandatory)
            throw new Error(`S3ServiceException: the specified key does not exist: ${entry.url}`);
          continue;
        }
        if (size !== length) {
          throw new Error(
            `manifest entry ${entry.url}: content_length ${length} but the object has ${size} bytes`,
          );
        }
        const copy = await this.lake.localCopy(key);
        copies.push(copy);
        paths.push(copy.path);
      }
      if (paths.length === 0) return 0;
      // PostgreSQL's COPY refuses rows with more or fewer fields than the table has columns, as
      // Redshift refuses Parquet files whose column count differs (columns map by position).
      const csv = path.join(scratch, 'rows.csv');
      await parquetToCsv(paths, '*', csv);
      const stream = this.client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, NULL '')`));
      await pipeline(createReadStream(csv), stream);
      await this.#failOnOverlongText(table);
      return stream.rowCount;
    } finally {
      await Promise.all(copies.map((c) => c.release()));
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * Redshift's `VARCHAR(n)` holds n bytes of UTF-8, where PostgreSQL's holds n characters: a value
   * that fits here but not in Redshift fails the COPY, as Redshift fails it.
   */
  async #failOnOverlongText(table: string): Promise<void> {
    const { rows } = await this.client.query<{ column_name: string; n: number }>(
      `SELECT column_name, character_maximum_length AS n FROM information_schema.columns ` +
        `WHERE table_name = $1 AND table_schema LIKE 'pg_temp%' AND character_maximum_length IS NOT NULL ORDER BY ordinal_position`,
      [table],
    );
    if (rows.length === 0) return;
    // One pass over the table: per column, whether some value is longer than its limit.
    const over = await this.client.query<Record<string, boolean>>(
      `SELECT ${rows.map(({ column_name: c, n }, i) => `bool_or(octet_length("${c}") > ${Number(n)}) AS c${i}`).join(', ')} FROM ${table}`,
    );
    const i = rows.findIndex((_, k) => over.rows[0]?.[`c${k}`] === true);
    if (i >= 0) {
      const { column_name: column, n } = rows[i]!;
      throw new Error(
        `Load into table '${table}' failed: String length exceeds DDL length (column ${column}, more than ${n} bytes)`,
      );
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** Drops the clauses PostgreSQL lacks: distribution and sort keys. */
export function translate(sql: string): string {
  return sql
    .replace(/\s+DISTSTYLE (KEY|ALL|EVEN|AUTO)/g, '')
    .replace(/\s+DISTKEY \([^)]*\)/g, '')
    .replace(/\s+(COMPOUND |INTERLEAVED )?SORTKEY \([^)]*\)/g, '');
}
