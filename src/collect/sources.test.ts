import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { AuthError } from '../core/errors.js';
import { snowflakeTime } from '../core/snowflake.js';
import { corpusMatches, type RunningEmulator, startEmulator } from '../emulator/index.js';
import type { Lake } from '../lake/lake.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { tempWorkspace } from '../testing/temp-workspace.js';
import { loadCheckpoint } from './checkpoint.js';
import { collect } from './index.js';

const NOW = '2026-11-20T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const fast = { retryBaseMs: 20, maxBackoffMs: 50 };

/** Every landed line's response, by landing source. */
async function landed(lake: Lake, source: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const o of await lake.list(`landing/${source}/`)) {
    if (!o.key.endsWith('.jsonl.gz')) continue;
    for (const line of gunzipSync((await lake.get(o.key))!)
      .toString()
      .split('\n')
      .filter(Boolean))
      out.push(JSON.parse(line));
  }
  return out;
}
const postsOf = (lines: Record<string, unknown>[]) =>
  lines.flatMap((l) => (l.response as { data?: { id: string; author_id: string }[] }).data ?? []);

describe('collect: every source', () => {
  let em: RunningEmulator;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 5 });
  });
  after(() => em.close());

  it('full-archive search: a window older than 7 days, up to 500 per page, paced to 1 request/s without a 429', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const startTime = '2026-10-01T00:00:00Z';
      const endTime = '2026-10-03T00:00:00Z';
      const before = em.requests.length;
      const r = await collect(ws.settings(em.url), lake, {
        queries: ['#AI'],
        archive: true,
        startTime,
        endTime,
      });
      const requests = em.requests.slice(before);
      assert.ok(
        requests.every((q) => q.path === '/2/tweets/search/all' && q.status === 200),
        'no 429',
      );
      assert.ok(requests.length >= 2, 'more than one page');
      assert.equal(requests[0]!.params.get('max_results'), '500');
      const posts = postsOf(await landed(lake, 'search_all'));
      assert.equal(posts.length, r.posts);
      const truth = corpusMatches(em.corpus, '#AI', NOW_MS, Date.parse(startTime), Date.parse(endTime));
      assert.deepEqual(posts.map((p) => p.id).sort(), truth.map((p) => p.id).sort());
      const cp = await loadCheckpoint(lake, 'search_all', `#AI\nstart=${startTime}\nend=${endTime}`);
      assert.equal(cp.since_id, truth[0]!.id);
    } finally {
      ws.remove();
    }
  });

  it('user timeline by username: resolves the ID once, pages with pagination_token, only that author', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const user = em.corpus.user(3);
      const r = await collect(ws.settings(em.url), lake, { users: [`@${user.username}`] });
      const lines = await landed(lake, 'timeline');
      const posts = postsOf(lines);
      assert.ok(r.pages >= 2 && posts.length === r.posts && posts.length > 100);
      assert.ok(posts.every((p) => p.author_id === user.id));
      assert.ok(String(lines[1]!.request_url).includes('pagination_token='));
      assert.equal(em.requests.filter((q) => q.path.startsWith('/2/users/by/username/')).length, 1);
      // The second run needs no look-up and fetches nothing new (frozen clock).
      const again = await collect(ws.settings(em.url), lake, { users: [user.username] });
      assert.equal(again.posts, 0);
      assert.equal(em.requests.filter((q) => q.path.startsWith('/2/users/by/username/')).length, 1);
      await assert.rejects(
        collect(ws.settings(em.url), lake, { users: ['no_such_user_x'] }),
        /no_such_user_x.*Could not find user/,
      );
    } finally {
      ws.remove();
    }
  });

  it('look-up of IDs from a file: 100 per request, missing posts as partial errors, never paid for twice', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const ids = corpusMatches(em.corpus, 'the', NOW_MS)
        .slice(0, 230)
        .map((p) => p.id);
      const file = path.join(ws.dir, 'ids.csv');
      writeFileSync(
        file,
        `tweet_id,note\n${ids.join(',x\n')}\n9999999999999999999\nhttps://x.com/a/status/${ids[0]}\n`,
      );
      const r = await collect(ws.settings(em.url), lake, { lookupFiles: [file] });
      assert.equal(r.pages, 3);
      assert.equal(r.posts, 230);
      assert.equal(r.queries[0]!.partialErrors >= 1, true);
      const asked = em.requests.filter((q) => q.path === '/2/tweets').slice(-3);
      assert.deepEqual(
        asked.map((q) => q.params.get('ids')!.split(',').length),
        [100, 100, 31],
      );
      const again = await collect(ws.settings(em.url), lake, { lookupFiles: [file] });
      assert.equal(again.queries[0]!.skipped, 'complete');
      assert.equal(again.pages, 0);
      writeFileSync(file, '123\nnot-an-id\n');
      await assert.rejects(
        collect(ws.settings(em.url), lake, { lookupFiles: [file] }),
        /line 2: "not-an-id" is not a post ID/,
      );
    } finally {
      ws.remove();
    }
  });

  it('--max-cost-usd stops before the budget is exceeded, records spend, and the next run goes on without a gap', async () => {
    const whole = tempWorkspace();
    const capped = tempWorkspace();
    try {
      const query = '#data';
      await collect(whole.settings(em.url), new LocalLake(whole.lakeUri), { queries: [query] });
      const lake = new LocalLake(capped.lakeUri);
      const first = await collect(capped.settings(em.url), lake, { queries: [query], maxCostUsd: 2 });
      assert.equal(first.stoppedBy, 'max-cost-usd');
      assert.ok(first.spentUsd <= 2 && first.spentUsd > 1, `spent ${first.spentUsd}`);
      const cp = await loadCheckpoint(lake, 'search_recent', query);
      assert.ok(Math.abs((cp.spent_usd ?? 0) - first.spentUsd) < 1e-9);
      assert.ok(cp.resume?.next_token, 'the cut pagination is remembered');
      for (let i = 0; i < 20; i++) {
        const more = await collect(capped.settings(em.url), lake, { queries: [query], maxCostUsd: 2 });
        if (more.stoppedBy === null) break;
      }
      const a = postsOf(await landed(new LocalLake(whole.lakeUri), 'search_recent'))
        .map((p) => p.id)
        .sort();
      const b = postsOf(await landed(lake, 'search_recent'))
        .map((p) => p.id)
        .sort();
      assert.deepEqual(b, a, 'capped runs together collect exactly what one run does');
      const after = await loadCheckpoint(lake, 'search_recent', query);
      assert.equal(after.resume ?? null, null);
      assert.equal(
        after.since_id,
        a.reduce((m, id) => (BigInt(id) > BigInt(m) ? id : m)),
      );
    } finally {
      whole.remove();
      capped.remove();
    }
  });

  it('every fault kind: 429 and 5xx bursts, slow, truncated and dropped responses are absorbed; usage-capped stops', async () => {
    const clean = tempWorkspace();
    const faulty = tempWorkspace();
    try {
      const query = 'climate';
      await collect(clean.settings(em.url), new LocalLake(clean.lakeUri), { queries: [query] });
      em.injectFaults(
        { kind: 'rate-limit', resetInSeconds: 1 },
        { kind: 'rate-limit', resetInSeconds: 1 },
        { kind: 'status', status: 503 },
        { kind: 'status', status: 500 },
        { kind: 'slow', ms: 300 },
        { kind: 'truncate' },
        { kind: 'drop' },
      );
      const lake = new LocalLake(faulty.lakeUri);
      await collect(faulty.settings(em.url), lake, { queries: [query], client: fast });
      const a = postsOf(await landed(new LocalLake(clean.lakeUri), 'search_recent'))
        .map((p) => p.id)
        .sort();
      const b = postsOf(await landed(lake, 'search_recent'))
        .map((p) => p.id)
        .sort();
      assert.deepEqual(b, a);
      em.injectFaults({ kind: 'usage-capped' });
      await assert.rejects(
        collect(faulty.settings(em.url), lake, { queries: ['other'], client: fast }),
        (e: unknown) =>
          e instanceof AuthError && /usage cap/.test(e.message) && /developer console/i.test(e.message),
      );
    } finally {
      clean.remove();
      faulty.remove();
    }
  });

  it('windows: --start-time/--end-time bound what recent search lands', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const startTime = '2026-11-18T00:00:00Z';
      const endTime = '2026-11-18T06:00:00Z';
      await collect(ws.settings(em.url), lake, { queries: ['#AI'], startTime, endTime });
      const posts = postsOf(await landed(lake, 'search_recent'));
      assert.ok(posts.length > 10);
      for (const p of posts) {
        const t = snowflakeTime(p.id);
        assert.ok(t >= Date.parse(startTime) && t < Date.parse(endTime));
      }
    } finally {
      ws.remove();
    }
  });
});
