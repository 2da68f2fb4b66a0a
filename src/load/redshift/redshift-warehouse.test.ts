import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { collect } from '../../collect/index.js';
import { FatalError } from '../../core/errors.js';
import { silentProgress } from '../../core/progress.js';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { createBucket } from '../../lake/s3/create-bucket.js';
import { S3Lake } from '../../lake/s3/s3-lake.js';
import { DuckDBEngine } from '../../process/duckdb/duckdb-engine.js';
import { processPending } from '../../process/index.js';
import { startPostgres, type TestPostgres } from '../../testing/postgres-server.js';
import { startS3Server, type TestS3Server, useS3Env } from '../../testing/s3-server.js';
import { type TempWorkspace, tempWorkspace } from '../../testing/temp-workspace.js';
import { factRows, fingerprint } from '../../testing/warehouse-fingerprint.js';
import { load, loadInto } from '../index.js';
import { STAR_TABLES } from '../star-schema.js';
import { post, processedBatch, runWarehouseContract } from '../warehouse-contract.js';
import { RedshiftOnPostgres } from './redshift-on-postgres.js';
import { batchStatements, copyManifest } from './redshift-sql.js';
import { RedshiftWarehouse } from './redshift-warehouse.js';

const BUCKET = 'tweetpipe-redshift';
const ROLE = 'arn:aws:iam::123456789012:role/tweetpipe-copy';
const s3Lake = (name: string) =>
  new S3Lake(`s3://${BUCKET}/${name}-${randomBytes(4).toString('hex')}`, { s3PathStyle: true });

let pg: TestPostgres;
let s3: TestS3Server;
let restoreEnv: () => void;
before(async () => {
  pg = await startPostgres();
  s3 = await startS3Server();
  restoreEnv = useS3Env(s3);
  await createBucket(BUCKET);
});
after(async () => {
  restoreEnv();
  await s3.stop();
  await pg.stop();
});

runWarehouseContract(
  "redshift (Redshift's SQL on PostgreSQL, COPY from a real S3 server)",
  async (_dir, lake) =>
    new RedshiftWarehouse(
      'redshift://test',
      await RedshiftOnPostgres.connect(await pg.newDatabase(), lake),
      ROLE,
    ),
  { lake: async () => s3Lake('contract'), checkConstraints: true },
);

describe('Redshift warehouse', () => {
  it('refuses a lake that is not on S3, and local files', async () => {
    const ws = tempWorkspace();
    try {
      const { LocalLake } = await import('../../lake/local/local-lake.js');
      const lake = new LocalLake(ws.lakeUri);
      const wh = new RedshiftWarehouse(
        'redshift://test',
        await RedshiftOnPostgres.connect(await pg.newDatabase(), lake),
        ROLE,
      );
      try {
        const manifest = { batch_id: 'b', files: [] } as never;
        await assert.rejects(wh.loadBatchFromLake(manifest, lake), /TWEETPIPE_LAKE.*COPY from S3/);
        await assert.rejects(wh.loadBatch(manifest), FatalError);
      } finally {
        await wh.close();
      }
    } finally {
      ws.remove();
    }
  });

  it('needs the IAM role that COPY assumes', async () => {
    await assert.rejects(
      RedshiftWarehouse.open('redshift-data://wg/dev', {}),
      /TWEETPIPE_REDSHIFT_IAM_ROLE: is required/,
    );
  });
});

