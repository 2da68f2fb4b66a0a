import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TABLES } from '../schema/tables.js';
import { BatchFlattener } from './flatten-batch.js';

const col = (name: string) => TABLES.tweets.columns.findIndex(([c]) => c === name);
const line = (retrievedAt: string, response: unknown) =>
  JSON.stringify({
    retrieved_at: retrievedAt,
    endpoint: 'x',
    query: 'q',
    request_url: 'u',
    status: 200,
    response,
  });

describe('BatchFlattener', () => {
  it('uses note_tweet text and entities, decodes HTML entities, marks references', () => {
    const f = new BatchFlattener('b1');
    f.addLine(
      line('2026-11-20T10:00:00Z', {
        data: [
          {
            id: '100',
            text: 'short &amp; cut…',
            created_at: '2026-11-19T08:00:00.000Z',
            author_id: '7',
            lang: 'und',
            entities: { hashtags: [{ start: 0, end: 2, tag: 'no' }] },
            note_tweet: {
              text: 'long &amp; full #Tag 😀 $BTC',
              entities: {
                hashtags: [{ start: 13, end: 17, tag: 'Tag' }],
                cashtags: [{ start: 20, end: 24, tag: 'BTC' }],
              },
            },
            referenced_tweets: [{ type: 'quoted', id: '99' }],
            edit_history_tweet_ids: ['98', '100'],
          },
        ],
        includes: { tweets: [{ id: '99', text: 'quoted', created_at: '2026-11-18T08:00:00.000Z' }] },
      }),
      'p0',
      1,
    );
    const rows = f.finish();
    const post = rows.tweets.find((r) => r[0] === '100')!;
    assert.equal(post[col('text')], 'long & full #Tag 😀 $BTC');
    assert.equal(post[col('lang')], null);
    assert.equal(post[col('is_quote')], true);
    assert.equal(post[col('quoted_tweet_id')], '99');
    assert.equal(post[col('is_edited')], true);
    assert.equal(post[col('latest_version_id')], '100');
    assert.equal(post[col('created_date')], '2026-11-19');
    assert.equal(post[col('collected_via')], 'match');
    assert.deepEqual(rows.tweet_hashtags, [['100', 'Tag', 'tag', 12, 16, '2026-11-19']]);
    assert.deepEqual(rows.tweet_cashtags, [['100', 'BTC', 'btc', 19, 23, '2026-11-19']]);
    assert.equal(rows.tweets.find((r) => r[0] === '99')![col('collected_via')], 'reference');
  });

  it('keeps the latest retrieval of a post, and match wins over reference', () => {
    const f = new BatchFlattener('b1');
    f.addLine(
      line('2026-11-20T10:00:00Z', { data: [{ id: '5', text: 'a', public_metrics: { like_count: 9 } }] }),
      'p0',
      1,
    );
    f.addLine(
      line('2026-11-20T09:00:00Z', { data: [{ id: '5', text: 'a', public_metrics: { like_count: 1 } }] }),
      'p1',
      1,
    );
    f.addLine(
      line('2026-11-20T11:00:00Z', {
        data: [],
        includes: { tweets: [{ id: '5', text: 'a', public_metrics: { like_count: 12 } }] },
      }),
      'p2',
      1,
    );
    const rows = f.finish();
    assert.equal(rows.tweets.length, 1);
    assert.equal(rows.tweets[0]![col('like_count')], 12);
    assert.equal(rows.tweets[0]![col('collected_via')], 'match');
    assert.equal(rows.tweets[0]![col('retrieved_at')], '2026-11-20T11:00:00.000Z');
    assert.deepEqual([f.stats.posts_read, f.stats.posts_written, f.stats.posts_duplicate], [3, 1, 2]);
  });

  it('quarantines bad lines and posts with their reason and keeps the rest', () => {
    const f = new BatchFlattener('b1');
    f.addLine('{not json', 'p0', 1);
    f.addLine(
      line('2026-11-20T10:00:00Z', {
        data: [
          { text: 'no id' },
          { id: '12x', text: 'bad id' },
          { id: '99999999999999999999', text: 'too big' },
          { id: '1', text: 'ok' },
        ],
        errors: [{ title: 'Not Found Error' }],
      }),
      'p0',
      2,
    );
    const rows = f.finish();
    assert.deepEqual(
      rows.tweets.map((r) => r[0]),
      ['1'],
    );
    assert.deepEqual(
      f.quarantine.map((q) => [q.line, q.reason.split(':')[0]]),
      [
        [1, 'line is not valid JSON'],
        [2, 'post without id'],
        [2, 'id "12x" is not a decimal 64-bit integer'],
        [2, 'id "99999999999999999999" is not a decimal 64-bit integer'],
      ],
    );
    assert.equal(f.stats.partial_errors, 1);
    assert.equal(
      f.stats.posts_read,
      f.stats.posts_written + f.stats.posts_quarantined + f.stats.posts_duplicate,
    );
  });

  it('derives created_at from the snowflake ID when the field was not requested', () => {
    const f = new BatchFlattener('b1');
    f.addLine(line('2026-11-20T10:00:00Z', { data: [{ id: '2123747899645166210', text: 'x' }] }), 'p0', 1);
    assert.equal(f.finish().tweets[0]![col('created_at')], '2026-11-20T11:58:51.260Z');
  });
});
