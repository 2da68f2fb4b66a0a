import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { AuthError, ConfigError, FatalError } from '../../core/errors.js';
import { createBucket } from '../../lake/s3/create-bucket.js';
import { S3Lake } from '../../lake/s3/s3-lake.js';
import type { ProcessedManifest } from '../../process/processed-manifest.js';
import { DataApiEndpoint } from '../../testing/data-api-endpoint.js';
import { startS3Server, type TestS3Server, useS3Env } from '../../testing/s3-server.js';
import { DataApiRunner } from './data-api-runner.js';
import { RedshiftWarehouse } from './redshift-warehouse.js';
import { StatementError } from './sql-runner.js';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tweetpipe-AbCdEf';
const fast = { first: 5, max: 20 };

describe('Redshift Data API: submit, poll, fail, succeed (the AWS SDK against a local endpoint)', () => {
  let api: DataApiEndpoint;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    api = await DataApiEndpoint.start();
    for (const [k, v] of Object.entries(api.env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await api.close();
  });
  const runner = (waits: string[] = []) =>
    new DataApiRunner(
      { via: 'data-api', workgroupName: 'analytics', database: 'dev', dbUser: undefined },
      'wg',
      {
        secretArn: SECRET,
        pollMs: fast,
        onWait: (status) => waits.push(status),
      },
    );

  it('a query is submitted, polled until FINISHED, and its result read page by page', async () => {
    api.calls.length = 0;
    api.scripts.push({
      polls: 3,
      columns: ['batch_id', 'n', 'gone'],
      rows: [
        ['b-1', 3, null],
        ['b-2', 4, null],
        ['b-3', 5, true],
      ],
    });
    const waits: string[] = [];
    const rows = await runner(waits).query('SELECT batch_id, n, gone FROM etl_loads');
    assert.deepEqual(rows, [
      { batch_id: 'b-1', n: 3, gone: null },
      { batch_id: 'b-2', n: 4, gone: null },
      { batch_id: 'b-3', n: 5, gone: true },
    ]);
    assert.deepEqual(waits, ['SUBMITTED', 'PICKED', 'STARTED'], 'the state is reported while it runs');
    assert.deepEqual(
      api.calls.map((c) => c.action),
      [
        'ExecuteStatement',
        'DescribeStatement',
        'DescribeStatement',
        'DescribeStatement',
        'DescribeStatement',
        'GetStatementResult',
        'GetStatementResult',
      ],
    );
    const { ClientToken, ...submitted } = api.calls[0]!.body;
    assert.match(String(ClientToken), /^[0-9a-f-]{36}$/, 'an idempotency token: a retried submit runs once');
    assert.deepEqual(submitted, {
      Database: 'dev',
      WorkgroupName: 'analytics',
      SecretArn: SECRET,
      Sql: 'SELECT batch_id, n, gone FROM etl_loads',
    });
  });

  it('a transaction is one BatchExecuteStatement; rows affected come from its sub-statements', async () => {
    api.calls.length = 0;
    api.scripts.push({ polls: 1, resultRows: [0, 12, 7] });
    const counts = await runner().transaction(['LOCK etl_loads', 'INSERT 1', 'INSERT 2']);
    assert.deepEqual(counts, [0, 12, 7]);
    const submit = api.calls.find((c) => c.action === 'BatchExecuteStatement')!;
    assert.deepEqual(submit.body.Sqls, ['LOCK etl_loads', 'INSERT 1', 'INSERT 2']);
  });

  it('a FAILED batch rejects with the failing statement and the server message', async () => {
    api.scripts.push({
      polls: 2,
      end: 'FAILED',
      failAt: 1,
      error: 'ERROR: Spectrum Scan Error: S3ServiceException: Access Denied',
    });
    const error = await runner()
      .transaction(['LOCK etl_loads', 'COPY raw_fact_tweets FROM …', 'MERGE …'])
      .catch((e: unknown) => e);
    assert.ok(error instanceof StatementError, String(error));
    assert.equal(error.index, 1);
    assert.match(error.message, /Access Denied/);
  });

  it('an ABORTED statement says it was cancelled', async () => {
    api.scripts.push({ polls: 1, end: 'ABORTED' });
    await assert.rejects(runner().query('SELECT 1'), /aborted/);
  });

  it('turns refused credentials into AuthError and a bad request into ConfigError', async () => {
    try {
      api.refuse = { status: 400, type: 'AccessDeniedException', message: 'not authorized to redshift-data' };
      await assert.rejects(runner().query('SELECT 1'), AuthError);
      api.refuse = { status: 400, type: 'ValidationException', message: 'Workgroup analytics not found' };
      await assert.rejects(
        runner().query('SELECT 1'),
        (e: unknown) => e instanceof ConfigError && /TWEETPIPE_WAREHOUSE.*analytics/.test(e.message),
      );
    } finally {
      api.refuse = undefined;
    }
  });

  it('a provisioned cluster needs a secret or a database user', () => {
    assert.throws(
      () =>
        new DataApiRunner(
          { via: 'data-api', clusterIdentifier: 'c1', database: 'dev', dbUser: undefined },
          'c1',
        ),
      /TWEETPIPE_REDSHIFT_SECRET_ARN/,
    );
  });

  describe('a batch loaded through the Data API, with its COPY manifests in a real S3 lake', () => {
    let s3: TestS3Server;
    let restore: () => void;
    before(async () => {
      s3 = await startS3Server();
      restore = useS3Env(s3);
      process.env.AWS_REGION = api.env.AWS_REGION;
      await createBucket('tweetpipe-dataapi');
    });
    after(async () => {
      restore();
      await s3.stop();
    });

    const manifest: ProcessedManifest = {
      batch_id: "b-7'x",
      engine: 'duckdb',
      landing_manifest: 'landing/…',
      processed_at: '2026-11-20T12:00:00Z',
      files: [
        {
          table: 'tweets',
          key: 'processed/tweets/created_date=2026-11-20/part_b-7_0.parquet',
          rows: 2,
          bytes: 1234,
        },
        {
          table: 'tweet_hashtags',
          key: 'processed/tweet_hashtags/created_date=2026-11-20/part_b-7_0.parquet',
          rows: 3,
          bytes: 999,
        },
      ],
      rows: {} as ProcessedManifest['rows'],
      stats: {} as ProcessedManifest['stats'],
      quarantined: 0,
      quarantine_key: null,
    };

    /** A lake holding the batch's tweets file (the loader reads its text columns before the COPY). */
    const lakeWithTweets = async () => {
      const lake = new S3Lake(`s3://tweetpipe-dataapi/lake-${randomBytes(3).toString('hex')}`, {
        s3PathStyle: true,
      });
      const scratch = await lake.scratch('tweets');
      try {
        const file = path.join(scratch.path, 'tweets.parquet');
        const db = await DuckDBInstance.create(':memory:');
        const conn = await db.connect();
        await conn.run(
          `COPY (SELECT 1::BIGINT AS tweet_id, 'post' AS text, 'post' AS text_normalized) TO '${file}' (FORMAT parquet)`,
        );
        conn.closeSync();
        db.closeSync();
        await lake.putFile(manifest.files[0]!.key, file);
      } finally {
        await scratch.release();
      }
      return lake;
    };

    it('submits COPY from manifests that name the exact files, reports counts, and cleans up', async () => {
      const lake = await lakeWithTweets();
      const role = 'arn:aws:iam::123456789012:role/copy';
      const wh = new RedshiftWarehouse('redshift-data://analytics/dev', runner(), role);
      api.calls.length = 0;
      api.scripts.push({ polls: 0, columns: ['one'], rows: [] }); // not in etl_loads yet
      // Capture the COPY manifests while the batch "runs": the endpoint's first poll reads them.
      const seen: string[] = [];
      const poll = { polls: 40, resultRows: [] as number[] }; // long enough to look at the lake meanwhile
      api.scripts.push(poll);
      const origin = api.calls.length;
      const loading = wh.loadBatchFromLake(manifest, lake);
      while (!api.calls.slice(origin).some((c) => c.action === 'BatchExecuteStatement'))
        await new Promise((r) => setTimeout(r, 5));
      for (const o of await lake.list('_state/redshift-copy/'))
        seen.push((await lake.get(o.key))!.toString());
      const result = await loading;
      assert.equal(result.loaded, true);

      const sqls = api.calls.find((c) => c.action === 'BatchExecuteStatement')!.body.Sqls as string[];
      const copies = sqls.filter((s) => s.startsWith('COPY '));
      assert.equal(copies.length, 2, 'one COPY per table the batch has rows for');
      assert.ok(
        copies[0]!.includes(`FROM '${lake.uri}/_state/redshift-copy/b-7''x/fact_tweets.manifest.json'`),
        copies[0],
      );
      assert.match(copies[0]!, /IAM_ROLE 'arn:aws:iam::123456789012:role\/copy' FORMAT AS PARQUET MANIFEST$/);
      const manifests = seen.map(
        (s) =>
          JSON.parse(s) as {
            entries: { url: string; mandatory: boolean; meta: { content_length: number } }[];
          },
      );
      assert.deepEqual(
        manifests.flatMap((m) => m.entries).sort((a, b) => a.url.localeCompare(b.url)),
        manifest.files
          .map((f) => ({ url: `${lake.uri}/${f.key}`, mandatory: true, meta: { content_length: f.bytes } }))
          .sort((a, b) => a.url.localeCompare(b.url)),
      );
      assert.deepEqual(await lake.list('_state/redshift-copy/'), [], 'manifests removed after the load');
    });

    it('a failed COPY names the batch and the table, and leaves no manifest behind', async () => {
      const lake = await lakeWithTweets();
      const wh = new RedshiftWarehouse('redshift-data://analytics/dev', runner(), 'default');
      api.scripts.push({ polls: 0, columns: ['one'], rows: [] });
      // Statement 0 is LOCK; for fact_tweets: 1 CREATE raw, 2 COPY.
      api.scripts.push({
        polls: 1,
        end: 'FAILED',
        failAt: 2,
        error: 'ERROR: S3ServiceException: The specified key does not exist',
      });
      const error = await wh.loadBatchFromLake(manifest, lake).catch((e: unknown) => e);
      assert.ok(error instanceof FatalError, String(error));
      assert.match(
        error.message,
        /batch b-7'x into fact_tweets failed and was rolled back: .*key does not exist/,
      );
      assert.deepEqual(await lake.list('_state/redshift-copy/'), []);
    });

    it('a batch already in etl_loads is not submitted again', async () => {
      const lake = new S3Lake('s3://tweetpipe-dataapi/lake-skip', { s3PathStyle: true });
      const wh = new RedshiftWarehouse('redshift-data://analytics/dev', runner(), 'default');
      api.calls.length = 0;
      api.scripts.push({ polls: 0, columns: ['one'], rows: [[1]] });
      assert.equal((await wh.loadBatchFromLake(manifest, lake)).loaded, false);
      assert.ok(!api.calls.some((c) => c.action === 'BatchExecuteStatement'));
    });
  });
});
