import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { corpusMatches, parseFaults, type RunningEmulator, startEmulator } from './index.js';

const NOW = '2026-11-20T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
// biome-ignore lint/suspicious/noExplicitAny: API responses are untrusted JSON, checked field by field.
type Json = Record<string, any>;

async function call(
  em: RunningEmulator,
  path: string,
  params: Record<string, string> = {},
  init: RequestInit = {},
) {
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(`${em.url}${path}${qs ? `?${qs}` : ''}`, {
    ...init,
    headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
  });
  return { res, body: (await res.json()) as Json };
}

describe('X API emulator: every endpoint tweetpipe uses', () => {
  let em: RunningEmulator;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 21, rateLimit: { limit: 1000, windowMs: 60_000 } });
  });
  after(() => em.close());

  it('full-archive search: 10–500 per page, start_time from 2006-03-21, 30 days by default, 1 request per second', async () => {
    const pause = () => new Promise((r) => setTimeout(r, 1100));
    assert.equal(
      (await call(em, '/2/tweets/search/all', { query: 'data', max_results: '501' })).res.status,
      400,
    );
    await pause();
    const old = await call(em, '/2/tweets/search/all', { query: 'data', start_time: '2006-01-01T00:00:00Z' });
    assert.equal(old.res.status, 400);
    assert.match(old.body.errors[0].message, /start_time/);
    await pause();
    const page = await call(em, '/2/tweets/search/all', { query: 'data', max_results: '500' });
    assert.equal(page.res.status, 200);
    assert.equal(page.body.data.length, 500);
    const truth = corpusMatches(em.corpus, 'data', NOW_MS, NOW_MS - 30 * 86_400_000);
    assert.deepEqual(
      page.body.data.map((p: Json) => p.id),
      truth.slice(0, 500).map((p) => p.id),
    );
    await pause();
    const small = { query: 'data', max_results: '10', start_time: '2026-11-19T00:00:00Z' };
    assert.equal((await call(em, '/2/tweets/search/all', small)).res.status, 200);
    const tooSoon = await call(em, '/2/tweets/search/all', small);
    assert.equal(tooSoon.res.status, 429, 'a second request within the same second');
  });

  it('counts: per day/hour/minute, totals equal to what search returns; /all pages by 31 days', async () => {
    const recent = await call(em, '/2/tweets/counts/recent', { query: '#AI', granularity: 'day' });
    assert.equal(recent.res.status, 200);
    assert.equal(recent.body.meta.total_tweet_count, corpusMatches(em.corpus, '#AI', NOW_MS).length);
    assert.equal(
      recent.body.data.reduce((n: number, b: Json) => n + b.tweet_count, 0),
      recent.body.meta.total_tweet_count,
    );
    assert.equal(recent.body.data.length, 8, '7 days span 8 calendar days');
    assert.equal(
      (await call(em, '/2/tweets/counts/recent', { query: '#AI', granularity: 'week' })).res.status,
      400,
    );
    const hourly = await call(em, '/2/tweets/counts/recent', { query: '#AI' });
    assert.ok(hourly.body.data.length >= 168);
    await new Promise((r) => setTimeout(r, 1100));
    const all = await call(em, '/2/tweets/counts/all', {
      query: '#AI',
      granularity: 'day',
      start_time: '2026-08-01T00:00:00Z',
      end_time: '2026-11-01T00:00:00Z',
    });
    assert.equal(all.res.status, 200);
    assert.equal(all.body.data.length, 31);
    assert.ok(all.body.meta.next_token);
  });

  it('post look-up: up to 100 IDs, missing and deleted ones as partial errors', async () => {
    const ids = corpusMatches(em.corpus, 'the', NOW_MS)
      .slice(0, 3)
      .map((p) => p.id);
    const r = await call(em, '/2/tweets', {
      ids: [...ids, '1234567890123456789'].join(','),
      'tweet.fields': 'author_id',
    });
    assert.deepEqual(
      r.body.data.map((p: Json) => p.id),
      ids,
    );
    assert.equal(r.body.errors[0].resource_id, '1234567890123456789');
    assert.equal(r.body.errors[0].type, 'https://api.twitter.com/2/problems/resource-not-found');
    const many = Array.from({ length: 101 }, (_, i) => String(1000 + i)).join(',');
    assert.equal((await call(em, '/2/tweets', { ids: many })).res.status, 400);
    assert.equal((await call(em, '/2/tweets', { ids: 'abc' })).res.status, 400);
  });

  it('users and timelines: look-up by username, 5–100 per page, exclude=retweets, unknown users as errors', async () => {
    const user = em.corpus.user(2);
    const byName = await call(em, `/2/users/by/username/${user.username.toUpperCase()}`, {
      'user.fields': 'created_at',
    });
    assert.equal(byName.body.data.id, user.id);
    assert.equal(byName.body.data.created_at, user.created_at);
    assert.equal((await call(em, '/2/users/by/username/bad-name!')).res.status, 400);
    assert.equal((await call(em, '/2/users/by/username/nobody_here')).body.errors[0].resource_type, 'user');
    assert.equal((await call(em, `/2/users/${user.id}/tweets`, { max_results: '4' })).res.status, 400);
    const t = await call(em, `/2/users/${user.id}/tweets`, {
      max_results: '100',
      exclude: 'retweets',
      'tweet.fields': 'author_id,referenced_tweets',
    });
    assert.equal(t.body.data.length, 100);
    assert.ok(t.body.data.every((p: Json) => p.author_id === user.id));
    assert.ok(
      t.body.data.every((p: Json) => !p.referenced_tweets?.some((r: Json) => r.type === 'retweeted')),
    );
    assert.ok(t.body.meta.next_token);
    const next = await call(em, `/2/users/${user.id}/tweets`, {
      max_results: '100',
      pagination_token: t.body.meta.next_token,
    });
    assert.ok(BigInt(next.body.data[0].id) < BigInt(t.body.data.at(-1).id));
    assert.equal((await call(em, '/2/users/99/tweets')).body.errors[0].resource_type, 'user');
  });

  it('stream rules: add with tags, duplicates and bad syntax refused with reasons, dry_run, delete by id', async () => {
    const rules = '/2/tweets/search/stream/rules';
    const add = await call(
      em,
      rules,
      {},
      {
        method: 'POST',
        body: JSON.stringify({
          add: [
            { value: 'cats', tag: 'c' },
            { value: '(broken', tag: 'b' },
          ],
        }),
      },
    );
    assert.equal(add.res.status, 201);
    assert.equal(add.body.meta.summary.created, 1);
    assert.equal(add.body.errors.length, 1);
    const dup = await call(
      em,
      rules,
      {},
      { method: 'POST', body: JSON.stringify({ add: [{ value: 'cats' }] }) },
    );
    assert.equal(dup.body.errors[0].title, 'DuplicateRule');
    const dry = await call(
      em,
      rules,
      { dry_run: 'true' },
      { method: 'POST', body: JSON.stringify({ add: [{ value: 'dogs' }] }) },
    );
    assert.equal(dry.body.meta.summary.created, 1);
    const listed = await call(em, rules);
    assert.deepEqual(
      listed.body.data.map((r: Json) => r.value),
      ['cats'],
    );
    const del = await call(
      em,
      rules,
      {},
      { method: 'POST', body: JSON.stringify({ delete: { ids: [listed.body.data[0].id] } }) },
    );
    assert.equal(del.body.meta.summary.deleted, 1);
    assert.equal((await call(em, rules)).body.meta.result_count, 0);
    assert.equal((await call(em, rules, {}, { method: 'PUT', body: '{}' })).res.status, 405);
  });

  it('stream: one connection at a time, backfill_minutes 0–5', async () => {
    const first = await fetch(`${em.url}/2/tweets/search/stream`, {
      headers: { authorization: 'Bearer test' },
    });
    assert.equal(first.status, 200);
    const second = await call(em, '/2/tweets/search/stream');
    assert.equal(second.res.status, 429);
    assert.equal(second.body.connection_issue, 'TooManyConnections');
    await first.body!.cancel();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await call(em, '/2/tweets/search/stream', { backfill_minutes: '6' })).res.status, 400);
  });

  it('fault plans: parsed from text, usage-capped answers as X does', async () => {
    const plan = parseFaults('429*2,5xx,slow:10,usage-capped,stream-drop:3,random:0.2');
    assert.deepEqual(
      plan.queue.map((f) => f.kind),
      ['rate-limit', 'rate-limit', 'status', 'slow', 'usage-capped', 'stream-drop'],
    );
    assert.equal(plan.randomRate, 0.2);
    assert.throws(() => parseFaults('explode'), /not one of/);
    em.injectFaults({ kind: 'usage-capped' });
    const capped = await call(em, '/2/tweets/search/recent', { query: 'x' });
    assert.equal(capped.res.status, 429);
    assert.equal(capped.body.type, 'https://api.twitter.com/2/problems/usage-capped');
  });
});
