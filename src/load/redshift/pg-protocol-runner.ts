import pg from 'pg';
import { AuthError, FatalError, RetryableError } from '../../core/errors.js';
import type { RedshiftTarget } from './redshift-uri.js';
import { type SqlRunner, StatementError } from './sql-runner.js';

type PgTarget = Extract<RedshiftTarget, { via: 'postgres-protocol' }>;

/**
 * Redshift over the PostgreSQL wire protocol (`redshift://`), always with TLS; the password comes
 * from the URI, `PGPASSWORD` or `~/.pgpass`. `pg` is this adapter's driver too: Redshift speaks
 * the protocol of PostgreSQL 8.0.
 */
export class PgProtocolRunner implements SqlRunner {
  private constructor(
    readonly target: string,
    private readonly client: pg.Client,
  ) {}

  static async connect(t: PgTarget, shown: string): Promise<PgProtocolRunner> {
    const client = new pg.Client({
      host: t.host,
      port: t.port,
      database: t.database,
      user: t.user,
      password: t.password,
      ssl: t.sslmode === 'verify-full' ? { rejectUnauthorized: true } : { rejectUnauthorized: false },
      application_name: 'tweetpipe',
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      const e = error as { code?: string; message?: string };
      if (e.code === '28P01' || e.code === '28000') {
        throw new AuthError(`Redshift refused the login at ${shown}: ${e.message}`);
      }
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT') {
        throw new RetryableError(`cannot reach Redshift at ${shown} (${e.code})`);
      }
      throw new FatalError(`cannot open the Redshift warehouse ${shown}: ${e.message}`, { cause: error });
    }
    client.on('error', () => {}); // a dropped connection fails the next statement, which says so
    return new PgProtocolRunner(shown, client);
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.client.query(sql)).rows;
  }

  transaction(statements: readonly string[]): Promise<number[]> {
    return pgTransaction(
      this.client,
      statements,
      async (sql) => (await this.client.query(sql)).rowCount ?? 0,
    );
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/**
 * Runs `statements` on `client` between BEGIN and COMMIT, each through `run` (which returns the
 * rows it affected); on any failure, ROLLBACK and a `StatementError` naming the statement.
 */
export async function pgTransaction(
  client: pg.Client,
  statements: readonly string[],
  run: (sql: string) => Promise<number>,
): Promise<number[]> {
  const counts: number[] = [];
  await client.query('BEGIN');
  try {
    for (const [i, sql] of statements.entries()) {
      try {
        counts.push(await run(sql));
      } catch (error) {
        throw new StatementError(i, (error as Error).message, { cause: error });
      }
    }
    await client.query('COMMIT');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
