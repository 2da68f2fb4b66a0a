import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  type Field,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { awsErrorKind, awsErrorText } from '../../core/aws-errors.js';
import { AuthError, ConfigError, FatalError, RetryableError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import type { RedshiftTarget } from './redshift-uri.js';
import { type SqlRunner, StatementError } from './sql-runner.js';

// tweetpipe supports Node 20+ and pins an SDK release that runs there; see lake/s3/s3-lake.ts.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type DataApiTarget = Extract<RedshiftTarget, { via: 'data-api' }>;

export interface DataApiOptions {
  /** Secrets Manager ARN holding the database credentials; without it, IAM temporary credentials. */
  secretArn?: string;
  /** First and longest pause between two `DescribeStatement` polls (ms). */
  pollMs?: { first: number; max: number };
  /** Called while a statement runs, with its status and seconds waited (for progress lines). */
  onWait?: (status: string, seconds: number) => void;
}

/**
 * Redshift through the Data API (`redshift-data://`): no network path to the cluster needed, no
 * connection to hold. A statement is submitted, then `DescribeStatement` is polled (backing off
 * to a few seconds) until it is FINISHED, FAILED or ABORTED. A transaction is one
 * `BatchExecuteStatement`, which the Data API runs as a single transaction. Credentials and
 * region come from the AWS SDK's standard chain; `AWS_ENDPOINT_URL_REDSHIFT_DATA` points it elsewhere.
 */
export class DataApiRunner implements SqlRunner {
  readonly #client: RedshiftDataClient;
  readonly #where: {
    ClusterIdentifier?: string;
    WorkgroupName?: string;
    Database: string;
    DbUser?: string;
    SecretArn?: string;
  };
  readonly #poll: { first: number; max: number };
  readonly #onWait: (status: string, seconds: number) => void;

  constructor(
    t: DataApiTarget,
    readonly target: string,
    options: DataApiOptions = {},
  ) {
    if (t.clusterIdentifier && !options.secretArn && !t.dbUser) {
      throw new ConfigError(
        'TWEETPIPE_REDSHIFT_SECRET_ARN',
        'a provisioned cluster through the Data API needs a Secrets Manager secret, or a database user in the URI (redshift-data://DBUSER@CLUSTER/DB?type=cluster) for IAM credentials',
      );
    }
    this.#client = new RedshiftDataClient({ maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS) || 5 });
    this.#where = {
      Database: t.database,
      ...(t.clusterIdentifier
        ? { ClusterIdentifier: t.clusterIdentifier }
        : { WorkgroupName: t.workgroupName! }),
      ...(options.secretArn ? { SecretArn: options.secretArn } : t.dbUser ? { DbUser: t.dbUser } : {}),
    };
    this.#poll = options.pollMs ?? { first: 250, max: 5000 };
    this.#onWait = options.onWait ?? (() => {});
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    const { Id } = await this.#send((c) => c.send(new ExecuteStatementCommand({ ...this.#where, Sql: sql })));
    const done = await this.#wait(Id!);
    if (done.Status !== 'FINISHED') throw new StatementError(0, statementFailure(done));
    if (!done.HasResultSet) return [];
    const rows: Record<string, unknown>[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#send((c) => c.send(new GetStatementResultCommand({ Id: Id!, NextToken })));
      const names = (page.ColumnMetadata ?? []).map((c, i) => c.name ?? c.label ?? `column${i + 1}`);
      for (const record of page.Records ?? []) {
        rows.push(Object.fromEntries(record.map((field, i) => [names[i]!, fieldValue(field)])));
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return rows;
  }

  async transaction(statements: readonly string[]): Promise<number[]> {
    if (statements.length === 0) return [];
    const { Id } = await this.#send((c) =>
      c.send(new BatchExecuteStatementCommand({ ...this.#where, Sqls: [...statements] })),
    );
    const done = await this.#wait(Id!);
    if (done.Status !== 'FINISHED') {
      // The sub-statement that failed, when the service says which (Ids end in ":N", 1-based).
      const failed = done.SubStatements?.find((s) => s.Status === 'FAILED' || s.Status === 'ABORTED');
      const n = failed?.Id ? Number(failed.Id.split(':').pop()) : Number.NaN;
      throw new StatementError(
        Number.isInteger(n) ? n - 1 : undefined,
        statementFailure(done, failed?.Error),
      );
    }
    const subs = done.SubStatements ?? [];
    return statements.map((_, i) => {
      const rows = subs[i]?.ResultRows;
      return rows === undefined || rows < 0 ? 0 : rows;
    });
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  /** Polls `DescribeStatement` until the statement has ended; the pause grows to `pollMs.max`. */
  async #wait(id: string): Promise<DescribeStatementResponse> {
    const started = Date.now();
    let pause = this.#poll.first;
    for (;;) {
      const d = await this.#send((c) => c.send(new DescribeStatementCommand({ Id: id })));
      if (d.Status === 'FINISHED' || d.Status === 'FAILED' || d.Status === 'ABORTED') return d;
      this.#onWait(d.Status ?? 'SUBMITTED', Math.round((Date.now() - started) / 1000));
      await sleep(pause);
      pause = Math.min(this.#poll.max, Math.round(pause * 1.5));
    }
  }

  /** Sends a command, turning the service's errors into ours (the SDK already retried throttling and 5xx). */
  async #send<T>(call: (client: RedshiftDataClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.#client);
    } catch (error) {
      throw dataApiError(error, this.target);
    }
  }
}

function statementFailure(d: DescribeStatementResponse, subError?: string): string {
  if (d.Status === 'ABORTED') return 'the statement was aborted (cancelled) before it finished';
  return subError ?? d.Error ?? `the statement ended ${d.Status ?? 'without a status'}`;
}

function fieldValue(f: Field): unknown {
  if (f.isNull) return null;
  if (f.stringValue !== undefined) return f.stringValue;
  if (f.longValue !== undefined) return f.longValue;
  if (f.doubleValue !== undefined) return f.doubleValue;
  if (f.booleanValue !== undefined) return f.booleanValue;
  if (f.blobValue !== undefined) return Buffer.from(f.blobValue);
  return null;
}

/** Data API errors that mean "busy now": too many statements or sessions, or the cluster waking up. */
const BUSY = new Set([
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'DatabaseConnectionException',
]);

function dataApiError(error: unknown, target: string): Error {
  const why = awsErrorText(error);
  const name = (error as { name?: string })?.name ?? '';
  const kind = awsErrorKind(error);
  if (kind === 'credentials' || kind === 'denied') {
    return new AuthError(
      `the Redshift Data API refused ${target}: ${why}. Check the AWS credentials and their IAM policy (redshift-data:*, and secretsmanager:GetSecretValue on the secret).`,
    );
  }
  if (name === 'ValidationException' || name === 'ResourceNotFoundException') {
    return new ConfigError(
      'TWEETPIPE_WAREHOUSE',
      `the Redshift Data API rejected the request for ${target}: ${why}`,
    );
  }
  if (kind === 'unavailable' || BUSY.has(name)) {
    return new RetryableError(
      `the Redshift Data API is unavailable for ${target} (${why}); try again`,
      undefined,
      {
        cause: error,
      },
    );
  }
  return new FatalError(`the Redshift Data API failed for ${target}: ${why}`, { cause: error });
}
