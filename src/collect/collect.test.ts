import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { AuthError, BusyError, RetryableError } from '../core/errors.js';
import { recordingProgress } from '../core/progress.js';
import { Secret } from '../core/secret.js';
import { type RunningEmulator, startEmulator } from '../emulator/index.js';
import { getJson } from '../lake/lake.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { listLandingBatches } from '../process/index.js';
import { freePort } from '../testing/free-port.js';
import { LakeStoppingAfterManifests } from '../testing/stopping-lake.js';
import { tempWorkspace } from '../testing/temp-workspace.js';
import { loadCheckpoint } from './checkpoint.js';
import { collect } from './index.js';
import type { LandingManifest } from './landing-writer.js';

const NOW = '2026-11-20T12:00:00.000Z';
const QUERY = '#AI OR #data';
const manifestsIn = async (lake: LocalLake) => (await listLandingBatches(lake)).map((b) => b.manifest);
const fast = { retryBaseMs: 20, maxBackoffMs: 50 };

function landedIds(lakeDir: string): string[] {
  const ids: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl.gz')) {
        for (const line of gunzipSync(readFileSync(p)).toString().split('\n').filter(Boolean)) {
          for (const post of JSON.parse(line).response.data ?? []) ids.push(post.id);
        }
      }
    }
  };
  walk(path.join(lakeDir, 'lake', 'landing'));
  return ids;
}

/** The ids of the posts a landing batch holds (its parts' `data`). */
function batchIds(wsDir: string, manifest: LandingManifest): string[] {
  return manifest.parts.flatMap((part) =>
    gunzipSync(readFileSync(path.join(wsDir, 'lake', part.key)))
      .toString()
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => (JSON.parse(line).response.data ?? []).map((p: { id: string }) => p.id)),
  );
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

