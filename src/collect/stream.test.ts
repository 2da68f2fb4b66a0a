import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { recordingProgress } from '../core/progress.js';
import { matchesQuery, parseQuery, type RunningEmulator, startEmulator } from '../emulator/index.js';
import type { Lake } from '../lake/lake.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { cli, finish } from '../testing/cli-child.js';
import { tempWorkspace } from '../testing/temp-workspace.js';
import { loadCheckpoint } from './checkpoint.js';
import { stream } from './index.js';

const RULES = [
  { tag: 'ai', value: '#AI' },
  { tag: 'climate', value: 'climate OR the' },
];

async function landedMessages(
  lake: Lake,
): Promise<{ data: { id: string }; matching_rules: { tag: string }[] }[]> {
  const out = [];
  for (const o of await lake.list('landing/stream/'))
    if (o.key.endsWith('.jsonl.gz'))
      for (const line of gunzipSync((await lake.get(o.key))!)
        .toString()
        .split('\n')
        .filter(Boolean))
        out.push(JSON.parse(line).response);
  return out;
}

describe('tweetpipe stream (filtered stream)', () => {
  let em: RunningEmulator;
  before(async () => {
    // 50 posts a second on a real clock, keep-alives every 200 ms.
    em = await startEmulator({ seed: 8, slotMs: 20, streamKeepAliveMs: 200 });
  });
  after(() => em.close());

  it('syncs rules by tag, survives a dropped and a stalled connection without losing a post, lands time-rolled batches', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const post = (body: unknown) =>
        fetch(`${em.url}/2/tweets/search/stream/rules`, {
          method: 'POST',
          headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      await post({
        add: [{ value: 'stale rule', tag: 'old' }, { value: 'changed value', tag: 'ai' }, { value: '#AI' }],
      });
      // rules GET, delete, add pass; the first stream connection drops after 15 messages, the second stalls after 10.
      em.injectFaults(
        { kind: 'pass' },
        { kind: 'pass' },
        { kind: 'pass' },
        { kind: 'stream-drop', afterMessages: 15 },
        { kind: 'stream-stall', afterMessages: 10 },
      );
      const progress = recordingProgress();
      const result = await stream(ws.settings(em.url), lake, {
        rules: RULES,
        durationSeconds: 5,
        batchMessages: 25,
        batchSeconds: 3600,
        stallMs: 800,
        backoffScale: 0.01,
        progress,
      });
      assert.deepEqual(
        em.rules
          .list()
          .map((r) => `${r.tag}=${r.value}`)
          .sort(),
        RULES.map((r) => `${r.tag}=${r.value}`).sort(),
      );
      assert.deepEqual([result.rules.kept, result.rules.added, result.rules.deleted], [0, 2, 3]);
      assert.ok(
        result.reconnects >= 2,
        `reconnects: ${result.reconnects}: ${progress.lines.filter((l) => !l.includes('messages,')).join('\n')}`,
      );
      assert.ok(
        progress.lines.some((l) => l.includes('no data or keep-alive')),
        'stall detected',
      );
      assert.ok(
        progress.lines.some((l) => l.includes('backfill')),
        'reconnect asked for backfill',
      );
      const messages = await landedMessages(lake);
      assert.equal(messages.length, result.messages);
      assert.equal(result.batches.length, Math.ceil(result.messages / 25));
      // No gap: every post matching a rule between the first and the last landed one was landed.
      const ids = new Set(messages.map((m) => m.data.id));
      const times = messages.map((m) => em.corpus.postById(m.data.id)!.post.createdMs);
      assert.equal(result.stoppedBy, 'duration');
      assert.ok(messages.length > 40);
      // From the first post of the first connection (backfills may also bring older ones).
      const first = times[0]!;
      const last = Math.max(...times);
      const trees = RULES.map((r) => parseQuery(r.value));
      for (let slot = em.corpus.slotAt(first); slot <= em.corpus.slotAt(last); slot++) {
        const p = em.corpus.post(slot);
        if (p.deleted || p.createdMs < first || p.createdMs > last) continue;
        if (trees.some((t) => matchesQuery(t, p))) assert.ok(ids.has(p.id), `post ${p.id} missing`);
      }
      const cp = await loadCheckpoint(lake, 'stream', 'filtered');
      assert.ok(cp.last_landed_at && cp.last_batch?.batch_id === result.batches.at(-1));
    } finally {
      ws.remove();
    }
  });

  it('stops cleanly on a signal: the open batch is committed, nothing lost', async () => {
    const ws = tempWorkspace();
    try {
      const lake = new LocalLake(ws.lakeUri);
      const controller = new AbortController();
      const progress = recordingProgress();
      const running = stream(ws.settings(em.url), lake, {
        rules: RULES,
        batchSeconds: 3600,
        batchMessages: 10_000,
        signal: controller.signal,
        progress: {
          info: progress.info,
          update: (m) => {
            progress.update(m);
            if (/^stream: (\d+) messages/.test(m) && Number(/(\d+) messages/.exec(m)![1]) >= 12)
              controller.abort();
          },
        },
      });
      const result = await running;
      assert.equal(result.stoppedBy, 'signal');
      assert.ok(result.messages >= 12);
      assert.equal(result.batches.length, 1);
      assert.equal((await landedMessages(lake)).length, result.messages);
    } finally {
      ws.remove();
    }
  });
  it('tweetpipe stream exits cleanly on SIGTERM, committing the open batch', async () => {
    const ws = tempWorkspace();
    try {
      const child = cli(ws, em.url, ['stream', '--rule', 'words=the', '--batch-seconds', '3600']);
      const done = finish(child);
      const lake = new LocalLake(ws.lakeUri);
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal((await landedMessages(lake)).length, 0, 'nothing committed before the signal');
      child.kill('SIGTERM');
      const r = await done;
      assert.equal(r.code, 0, r.err);
      const m = /stream\s+(\d+) messages? in 1 batch.*stopped by signal/.exec(r.out);
      assert.ok(m, r.out);
      assert.equal((await landedMessages(lake)).length, Number(m[1]));
      assert.ok(Number(m[1]) > 0);
    } finally {
      ws.remove();
    }
  });
});
