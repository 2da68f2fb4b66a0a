import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import { BusyError } from '../core/errors.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { tempWorkspace } from '../testing/temp-workspace.js';
import { pendingLandingBatches, processPending } from './index.js';

describe('processPending', () => {
  const ws = tempWorkspace();
  after(() => ws.remove());

  it('processes a lake in one process at a time: a second run at once is refused, and nothing is done twice', async () => {
    const lake = new LocalLake(ws.lakeUri);
    const settings = ws.settings('http://127.0.0.1:9');
    const retrieved = '2026-11-20T10:00:00Z';
    const where = { source: 'search_recent', ingestDate: '2026-11-20', batchId: 'b-one' };
    const post = { id: '1001', text: 'hello #x', created_at: '2026-11-19T08:00:00.000Z', author_id: '42' };
    const meta = { retrieved_at: retrieved, endpoint: 'e', query: 'q', request_url: 'u', status: 200 };
    const part = await writeLandingPart(lake, where, 0, [
      landingLine(meta, JSON.stringify({ data: [post] })),
    ]);
    await commitLandingBatch(lake, {
      batch_id: where.batchId,
      source: where.source,
      ingest_date: where.ingestDate,
      endpoint: 'e',
      query: 'q',
      created_at: retrieved,
      committed_at: retrieved,
      parts: [part],
      pages: 1,
      posts: 1,
      partial_errors: 0,
      newest_id: post.id,
    });

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
});