describe('collect (recent search)', () => {
  let em: RunningEmulator;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 3 });
  });
  after(() => em.close());

  it('lands a query once when two collects of it run at once: the second is refused, naming the first', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const settings = ws.settings(em.url);
      const [a, b] = await Promise.allSettled([
        collect(settings, lake, { queries: [QUERY] }),
        collect(settings, lake, { queries: [QUERY] }),
      ]);
      const done = [a, b].filter((r) => r.status === 'fulfilled');
      const refused = [a, b].filter((r) => r.status === 'rejected');
      assert.equal(done.length, 1);
      assert.equal(refused.length, 1);
      const error = (refused[0] as PromiseRejectedResult).reason as Error;
      assert.ok(error instanceof BusyError, String(error));
      assert.match(error.message, /^collect "#AI OR #data": another tweetpipe process is running it \(pid /);
      const posts = (done[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof collect>>>).value.posts;
      assert.ok(posts > 1000);
      const ids = landedIds(ws.dir);
      assert.equal(ids.length, posts, 'every page landed once');
      assert.equal((await manifestsIn(lake)).length, 1);
      // The lease went with the first run: the next one runs (and finds nothing new).
      assert.equal((await collect(settings, lake, { queries: [QUERY] })).posts, 0);
      assert.deepEqual(await lake.list('_state/leases/'), []);
    } finally {
      ws.remove();
    }
  });

  it('lands gzip JSONL with a manifest written last, then only newer posts on the next run', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const settings = ws.settings(em.url);
      const first = await collect(settings, lake, { queries: [QUERY] });
      assert.ok(first.posts > 1000 && first.pages > 10);
      const manifestKey = (await lake.list('landing/')).find((o) => o.key.endsWith('_manifest.json'))!.key;
      const manifest = (await getJson<LandingManifest>(lake, manifestKey))!;
      assert.equal(manifest.posts, first.posts);
      assert.equal(manifest.parts.length, first.pages);
      const line = JSON.parse(
        gunzipSync((await lake.get(manifest.parts[0]!.key))!)
          .toString()
          .split('\n')[0]!,
      );
      assert.equal(line.endpoint, '/2/tweets/search/recent');
      assert.equal(line.query, QUERY);
      assert.ok(line.request_url.startsWith(em.url) && !line.request_url.includes('test-bearer'));
      assert.ok(line.response.meta.newest_id);
      assert.equal(new Set(landedIds(ws.dir)).size, first.posts);

      const second = await collect(settings, lake, { queries: [QUERY] });
      assert.equal(second.posts, 0, 'nothing new with a frozen clock');
      const cp = await loadCheckpoint(lake, 'search_recent', QUERY);
      assert.equal(cp.since_id, manifest.newest_id);
      assert.equal(cp.open, null);
    } finally {
      ws.remove();
    }
  });

  it('resumes an interrupted pagination from its saved next_token: nothing lost, nothing twice', async () => {
    const whole = tempWorkspace();
    const broken = tempWorkspace();
    try {
      await collect(whole.settings(em.url), new LocalLake(whole.lakeUri), { queries: [QUERY] });
      const lake = new LocalLake(broken.lakeUri);
      const settings = broken.settings(em.url);
      // Three pages land, then the API fails more often than the client retries.
      em.injectFaults(
        { kind: 'pass' },
        { kind: 'pass' },
        { kind: 'pass' },
        { kind: 'status', status: 503 },
        { kind: 'status', status: 503 },
      );
      await assert.rejects(
        collect(settings, lake, { queries: [QUERY], client: { ...fast, maxAttempts: 2 } }),
        RetryableError,
      );
      const cp = await loadCheckpoint(lake, 'search_recent', QUERY);
      assert.equal(cp.open?.pages, 3);
      assert.ok(cp.open?.next_token);
      assert.equal(
        (await lake.list('landing/')).filter((o) => o.key.endsWith('_manifest.json')).length,
        0,
        'no manifest yet',
      );
      const progress = recordingProgress();
      const resumed = await collect(settings, lake, { queries: [QUERY], progress });
      assert.ok(resumed.queries[0]!.resumed);
      assert.ok(progress.lines.some((l) => l.includes('resuming batch')));
      const a = landedIds(whole.dir).sort();
      const b = landedIds(broken.dir).sort();
      assert.deepEqual(b, a);
      assert.equal(new Set(b).size, b.length);
    } finally {
      whole.remove();
      broken.remove();
    }
  });

  it('splits a long pagination into batches of bounded size, and never adds to a batch committed before a crash', async () => {
    const whole = tempWorkspace();
    const split = tempWorkspace();
    const crashed = tempWorkspace();
    try {
      const all = await collect(whole.settings(em.url), new LocalLake(whole.lakeUri), { queries: [QUERY] });
      const expected = landedIds(whole.dir).sort();
      const wholeCp = await loadCheckpoint(new LocalLake(whole.lakeUri), 'search_recent', QUERY);

      const lake = new LocalLake(split.lakeUri);
      const progress = recordingProgress();
      const first = await collect(split.settings(em.url), lake, {
        queries: [QUERY],
        maxBatchPosts: 500,
        progress,
      });
      const q = first.queries[0]!;
      assert.equal(first.posts, all.posts);
      assert.equal(q.batches.length, Math.ceil(all.posts / 500), 'pages of 100 posts: a batch every 500');
      assert.equal(q.batchId, q.batches.at(-1));
      const manifests = await manifestsIn(lake);
      assert.deepEqual(manifests.map((m) => m.batch_id).sort(), [...q.batches].sort());
      for (const m of manifests)
        assert.ok(m.posts <= 500 && m.parts.length === m.pages, `${m.batch_id}: ${m.posts}`);
      assert.deepEqual(landedIds(split.dir).sort(), expected, 'every post once across the batches');
      const cp = await loadCheckpoint(lake, 'search_recent', QUERY);
      assert.equal(cp.since_id, wholeCp.since_id, 'since_id advances once the whole pagination is landed');
      assert.equal(cp.resume ?? null, null);
      assert.ok(progress.lines.some((l) => l.includes('the pagination goes on in a new batch')));
      assert.equal(
        (await collect(split.settings(em.url), lake, { queries: [QUERY], maxBatchPosts: 500 })).posts,
        0,
      );

      // The run dies right after a batch's manifest is written, before the checkpoint records it.
      await assert.rejects(
        collect(crashed.settings(em.url), new LakeStoppingAfterManifests(crashed.lakeUri, 1), {
          queries: [QUERY],
          maxBatchPosts: 500,
        }),
        /killed/,
      );
      const crashedLake = new LocalLake(crashed.lakeUri);
      const [committed] = await manifestsIn(crashedLake);
      assert.equal(
        (await loadCheckpoint(crashedLake, 'search_recent', QUERY)).open?.batch_id,
        committed!.batch_id,
      );
      const rerun = await collect(crashed.settings(em.url), crashedLake, {
        queries: [QUERY],
        maxBatchPosts: 500,
      });
      assert.ok(!rerun.queries[0]!.batches.includes(committed!.batch_id));
      const after = await manifestsIn(crashedLake);
      assert.deepEqual(
        after.find((m) => m.batch_id === committed!.batch_id),
        committed,
        'the committed batch is left as it was',
      );
      assert.deepEqual(landedIds(crashed.dir).sort(), expected);
    } finally {
      whole.remove();
      split.remove();
      crashed.remove();
    }
  });

  it('retries 5xx and dropped connections with backoff', async () => {
    const ws = tempWorkspace();
    try {
      em.injectFaults(
        { kind: 'status', status: 503 },
        { kind: 'drop' },
        { kind: 'truncate' },
        { kind: 'status', status: 500 },
      );
      const progress = recordingProgress();
      const result = await collect(ws.settings(em.url), new LocalLake(ws.lakeUri), {
        queries: ['#python'],
        client: fast,
        progress,
      });
      assert.ok(result.posts > 0);
      assert.equal(progress.lines.filter((l) => /retry \d/.test(l)).length, 4);
    } finally {
      ws.remove();
    }
  });

  it('an API it cannot reach: retried, then an error naming the address and the cause', async () => {
    const port = await freePort(); // nothing listens on it
    const ws = tempWorkspace();
    try {
      const progress = recordingProgress();
      await assert.rejects(
        collect(ws.settings(`http://127.0.0.1:${port}`), new LocalLake(ws.lakeUri), {
          queries: ['#python'],
          client: fast,
          progress,
        }),
        (error: Error) => {
          assert.ok(error instanceof RetryableError);
          assert.equal(
            error.message,
            `X API request to http://127.0.0.1:${port} failed 6 times (last: network error (ECONNREFUSED)); ` +
              'check TWEETPIPE_X_API_URL and the network, or try again later.',
          );
          return true;
        },
      );
      const retries = progress.lines.filter((l) =>
        /^network error \(ECONNREFUSED\); retry \d\/5 in /.test(l),
      );
      assert.equal(retries.length, 5);
    } finally {
      ws.remove();
    }
  });

  it('waits for the rate-limit reset on 429, showing a countdown', async () => {
    const ws = tempWorkspace();
    try {
      em.injectFaults({ kind: 'rate-limit', resetInSeconds: 1 });
      const progress = recordingProgress();
      const started = Date.now();
      const result = await collect(ws.settings(em.url), new LocalLake(ws.lakeUri), {
        queries: ['#python'],
        progress,
      });
      assert.ok(result.posts > 0);
      assert.ok(Date.now() - started >= 900, 'it waited for the reset');
      assert.ok(progress.lines.some((l) => l.startsWith('429 Too Many Requests: waiting')));
      assert.ok(progress.lines.some((l) => l.includes('resuming in')));
    } finally {
      ws.remove();
    }
  });

  it('paces requests from the headers so a tight limit never draws a 429', async () => {
    const tight = await startEmulator({ now: NOW, seed: 3, rateLimit: { limit: 4, windowMs: 1500 } });
    const ws = tempWorkspace();
    try {
      const result = await collect(ws.settings(tight.url), new LocalLake(ws.lakeUri), {
        queries: ['#AI'],
        maxPosts: 900,
      });
      assert.ok(result.pages >= 9);
      assert.deepEqual(
        tight.requests.filter((r) => r.status === 429),
        [],
      );
    } finally {
      ws.remove();
      await tight.close();
    }
  });

  it('stops on 401 with a clear message, and the token appears in no file or error', async () => {
    const strict = await startEmulator({ now: NOW, acceptTokens: ['the-right-token'] });
    const ws = tempWorkspace();
    try {
      const token = 'a-wrong-but-secret-token-XYZ';
      const settings = { ...ws.settings(strict.url), bearerToken: new Secret(token) };
      const error = await collect(settings, new LocalLake(ws.lakeUri), { queries: ['#AI'] }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof AuthError);
      assert.match(error.message, /401 Unauthorized.*X_BEARER_TOKEN/);
      assert.ok(!error.message.includes(token) && !String(error.stack).includes(token));
      assert.equal(JSON.stringify(settings).includes(token), false);
      const ok = { ...ws.settings(strict.url), bearerToken: new Secret('the-right-token') };
      await collect(ok, new LocalLake(ws.lakeUri), { queries: ['#AI'], maxPosts: 200 });
      for (const file of allFiles(ws.dir)) {
        const bytes = readFileSync(file);
        const text = file.endsWith('.gz') ? gunzipSync(bytes).toString() : bytes.toString();
        assert.ok(!text.includes('the-right-token'), `token leaked into ${file}`);
      }
    } finally {
      ws.remove();
      await strict.close();
    }
  });

  it('starts afresh from the 7-day window when the saved since_id has become too old', async () => {
    let now = Date.parse(NOW);
    const live = await startEmulator({ seed: 3, clock: () => now });
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const settings = ws.settings(live.url);
      await collect(settings, lake, { queries: ['#python'] });
      now += 8 * 24 * 3600_000;
      const progress = recordingProgress();
      const later = await collect(settings, lake, { queries: ['#python'], progress });
      assert.ok(progress.lines.some((l) => l.includes('older than the endpoint allows')));
      assert.ok(later.posts > 100, 'the whole current window was collected');
      assert.equal(live.requests.filter((r) => r.status === 400).length, 1);
    } finally {
      ws.remove();
      await live.close();
    }
  });

  it('shares --max-posts among the sources, so a busy first query does not starve the others', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const run = () => collect(ws.settings(em.url), lake, { queries: ['#AI', '#data'], maxPosts: 150 });
      // Each query matches hundreds of posts: 75 each (a page of 75), on this run and the next.
      for (let i = 0; i < 2; i++) {
        const result = await run();
        assert.deepEqual(
          result.queries.map((q) => q.posts),
          [75, 75],
        );
        assert.equal(result.stoppedBy, 'max-posts');
      }
      // Nothing landed twice: the next run goes on with each pagination where it stopped.
      // (a post can match both queries, so each query's posts are told apart by their batches)
      for (const query of ['#AI', '#data']) {
        const ids = (await manifestsIn(lake))
          .filter((m) => m.query === query)
          .flatMap((m) => batchIds(ws.dir, m));
        assert.equal(ids.length, 150, query);
        assert.equal(new Set(ids).size, 150, query);
      }
      // A source with fewer new posts than its share leaves the rest to the sources after it.
      const few = await collect(ws.settings(em.url), lake, {
        queries: ['"zzqx matches nothing"', '#data'],
        maxPosts: 150,
      });
      assert.deepEqual(
        few.queries.map((q) => q.posts),
        [0, 150],
      );
    } finally {
      ws.remove();
    }
  });

  it('shares --max-cost-usd among the sources too', async () => {
    const ws = tempWorkspace();
    try {
      const result = await collect(ws.settings(em.url), new LocalLake(ws.lakeUri), {
        queries: ['#AI', '#data'],
        maxCostUsd: 4,
      });
      const [ai, data] = result.queries;
      assert.ok(ai!.posts >= 30 && data!.posts >= 30, JSON.stringify(result.queries.map((q) => q.posts)));
      assert.ok(ai!.spentUsd <= 2 + 1e-9, `${ai!.spentUsd}`);
      assert.ok(result.spentUsd <= 4 + 1e-9, `${result.spentUsd}`);
      assert.equal(result.stoppedBy, 'max-cost-usd');
    } finally {
      ws.remove();
    }
  });

  it('gives what the sources after it left to a source its share stopped, in the same run', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      // The first run takes "#data" to its end, so on the second it has nothing new.
      await collect(ws.settings(em.url), lake, { queries: ['#data'], maxPosts: 10_000 });
      const progress = recordingProgress();
      const result = await collect(ws.settings(em.url), lake, {
        queries: ['#AI', '#data'],
        maxPosts: 150,
        progress,
      });
      // "#AI" gets 75 first, "#data" nothing new, then "#AI" the other 75, in the same batch.
      assert.deepEqual(
        result.queries.map((q) => [q.posts, q.pages, q.batches.length, q.resumed]),
        [
          [150, 2, 1, false],
          [0, 1, 0, false],
        ],
      );
      const batches = (await manifestsIn(lake)).filter((m) => m.query === '#AI');
      assert.deepEqual(
        batches.map((m) => m.posts),
        [150],
      );
      assert.equal(new Set(batchIds(ws.dir, batches[0]!)).size, 150);
      assert.ok(
        !progress.lines.some((l) => /the last run left unfinished|resuming batch/.test(l)),
        progress.lines.join('\n'),
      );
    } finally {
      ws.remove();
    }
  });
});
