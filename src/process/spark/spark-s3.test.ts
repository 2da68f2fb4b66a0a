import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError, FatalError, StoppedError } from '../../core/errors.js';
import { recordingProgress } from '../../core/progress.js';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { LocalLake } from '../../lake/local/local-lake.js';
import { createBucket } from '../../lake/s3/create-bucket.js';
import { S3Lake } from '../../lake/s3/s3-lake.js';
import { TABLE_NAMES } from '../../schema/tables.js';
import { cli, finish } from '../../testing/cli-child.js';
import {
  type EmrServerlessEndpoint,
  startEmrServerlessEndpoint,
} from '../../testing/emr-serverless-endpoint.js';
import { copyLake, quarantineRows, tableRows, writeNastyLanding } from '../../testing/engine-parity.js';
import { startS3Server, type TestS3Server, useS3Env } from '../../testing/s3-server.js';
import { type TempWorkspace, tempWorkspace } from '../../testing/temp-workspace.js';
import { DuckDBEngine } from '../duckdb/duckdb-engine.js';
import { processPending } from '../index.js';
import { SparkEngine } from './spark-engine.js';
import { sparkS3Jars } from './spark-submit.js';

const NOW = '2026-11-20T12:00:00.000Z';
const BUCKET = 'tweetpipe-spark';
const APP = '00fspark0test0ab';
const ROLE = 'arn:aws:iam::123456789012:role/tweetpipe-spark-job';

/**
 * The Spark engine against an S3 lake: a local Spark reading and writing s3a:// itself, and the
 * EMR Serverless path (job file uploaded to the lake, job run followed to its end) through a
 * stand-in that runs the job with the same local Spark, `s3://` bound to S3A as on EMR.
 */
