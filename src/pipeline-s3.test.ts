import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { collect } from './collect/index.js';
import type { LandingManifest } from './collect/landing-writer.js';
import { RetryableError } from './core/errors.js';
import { type RunningEmulator, startEmulator } from './emulator/index.js';
import { getJson, type Lake } from './lake/lake.js';
import { LocalLake } from './lake/local/local-lake.js';
import { createBucket } from './lake/s3/create-bucket.js';
import { S3Lake } from './lake/s3/s3-lake.js';
import { LANDING, MANIFEST, PROCESSED } from './lake/zones.js';
import { load } from './load/index.js';
import { processPending } from './process/index.js';
import type { ProcessedManifest } from './process/processed-manifest.js';
import { startS3Server, type TestS3Server, useS3Env } from './testing/s3-server.js';
import { type TempWorkspace, tempWorkspace } from './testing/temp-workspace.js';
import { fingerprint } from './testing/warehouse-fingerprint.js';

const NOW = '2026-11-20T12:00:00.000Z';
const QUERIES = ['#AI OR #climate', 'lang:ja data OR #データ'];
const BUCKET = 'tweetpipe-pipeline';

/** Every committed batch names only objects that exist: a reader never trusts a half-written batch. */
async function assertNothingHalfWritten(lake: Lake): Promise<void> {
  const objects = new Map((await lake.list('')).map((o) => [o.key, o.size]));
  for (const key of objects.keys()) {
    if (key.startsWith(`${LANDING}/`) && key.endsWith(`/${MANIFEST}`)) {
      const m = (await getJson<LandingManifest>(lake, key))!;
      for (const part of m.parts) assert.equal(objects.get(part.key), part.bytes, `${part.key} of ${key}`);
    }
    if (key.startsWith(`${PROCESSED}/_manifests/`)) {
      const m = (await getJson<ProcessedManifest>(lake, key))!;
      for (const f of m.files) assert.equal(objects.get(f.key), f.bytes, `${f.key} of ${key}`);
    }
  }
}

describe('pipeline end to end: emulator → S3 lake (real S3 protocol) → DuckDB warehouse', () => {
  let em: RunningEmulator;
  let server: TestS3Server;
  let restoreEnv: () => void;
  let reference: TempWorkspace;
  let writesPerRun = 0;
  const workspaces: TempWorkspace[] = [];

  const s3Workspace = () => {
    const ws = tempWorkspace();
    workspaces.push(ws);
    const lake = new S3Lake(`s3://${BUCKET}/run-${randomBytes(4).toString('hex')}`, { s3PathStyle: true });
    return { ws, lake, settings: ws.settings(em.url, { lake: lake.uri, lakeOptions: lake.options }) };
  };

  before(async () => {
    em = await startEmulator({ now: NOW, seed: 5, rateLimit: false });
    server = await startS3Server();
    restoreEnv = useS3Env(server);
    await createBucket(BUCKET);
    // The reference: the same collection on a local lake.
    reference = tempWorkspace();
    workspaces.push(reference);
    const settings = reference.settings(em.url);
    const lake = new LocalLake(reference.lakeUri);
    await collect(settings, lake, { queries: QUERIES });
    await processPending(settings, lake);
    await load(settings, lake);
  });
  after(async () => {
    for (const ws of workspaces) ws.remove();
    restoreEnv();
    await server.stop();
    await em.close();
  });

  it('gives the same warehouse as the local lake, and re-running adds nothing', async () => {
    const { ws, lake, settings } = s3Workspace();
    const before = server.faults.writes;
    const collected = await collect(settings, lake, { queries: QUERIES });
    await processPending(settings, lake);
    await load(settings, lake);
    writesPerRun = server.faults.writes - before;
    assert.ok(collected.posts > 500);
    const expected = await fingerprint(reference);
    assert.deepEqual(await fingerprint(ws), expected);
    await assertNothingHalfWritten(lake);

    const again = await collect(settings, lake, { queries: QUERIES });
    assert.equal(again.posts, 0);
    assert.equal((await processPending(settings, lake)).batches, 0);
    assert.equal((await load(settings, lake)).batches, 0);
    assert.deepEqual(await fingerprint(ws), expected);
  });

  for (const [name, at] of [
    ['early in collect', 0.1],
    ['late in collect', 0.35],
    ['while processing', 0.8],
  ] as const) {
    it(`S3 errors ${name} leave no visible partial batch, and a re-run completes exactly`, async () => {
      assert.ok(writesPerRun > 10, 'the clean run counted its writes');
      const { ws, lake, settings } = s3Workspace();
      server.faults.failWrites(Math.floor(writesPerRun * at));
      let failed: unknown;
      try {
        await collect(settings, lake, { queries: QUERIES });
        await processPending(settings, lake);
        await load(settings, lake);
      } catch (error) {
        failed = error;
      } finally {
        server.faults.heal();
      }
      assert.ok(
        failed instanceof RetryableError,
        `the run failed with a retryable S3 error: ${String(failed)}`,
      );
      await assertNothingHalfWritten(lake);

      await collect(settings, lake, { queries: QUERIES });
      await processPending(settings, lake);
      await load(settings, lake);
      await assertNothingHalfWritten(lake);
      assert.deepEqual(await fingerprint(ws), await fingerprint(reference));
    });
  }

  it('a server that goes away during load leaves the warehouse as it was; a re-run completes', async () => {
    const { ws, lake, settings } = s3Workspace();
    await collect(settings, lake, { queries: QUERIES });
    await processPending(settings, lake);
    server.faults.down();
    try {
      await assert.rejects(load(settings, lake), RetryableError);
    } finally {
      server.faults.heal();
    }
    await load(settings, lake);
    assert.deepEqual(await fingerprint(ws), await fingerprint(reference));
  });
});