describe('Redshift warehouse: a post longer than VARCHAR(65535)', () => {
  // 1 + 3 × 25,000 = 75,001 bytes of UTF-8 (X allows 25,000 characters); 65,535 falls inside a character.
  const text = `a${'デ'.repeat(25_000)}`;
  let lake: S3Lake;
  let manifest: Awaited<ReturnType<typeof processedBatch>>;
  before(async () => {
    lake = s3Lake('long');
    const engine = new DuckDBEngine({ workers: 1 });
    try {
      manifest = await processedBatch(lake, engine, 'b-long', '2026-11-20T09:00:00Z', {
        data: [{ ...post('2001', 1, []), note_tweet: { text } }, post('2002', 1, ['x'])],
      });
    } finally {
      await engine.close();
    }
  });

  it('is refused by COPY as it is (Redshift counts VARCHAR in bytes)', async () => {
    const runner = await RedshiftOnPostgres.connect(await pg.newDatabase(), lake);
    try {
      const tweets = manifest.files.filter((f) => f.table === 'tweets');
      const key = '_state/test-long.manifest.json';
      await lake.put(key, copyManifest(tweets.map((f) => ({ url: `${lake.uri}/${f.key}`, bytes: f.bytes }))));
      const fact = STAR_TABLES.find((t) => t.name === 'fact_tweets')!;
      const statements = batchStatements({
        batchId: 'b-long',
        tables: [{ table: fact, manifestUrl: `${lake.uri}/${key}` }],
        iamRole: ROLE,
        loadedAt: new Date(),
      }).filter((s) => /^(CREATE TEMP TABLE raw_|COPY )/.test(s.sql));
      assert.equal(statements.length, 2);
      await assert.rejects(
        runner.transaction(statements.map((s) => s.sql)),
        /String length exceeds DDL length \(column text, more than 65535 bytes\)/,
      );
      await lake.delete(key);
    } finally {
      await runner.close();
    }
  });

  it('loads cut at the last character that fits, says so, and the processed zone keeps the full text', async () => {
    const wh = new RedshiftWarehouse(
      'redshift://test',
      await RedshiftOnPostgres.connect(await pg.newDatabase(), lake),
      ROLE,
    );
    try {
      await wh.migrate();
      const result = await wh.loadBatchFromLake(manifest, lake);
      assert.equal(result.loaded, true);
      assert.deepEqual(result.notes, [
        "batch b-long: a post with text longer than Redshift's 65,535 bytes went to fact_tweets cut at a character boundary (the processed zone keeps the full text)",
      ]);
      const rows = await wh.query(
        'SELECT tweet_id::VARCHAR AS id, text, text_normalized, octet_length(text) AS bytes FROM fact_tweets ORDER BY 1',
      );
      const cut = `a${'デ'.repeat(21_844)}`; // 65,533 bytes: one more character would make 65,536
      assert.deepEqual(
        rows.map((r) => [r.id, r.text, r.text_normalized, Number(r.bytes)]),
        [
          ['2001', cut, cut, 65_533],
          ['2002', 'post #x', 'post #x', 7],
        ],
      );
      assert.deepEqual(
        await lake.list('_state/redshift-copy/'),
        [],
        'no cut copy or COPY manifest is left behind',
      );
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const file = await lake.localCopy(manifest.files.find((f) => f.table === 'tweets')!.key);
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      try {
        const kept = await conn.runAndReadAll(
          `SELECT text FROM read_parquet('${file.path}') WHERE tweet_id = 2001`,
        );
        assert.equal(kept.getRows()[0]?.[0], text);
      } finally {
        conn.closeSync();
        db.closeSync();
        await file.release();
      }
    } finally {
      await wh.close();
    }
  });
});

describe('pipeline end to end: emulator → S3 lake → Redshift (its SQL on PostgreSQL)', () => {
  let em: RunningEmulator;
  let ws: TempWorkspace;
  before(async () => {
    em = await startEmulator({ now: '2026-11-20T12:00:00.000Z', seed: 11, rateLimit: false });
    ws = tempWorkspace();
  });
  after(async () => {
    ws.remove();
    await em.close();
  });

  it('holds what the DuckDB warehouse holds, value for value; COPY manifests are removed; re-loading changes nothing', async () => {
    const lake = s3Lake('pipeline');
    const settings = ws.settings(em.url, { lake: lake.uri, lakeOptions: lake.options });
    await collect(settings, lake, { queries: ['#AI OR #climate', 'lang:ja data OR #データ'] });
    await collect(settings, lake, { queries: ['#AI -is:retweet'] }); // a third, overlapping batch
    await processPending(settings, lake);
    const reference = await load(settings, lake); // DuckDB, through local copies

    const runner = await RedshiftOnPostgres.connect(await pg.newDatabase(), lake);
    const wh = new RedshiftWarehouse('redshift://test', runner, ROLE);
    try {
      const loaded = await loadInto(wh, lake, silentProgress);
      assert.equal(loaded.batches, 3);
      assert.deepEqual(loaded.rows, reference.rows);
      assert.deepEqual(loaded.inserted, reference.inserted);
      assert.deepEqual(await fingerprint(wh), await fingerprint(ws));
      assert.deepEqual(await factRows(wh), await factRows(ws));
      assert.equal(
        runner.log.filter((s) => s.startsWith('COPY ')).length > 0 &&
          runner.log.filter((s) => s.startsWith('MERGE INTO ')).length > 0,
        true,
        'the load went through COPY and MERGE',
      );
      assert.deepEqual(await lake.list('_state/redshift-copy/'), [], 'no COPY manifest is left behind');

      const again = await loadInto(wh, lake, silentProgress);
      assert.equal(again.batches, 0);
      assert.equal(again.skipped, 3);
      assert.deepEqual(await fingerprint(wh), await fingerprint(ws));
    } finally {
      await wh.close();
    }
  });
});
