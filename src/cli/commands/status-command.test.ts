import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { silentProgress } from '../../core/progress.js';
import { load } from '../../load/index.js';
import { processPending } from '../../process/index.js';
import { CountingLake } from '../../testing/counting-lake.js';
import { writeOnePostBatch } from '../../testing/one-post-batch.js';
import { tempWorkspace } from '../../testing/temp-workspace.js';
import { type StatusReport, statusReport } from './status-command.js';

describe('status', () => {
  const ws = tempWorkspace();
  after(() => ws.remove());

  it("adds up the processed batches from process's summaries, reading no manifest of theirs, and gives the figures the manifests give", async () => {
    const lake = new CountingLake(ws.lakeUri);
    const settings = ws.settings('http://127.0.0.1:9');
    const ctx = { settings, lake, progress: { ...silentProgress, clear() {} }, json: true };
    const ids = ['20261120T100000000Z-aaaaaa', '20261120T110000000Z-bbbbbb', '20261201T100000000Z-cccccc'];
    for (const [i, id] of ids.entries()) await writeOnePostBatch(lake, id, `50${i}`);
    await processPending(settings, lake);
    await load(settings, lake);
    // One not processed yet: its landing manifest is read, as before.
    await writeOnePostBatch(lake, '20261201T120000000Z-dddddd', '509');
    const lakeOf = (r: StatusReport) => ({ ...r.lake, uri: '' });

    lake.takeManifestGets();
    const report = await statusReport(ctx);
    assert.deepEqual(lake.takeManifestGets(), [
      'landing/search_recent/ingest_date=2026-11-20/20261201T120000000Z-dddddd/_manifest.json',
    ]);
    assert.deepEqual(
      (await lake.list('_state/summaries/')).map((o) => o.key),
      ['_state/summaries/202611.json', '_state/summaries/202612.json'],
      'a month of batches per object',
    );
    assert.equal(report.lake.landing.batches, 4);
    assert.equal(report.lake.landing.posts, 4);
    assert.equal(report.lake.landing.not_processed, 1);
    assert.equal(report.lake.processed.batches, 3);
    assert.equal(report.lake.processed.rows.tweets, 3);
    assert.equal(report.warehouse.rows?.fact_tweets, 3);

    // Without the summaries (a lake processed by an older version): the manifests give the same
    // figures, and the next process run records what is missing.
    for (const o of await lake.list('_state/summaries/')) await lake.delete(o.key);
    const fromManifests = await statusReport(ctx);
    assert.equal(lake.takeManifestGets().length, 4 + 3);
    assert.deepEqual(lakeOf(fromManifests), lakeOf(report));
    await processPending(settings, lake);
    lake.takeManifestGets();
    const after = await statusReport(ctx);
    assert.deepEqual(lake.takeManifestGets(), [], 'every batch processed and summarized');
    assert.deepEqual(after.lake.landing.not_processed, 0);
    assert.equal(after.lake.landing.posts, 4);
    assert.equal(after.lake.processed.rows.tweets, 4);

    // A summary object damaged by hand is not trusted: its batches are read from their manifests,
    // and the next process run writes it anew.
    await lake.put(
      '_state/summaries/202611.json',
      '{"batches": {"20261120T100000000Z-aaaaaa": {"posts": "x"',
    );
    const damaged = await statusReport(ctx);
    assert.deepEqual(lakeOf(damaged), lakeOf(after));
    assert.equal(lake.takeManifestGets().length, 2 + 2, "the November batches' manifests");
    await processPending(settings, lake);
    lake.takeManifestGets();
    assert.deepEqual(lakeOf(await statusReport(ctx)), lakeOf(after));
    assert.deepEqual(lake.takeManifestGets(), [], 'the object written anew');
  });
});
