import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { processPending } from '../process/index.js';
import { CountingLake } from '../testing/counting-lake.js';
import { writeOnePostBatch } from '../testing/one-post-batch.js';
import { tempWorkspace } from '../testing/temp-workspace.js';
import { load } from './index.js';

describe('load', () => {
  const ws = tempWorkspace();
  after(() => ws.remove());

  it('reads only the manifests of batches the warehouse has not loaded, not those of every batch it holds', async () => {
    const lake = new CountingLake(ws.lakeUri);
    const settings = ws.settings('http://127.0.0.1:9');
    for (const n of [1, 2, 3]) await writeOnePostBatch(lake, `b-${n}`, `30${n}`);
    await processPending(settings, lake);
    assert.equal((await load(settings, lake)).batches, 3);

    await writeOnePostBatch(lake, 'b-4', '304');
    await processPending(settings, lake);
    lake.takeManifestGets();
    const summary = await load(settings, lake);
    assert.equal(summary.batches, 1);
    assert.equal(summary.skipped, 3, 'the loaded batches are counted as skipped, from their keys');
    assert.equal(summary.inserted.fact_tweets, 1);
    assert.deepEqual(lake.takeManifestGets(), ['processed/_manifests/b-4/_manifest.json']);

    const again = await load(settings, lake);
    assert.deepEqual([again.batches, again.skipped], [0, 4]);
    assert.deepEqual(lake.takeManifestGets(), [], 'everything loaded: no manifest read at all');
  });
});
