import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BusyError } from '../core/errors.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { CountingLake } from '../testing/counting-lake.js';
import { writeOnePostBatch } from '../testing/one-post-batch.js';
import { tempWorkspace } from '../testing/temp-workspace.js';
import { pendingLandingBatches, processPending } from './index.js';

describe('processPending', () => {
  const ws = tempWorkspace();
  after(() => ws.remove());

  it('processes a lake in one process at a time: a second run at once is refused, and nothing is done twice', async () => {
    const lake = new LocalLake(ws.lakeUri);
    const settings = ws.settings('http://127.0.0.1:9');
    await writeOnePostBatch(lake, 'b-one', '1001');

    const runs = await Promise.allSettled([processPending(settings, lake), processPending(settings, lake)]);
    const done = runs.filter((r) => r.status === 'fulfilled');
    const refused = runs.filter((r) => r.status === 'rejected');
    assert.equal(done.length, 1);
    assert.equal(refused.length, 1);
    const error = (refused[0] as PromiseRejectedResult).reason as Error;
    assert.ok(error instanceof BusyError, String(error));
    assert.match(error.message, /^process: another tweetpipe process is running it/);
    const summary = (done[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof processPending>>>).value;
    assert.equal(summary.batches, 1);
    assert.equal(summary.rows.tweets, 1);
    assert.deepEqual(await pendingLandingBatches(lake), []);
    assert.equal((await processPending(settings, lake)).batches, 0, 'the lease was released');
    assert.deepEqual(await lake.list('_state/leases/'), []);
  });

  it("reads only the pending batches' manifests, not those of every batch the lake has processed", async () => {
    const lake = new CountingLake(pathToFileURL(path.join(ws.dir, 'history')).href);
    const settings = ws.settings('http://127.0.0.1:9', { lake: lake.uri });
    for (const id of ['b-1', 'b-2', 'b-3']) await writeOnePostBatch(lake, id, `20${id.at(-1)}`);
    assert.equal((await processPending(settings, lake)).batches, 3);
    lake.takeManifestGets();

    await writeOnePostBatch(lake, 'b-4', '204');
    const summary = await processPending(settings, lake);
    assert.equal(summary.batches, 1);
    assert.equal(summary.rows.tweets, 1);
    // b-4's landing manifest (read to find it pending), and nothing of b-1..b-3.
    const read = lake.takeManifestGets();
    assert.ok(
      read.includes('landing/search_recent/ingest_date=2026-11-20/b-4/_manifest.json'),
      read.join(' '),
    );
    assert.deepEqual(
      read.filter((k) => !k.includes('/b-4/')),
      [],
    );
    assert.equal((await processPending(settings, lake)).batches, 0);
    assert.deepEqual(lake.takeManifestGets(), [], 'nothing pending: no manifest read at all');
  });
});