describe('Spark engine on an S3 lake (s3a:// and EMR Serverless)', () => {
  let em: RunningEmulator;
  let s3: TestS3Server;
  let emr: EmrServerlessEndpoint;
  let restore: () => void;
  let duck: TempWorkspace;
  let landing: LocalLake;
  const settings = () => duck.settings(em.url);
  const freshLake = async () => {
    const lake = new S3Lake(`s3://${BUCKET}/l-${randomBytes(3).toString('hex')}`, { s3PathStyle: true });
    await copyLake(landing, lake, 'landing/');
    return lake;
  };
  /** The processed zone of an S3 lake, copied to a local folder to read with DuckDB. */
  const local = async (lake: S3Lake) => {
    const ws = tempWorkspace();
    const to = new LocalLake(ws.lakeUri);
    await copyLake(lake, to, 'processed/');
    await copyLake(lake, to, 'quarantine/');
    return ws;
  };
  const assertSameAsDuckDB = async (lake: S3Lake) => {
    const ws = await local(lake);
    try {
      for (const table of TABLE_NAMES)
        assert.deepEqual(await tableRows(ws.dir, table), await tableRows(duck.dir, table), `${table}: rows`);
      assert.deepEqual(await quarantineRows(ws.dir), await quarantineRows(duck.dir));
    } finally {
      ws.remove();
    }
    assert.deepEqual(
      await lake.list('_spark/runs/'),
      [],
      "a run's spec and output are removed once committed",
    );
  };

  before(async () => {
    assert.ok(sparkS3Jars(), 'the S3A jars are installed (make spark-s3-jars)');
    em = await startEmulator({ now: NOW, seed: 29 });
    s3 = await startS3Server();
    restore = useS3Env(s3);
    await createBucket(BUCKET);
    emr = await startEmrServerlessEndpoint({ s3Endpoint: s3.endpoint, applications: [APP] });
    Object.assign(process.env, emr.env);
    duck = tempWorkspace();
    landing = new LocalLake(duck.lakeUri);
    await writeNastyLanding(settings(), landing, NOW);
    await processPending(settings(), landing, { engine: new DuckDBEngine() });
  });
  after(async () => {
    delete process.env.AWS_ENDPOINT_URL_EMR_SERVERLESS;
    await emr?.close();
    restore?.();
    await s3?.stop();
    await em?.close();
    duck?.remove();
  });

  it('local Spark reads and writes s3a:// itself: the same tables and quarantine as DuckDB', async () => {
    const lake = await freshLake();
    const progress = recordingProgress();
    const summary = await processPending(settings(), lake, { engine: new SparkEngine(), progress });
    assert.ok(summary.batches >= 3);
    assert.ok(
      progress.lines.some((l) => l.includes('reading s3a:// directly')),
      progress.lines.join('\n'),
    );
    await assertSameAsDuckDB(lake);
  });

  it('EMR Serverless: uploads the job to the lake, follows the run to SUCCESS, commits the same output', async () => {
    const lake = await freshLake();
    const progress = recordingProgress();
    const engine = new SparkEngine({ emr: { applicationId: APP, roleArn: ROLE, pollMs: 250 } });
    await processPending(settings(), lake, { engine, progress });
    await assertSameAsDuckDB(lake);
    const start = emr.calls.find((c) => c.op === 'StartJobRun')!.input as {
      executionRoleArn: string;
      jobDriver: { sparkSubmit: { entryPoint: string; entryPointArguments: string[] } };
    };
    assert.equal(start.executionRoleArn, ROLE);
    const entry = start.jobDriver.sparkSubmit.entryPoint;
    assert.match(
      entry,
      new RegExp(`^s3://${BUCKET}/l-[0-9a-f]+/_spark/jobs/tweetpipe_process-[0-9a-f]{16}\\.py$`),
    );
    assert.equal(
      (await lake.list('_spark/jobs/')).length,
      1,
      'the job file stays in the lake, named by content',
    );
    assert.match(
      start.jobDriver.sparkSubmit.entryPointArguments.join(' '),
      /^--spec s3:\/\/.+\/spec\.json --out s3:\/\//,
    );
    const states = progress.lines.filter((l) => l.includes('job run')).join('\n');
    for (const s of ['started on application', 'RUNNING', 'SUCCESS']) assert.ok(states.includes(s), states);
  });

  it('EMR Serverless: an application EMR does not know is a setting to fix, and it is named', async () => {
    const lake = await freshLake();
    const engine = new SparkEngine({
      emr: { applicationId: '00aaaaaaaaaaaaaa', roleArn: ROLE, pollMs: 250 },
    });
    await assert.rejects(processPending(settings(), lake, { engine }), (e: Error) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, /^--emr-application-id: no such EMR Serverless application/);
      assert.match(e.message, /ResourceNotFoundException: Application 00aaaaaaaaaaaaaa does not exist/);
      return true;
    });
    assert.deepEqual(await lake.list('processed/_manifests/'), []);
  });

  it("EMR Serverless: a failed job run stops with EMR's account of it, and nothing is committed", async () => {
    const lake = await freshLake();
    const engine = new SparkEngine({
      emr: { applicationId: APP, roleArn: ROLE, pollMs: 250 },
      // Too little memory for the driver's JVM to start: the run fails on the cluster, not here.
      conf: { 'spark.driver.memory': '1m' },
    });
    await assert.rejects(processPending(settings(), lake, { engine }), (e: Error) => {
      assert.ok(e instanceof FatalError);
      assert.match(e.message, /EMR Serverless job run 00[0-9a-f]+ ended FAILED: Job failed/);
      assert.match(e.message, /heap|memory/i);
      return true;
    });
    assert.deepEqual(await lake.list('processed/_manifests/'), []);
    assert.deepEqual(await lake.list('_spark/runs/'), []);
  });

  it('EMR Serverless: stopping the command (SIGTERM, as Airflow does) cancels the job run and cleans up', async () => {
    const lake = await freshLake();
    const calls = emr.calls.length;
    const child = cli(duck, em.url, ['process', '--emr-application-id', APP, '--emr-role-arn', ROLE], {
      TWEETPIPE_LAKE: lake.uri,
      TWEETPIPE_EMR_POLL_MS: '200',
    });
    const done = finish(child);
    while (!emr.calls.slice(calls).some((c) => c.op === 'GetJobRun') && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 143, result.err);
    assert.match(result.out + result.err, /SIGTERM — cancelling EMR Serverless job run 00[0-9a-f]+/);
    assert.ok(
      emr.calls.slice(calls).some((c) => c.op === 'CancelJobRun'),
      'CancelJobRun was sent',
    );
    assert.match(result.err, /stopped by SIGTERM; EMR Serverless job run 00[0-9a-f]+ was cancelled/);
    assert.deepEqual(await lake.list('processed/_manifests/'), []);
    assert.deepEqual(await lake.list('_spark/runs/'), [], "the run's spec and output are gone");
  });

  it('asked to stop before a Spark run starts, it starts none', async () => {
    const lake = await freshLake();
    const calls = emr.calls.length;
    const engine = new SparkEngine({ emr: { applicationId: APP, roleArn: ROLE, pollMs: 250 } });
    const stop = new AbortController();
    stop.abort('SIGTERM');
    await assert.rejects(
      processPending(settings(), lake, { engine, signal: stop.signal }),
      (e: Error) => e instanceof StoppedError && e.exitCode === 143 && /stopped by SIGTERM/.test(e.message),
    );
    assert.equal(emr.calls.length, calls, 'no call to EMR Serverless');
    assert.deepEqual(await lake.list('_spark/'), []);
  });

  it('bad EMR settings fail before anything is uploaded, naming the flag', async () => {
    assert.throws(
      () => new SparkEngine({ emr: { applicationId: 'not-an-app', roleArn: ROLE } }),
      (e: Error) => e instanceof ConfigError && e.message.includes('--emr-application-id'),
    );
    assert.throws(
      () => new SparkEngine({ emr: { applicationId: APP, roleArn: 'role/x' } }),
      (e: Error) => e instanceof ConfigError && e.message.includes('--emr-role-arn'),
    );
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      await copyLake(landing, lake, 'landing/');
      const engine = new SparkEngine({ emr: { applicationId: APP, roleArn: ROLE } });
      await assert.rejects(
        processPending(settings(), lake, { engine }),
        /TWEETPIPE_LAKE must be an s3:\/\/ lake/,
      );
    } finally {
      ws.remove();
    }
  });
});
