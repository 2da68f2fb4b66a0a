import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the endpoint answers one submitted statement (or batch). */
export interface Script {
  /** `DescribeStatement` answers this many times with SUBMITTED/PICKED/STARTED before the end. */
  polls?: number;
  /** How it ends (default FINISHED). */
  end?: 'FINISHED' | 'FAILED' | 'ABORTED';
  /** With FAILED in a batch: the 0-based statement that failed, and the server's message. */
  failAt?: number;
  error?: string;
  /** For a query: its columns and rows (GetStatementResult pages them by `pageSize`). */
  columns?: string[];
  rows?: (string | number | boolean | null)[][];
  /** Rows affected by each statement of a batch. */
  resultRows?: number[];
}

export interface Call {
  action: string;
  body: Record<string, unknown>;
}

/**
 * A local HTTP endpoint that speaks the Redshift Data API's wire protocol (JSON 1.1, actions in
 * `X-Amz-Target: RedshiftData.<Action>`), so the real AWS SDK client can be exercised through the
 * submit → poll → result flow, and through failures. Each submission takes the next `Script`.
 * Point the SDK at it with `AWS_ENDPOINT_URL_REDSHIFT_DATA`.
 */
export class DataApiEndpoint {
  readonly calls: Call[] = [];
  readonly scripts: Script[] = [];
  /** An error every request answers with, e.g. `{ status: 400, type: 'AccessDeniedException' }`. */
  refuse: { status: number; type: string; message: string } | undefined;
  pageSize = 2;
  #statements = new Map<string, { script: Script; sqls: string[]; batch: boolean; polls: number }>();

  private constructor(
    readonly url: string,
    private readonly server: Server,
  ) {}

  static async start(): Promise<DataApiEndpoint> {
    let endpoint: DataApiEndpoint | undefined;
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (d: Buffer) => {
        data += d.toString();
      });
      req.on('end', () => {
        const action = String(req.headers['x-amz-target'] ?? '').replace(/^RedshiftData\./, '');
        const body = data ? (JSON.parse(data) as Record<string, unknown>) : {};
        const [status, answer] = endpoint!.#answer(action, body);
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(status >= 400 ? { 'x-amzn-errortype': String(answer.__type) } : {}),
        });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = new DataApiEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
    return endpoint;
  }

  /** Environment for the AWS SDK: this endpoint, a region and dummy credentials. */
  get env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_REDSHIFT_DATA: this.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test-access-key',
      AWS_SECRET_ACCESS_KEY: 'test-secret-key',
      AWS_MAX_ATTEMPTS: '2',
    };
  }

  #answer(action: string, body: Record<string, unknown>): [number, Record<string, unknown>] {
    this.calls.push({ action, body });
    if (this.refuse) return [this.refuse.status, { __type: this.refuse.type, message: this.refuse.message }];
    const now = Date.now() / 1000;
    switch (action) {
      case 'ExecuteStatement':
      case 'BatchExecuteStatement': {
        if (!body.Database || !(body.WorkgroupName || body.ClusterIdentifier)) {
          return [
            400,
            { __type: 'ValidationException', message: 'Database and a workgroup or cluster are required' },
          ];
        }
        const sqls = action === 'ExecuteStatement' ? [String(body.Sql)] : (body.Sqls as string[]);
        const id = randomUUID();
        this.#statements.set(id, {
          script: this.scripts.shift() ?? {},
          sqls,
          batch: action === 'BatchExecuteStatement',
          polls: 0,
        });
        return [200, { Id: id, CreatedAt: now, Database: body.Database }];
      }
      case 'DescribeStatement': {
        const st = this.#statements.get(String(body.Id));
        if (!st) return [400, { __type: 'ResourceNotFoundException', message: `no statement ${body.Id}` }];
        const { script } = st;
        const waiting = st.polls < (script.polls ?? 1);
        st.polls++;
        const end = script.end ?? 'FINISHED';
        const status = waiting ? (['SUBMITTED', 'PICKED', 'STARTED'][st.polls - 1] ?? 'STARTED') : end;
        const failAt = script.failAt ?? 0;
        /** A batch that fails: the statements before `failAt` finished, the ones after never ran. */
        const subStatus = (i: number) => {
          if (waiting) return 'SUBMITTED';
          if (end !== 'FAILED') return end;
          return i < failAt ? 'FINISHED' : i === failAt ? 'FAILED' : 'ABORTED';
        };
        const subs = st.sqls.map((sql, i) => ({
          Id: `${body.Id}:${i + 1}`,
          QueryString: sql,
          Status: subStatus(i),
          ...(subStatus(i) === 'FAILED' ? { Error: script.error } : {}),
          ResultRows: script.resultRows?.[i] ?? -1,
        }));
        return [
          200,
          {
            Id: body.Id,
            Status: status,
            ...(status === 'FAILED' ? { Error: script.error ?? 'ERROR: failed' } : {}),
            HasResultSet: Boolean(script.columns),
            ResultRows: script.rows?.length ?? -1,
            ...(st.batch ? { SubStatements: subs } : {}),
            CreatedAt: now,
            UpdatedAt: now,
          },
        ];
      }
      case 'GetStatementResult': {
        const st = this.#statements.get(String(body.Id));
        if (!st?.script.columns) return [400, { __type: 'ResourceNotFoundException', message: 'no result' }];
        const from = Number(body.NextToken ?? 0);
        const page = (st.script.rows ?? []).slice(from, from + this.pageSize);
        const next =
          from + this.pageSize < (st.script.rows ?? []).length ? String(from + this.pageSize) : undefined;
        return [
          200,
          {
            ColumnMetadata: st.script.columns.map((name) => ({ name })),
            Records: page.map((row) =>
              row.map((v) =>
                v === null
                  ? { isNull: true }
                  : typeof v === 'number'
                    ? { longValue: v }
                    : typeof v === 'boolean'
                      ? { booleanValue: v }
                      : { stringValue: v },
              ),
            ),
            TotalNumRows: st.script.rows?.length ?? 0,
            ...(next ? { NextToken: next } : {}),
          },
        ];
      }
      default:
        return [400, { __type: 'UnknownOperationException', message: `unknown action ${action}` }];
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
