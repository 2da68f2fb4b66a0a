import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CorpusPost, corpusMatches, type RunningEmulator, startEmulator } from './index.js';

const NOW = '2026-11-20T12:00:00.000Z';
// biome-ignore lint/suspicious/noExplicitAny: API responses are untrusted JSON, checked field by field.
type Json = Record<string, any>;

async function get(em: RunningEmulator, params: Record<string, string>, token: string | null = 'test') {
  const res = await fetch(`${em.url}/2/tweets/search/recent?${new URLSearchParams(params)}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { res, body: (await res.json()) as Json };
}

/** Every post of the corpus in the recent window that matches `query`, newest first. */
function expected(em: RunningEmulator, query: string): CorpusPost[] {
  return corpusMatches(em.corpus, query, em.clock());
}

describe('X API emulator: GET /2/tweets/search/recent', () => {
  let em: RunningEmulator;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 7 });
  });
  after(() => em.close());

  it('refuses requests without a bearer token with 401 problem+json', async () => {
    const { res, body } = await get(em, { query: 'data' }, null);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(body.title, 'Unauthorized');
  });

  it('validates max_results, fields, parameters and queries with 400 problem+json', async () => {
    for (const params of [
      { query: 'data', max_results: '9' },
      { query: 'data', max_results: '101' },
      { query: 'data', 'tweet.fields': 'nope' },
      { query: 'data', bogus: '1' },
      { query: '(data' },
      { query: 'is:retweet' },
      { query: 'data', start_time: '2026-11-01T00:00:00Z' },
      { query: 'data', end_time: NOW },
      { query: 'data', since_id: '1' },
    ] as Record<string, string>[]) {
      const { res, body } = await get(em, params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.equal(body.title, 'Invalid Request');
      assert.ok(body.errors[0].message.length > 0);
    }
  });

  it('refuses a start_time or end_time on a day that does not exist, as X does (not rolled over)', async () => {
    for (const [param, value] of [
      ['start_time', '2026-11-31T00:00:00Z'],
      ['end_time', '2026-02-30T00:00:00Z'],
      ['start_time', '2026-11-19T24:00:00Z'],
    ] as const) {
      const { res, body } = await get(em, { query: 'data', [param]: value });
      assert.equal(res.status, 400, `${param}=${value}`);
      assert.match(body.errors[0].message, new RegExp(`'${param}' must be a valid ISO 8601 timestamp`));
    }
  });

  it('pages through every match exactly once, newest first, with consistent meta', async () => {
    const query = '#AI OR (climate -is:retweet)';
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const { res, body } = await get(em, {
        query,
        max_results: '100',
        ...(token ? { next_token: token } : {}),
      });
      assert.equal(res.status, 200);
      const ids = body.data.map((p: Json) => p.id);
      assert.equal(body.meta.result_count, ids.length);
      assert.equal(body.meta.newest_id, ids[0]);
      assert.equal(body.meta.oldest_id, ids[ids.length - 1]);
      seen.push(...ids);
      token = body.meta.next_token;
    } while (token);
    const want = expected(em, query).map((p) => p.id);
    assert.ok(want.length > 500, `a meaningful corpus (${want.length})`);
    assert.deepEqual(seen, want);
    assert.equal(new Set(seen).size, seen.length);
    const sorted = [...seen].sort((a, b) => (BigInt(a) > BigInt(b) ? -1 : 1));
    assert.deepEqual(seen, sorted);
  });

  it('returns only the default fields unless more are requested', async () => {
    const { body } = await get(em, { query: 'data' });
    assert.equal(body.data.length, 10);
    for (const p of body.data)
      assert.deepEqual(Object.keys(p).sort(), ['edit_history_tweet_ids', 'id', 'text']);
    assert.equal(body.includes, undefined);
  });

  it('honours tweet.fields, user.fields and expansions', async () => {
    const { body } = await get(em, {
      query: '#AI',
      max_results: '100',
      'tweet.fields': 'created_at,author_id,lang,referenced_tweets,attachments,geo',
      'user.fields': 'created_at',
      'media.fields': 'width',
      'place.fields': 'country_code',
      expansions: 'author_id,referenced_tweets.id,attachments.media_keys,geo.place_id',
    });
    const users = new Set(body.includes.users.map((u: Json) => u.id));
    for (const p of body.data) {
      assert.ok(users.has(p.author_id), 'every author is expanded');
      assert.ok(!('public_metrics' in p) && !('entities' in p), 'unrequested fields are absent');
    }
    for (const u of body.includes.users)
      assert.deepEqual(Object.keys(u).sort(), ['created_at', 'id', 'name', 'username']);
    const mediaKeys = new Set(body.includes.media.map((m: Json) => m.media_key));
    for (const p of body.data) for (const k of p.attachments?.media_keys ?? []) assert.ok(mediaKeys.has(k));
    for (const m of body.includes.media)
      assert.deepEqual(Object.keys(m).sort(), ['media_key', 'type', 'width']);
    assert.ok(body.includes.tweets.length > 0);
  });

  it('reports deleted referenced posts as partial errors beside data', async () => {
    let found: Json | undefined;
    let token: string | undefined;
    do {
      const { body } = await get(em, {
        query: 'is:reply data OR #AI OR climate',
        max_results: '100',
        expansions: 'referenced_tweets.id',
        ...(token ? { next_token: token } : {}),
      });
      if (body.errors) found = body;
      token = body.meta.next_token;
    } while (token && !found);
    assert.ok(found, 'some page has a partial error');
    assert.equal(found.errors[0].title, 'Not Found Error');
    assert.equal(found.errors[0].parameter, 'referenced_tweets.id');
    assert.ok(Array.isArray(found.data));
  });

  it('gives entity offsets in code points of the unescaped text, note_tweet for long posts', async () => {
    const { body } = await get(em, {
      query: '#AI OR #data',
      max_results: '100',
      'tweet.fields': 'entities,note_tweet',
    });
    let checked = 0;
    let notes = 0;
    for (const p of body.data) {
      const source = p.note_tweet ?? p;
      if (p.note_tweet) notes++;
      const chars = [...source.text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')];
      for (const h of source.entities?.hashtags ?? []) {
        assert.equal(chars.slice(h.start, h.end).join(''), `#${h.tag}`);
        checked++;
      }
      for (const m of source.entities?.mentions ?? [])
        assert.equal(chars.slice(m.start, m.end).join(''), `@${m.username}`);
    }
    assert.ok(checked > 50);
    assert.ok(notes > 0, 'long posts carry note_tweet');
  });

  it('applies operators: from:, lang:, -is:retweet, has:media, quoted phrases', async () => {
    const fields = {
      'tweet.fields': 'author_id,lang,referenced_tweets,attachments',
      expansions: 'author_id',
      max_results: '100',
    };
    const author = expected(em, '#AI')[0]!.author;
    const from = await get(em, { query: `from:${author.username}`, ...fields });
    assert.ok(from.body.data.every((p: Json) => p.author_id === author.id));
    const ja = await get(em, { query: '#AI lang:ja', ...fields });
    assert.ok(ja.body.data.every((p: Json) => p.lang === 'ja'));
    const noRt = await get(em, { query: '#AI -is:retweet', ...fields });
    assert.ok(
      noRt.body.data.every(
        (p: Json) => !(p.referenced_tweets ?? []).some((r: Json) => r.type === 'retweeted'),
      ),
    );
    const media = await get(em, { query: '#AI has:media', ...fields });
    assert.ok(
      media.body.data.length > 0 && media.body.data.every((p: Json) => p.attachments?.media_keys?.length > 0),
    );
    const phrase = await get(em, {
      query: '"open source"',
      max_results: '100',
      'tweet.fields': 'note_tweet',
    });
    assert.ok(phrase.body.data.length > 0);
    for (const p of phrase.body.data) {
      const words = (p.note_tweet?.text ?? p.text)
        .replace(/&(amp|lt|gt);/g, ' ')
        .toLowerCase()
        .split(/[^\p{L}\p{N}_@#$']+/u)
        .filter(Boolean);
      assert.match(` ${words.join(' ')} `, / open source /);
    }
  });

  it('honours since_id, until_id, start_time and end_time', async () => {
    const all = expected(em, '#data');
    const pivot = all[20]!;
    const since = await get(em, { query: '#data', since_id: pivot.id, max_results: '100' });
    assert.deepEqual(
      since.body.data.map((p: Json) => p.id),
      all.slice(0, 20).map((p) => p.id),
    );
    const until = await get(em, { query: '#data', until_id: pivot.id, max_results: '10' });
    assert.deepEqual(
      until.body.data.map((p: Json) => p.id),
      all.slice(21, 31).map((p) => p.id),
    );
    const end = new Date(pivot.createdMs).toISOString();
    const start = new Date(all[40]!.createdMs).toISOString();
    const window = await get(em, { query: '#data', start_time: start, end_time: end, max_results: '100' });
    assert.deepEqual(
      window.body.data.map((p: Json) => p.id),
      all.slice(21, 41).map((p) => p.id),
    );
  });

  it('grows the corpus as its clock advances', async () => {
    let now = Date.parse(NOW);
    const live = await startEmulator({ seed: 7, clock: () => now });
    try {
      const first = await get(live, { query: '#AI', max_results: '10' });
      now += 6 * 3600_000;
      const later = await get(live, {
        query: '#AI',
        max_results: '100',
        since_id: first.body.meta.newest_id,
      });
      assert.ok(later.body.meta.result_count > 0, 'new posts appeared');
      assert.ok(BigInt(later.body.meta.oldest_id) > BigInt(first.body.meta.newest_id));
    } finally {
      await live.close();
    }
  });

  it('sends rate-limit headers and 429 beyond the window', async () => {
    const limited = await startEmulator({ now: NOW, rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        const { res } = await get(limited, { query: 'data' });
        statuses.push(res.status);
        last = res;
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal(last!.headers.get('x-rate-limit-limit'), '3');
      assert.equal(last!.headers.get('x-rate-limit-remaining'), '0');
      assert.ok(Number(last!.headers.get('x-rate-limit-reset')) > Date.now() / 1000);
      assert.equal(last!.headers.get('content-type'), 'application/problem+json');
    } finally {
      await limited.close();
    }
  });

  it('is deterministic for a seed', async () => {
    const other = await startEmulator({ now: NOW, seed: 7 });
    try {
      const a = await get(em, { query: '#AI', max_results: '50', 'tweet.fields': 'entities,public_metrics' });
      const b = await get(other, {
        query: '#AI',
        max_results: '50',
        'tweet.fields': 'entities,public_metrics',
      });
      assert.deepEqual(a.body, b.body);
    } finally {
      await other.close();
    }
  });
});
