import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import type { Lake } from '../lake/lake.js';

/**
 * A landing batch every line of which is well-formed (so DuckDB may flatten it) but whose values
 * test every rule where SQL and JavaScript could part: HTML entities and NFC shifting entity
 * offsets, İ and Σ, full-width tags, URL hosts beyond plain ASCII, scalars of the wrong JSON type,
 * ties in `retrieved_at`, `note_tweet`, a post without `created_at`, odd entity lists, users whose
 * fields have other shapes, URL hosts only a WHATWG parser reads right, nesting 20,000 levels deep.
 */
/** JSON nested 20,000 levels deep, objects and arrays in turn. */
export const DEEP = `${'{"a":['.repeat(10_000)}1${']}'.repeat(10_000)}`;

export async function writeTrickyLanding(lake: Lake, batchId = '20261120T130000000Z-tricky'): Promise<void> {
  const meta = (retrieved_at: string) => ({
    retrieved_at,
    endpoint: '/2/tweets/search/recent',
    query: 'tricky',
    request_url: 'http://e/tricky',
    status: 200,
  });
  const T0 = '2026-11-20T12:00:00.000Z';
  const T1 = '2026-11-20T12:00:01.5Z';
  const tag = (start: unknown, tagValue: unknown, end?: unknown) => ({ start, end, tag: tagValue });
  const url = (start: number, u: string, expanded?: unknown) => ({
    start,
    end: start + u.length,
    url: u,
    expanded_url: expanded,
    display_url: 'x.com/…',
  });
  const user = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    username: `u${id}`,
    name: `Name ${id}`,
    created_at: '2020-01-02T03:04:05.000Z',
    public_metrics: {
      followers_count: 1,
      following_count: 2,
      tweet_count: 3,
      listed_count: 4,
      like_count: 5,
    },
    ...extra,
  });
  const first = {
    data: [
      {
        id: '2123747899645166301',
        author_id: '11',
        created_at: '2026-11-20T11:00:00.000Z',
        text: 'Q&amp;A &lt;b&gt; #first then\t#second and\u00a0$TSLA @ann',
        lang: 'en',
        entities: {
          hashtags: [tag(10, 'first', 16), tag(26, 'second', 33), null, tag(1, 42), tag(3, '', 3)],
          cashtags: [tag(42, 'TSLA', 47)],
          mentions: [{ start: 52, end: 56, username: 'ann', id: '12' }],
        },
        // counters: of the wrong type (NULL), fractional (rounded half to even), too large for BIGINT (NULL)
        public_metrics: {
          like_count: '12',
          retweet_count: true,
          reply_count: 2.5,
          quote_count: 7,
          impression_count: 1e20,
          bookmark_count: -9.3e18,
        },
        edit_history_tweet_ids: ['2123747899645166300', '2123747899645166301'],
      },
      {
        id: '2123747899645166302',
        author_id: 123,
        conversation_id: '2123747899645166302',
        created_at: '2026-11-19T23:59:59Z',
        text: 'İSTANBUL ΣΟΦΙΑΣ cafe\u0301 #ＡＩ #Ünï\u0007 end\u000b\u0000 after',
        lang: 5,
        source: { app: 'x' },
        possibly_sensitive: 'true',
        reply_settings: 'everyone',
        entities: { hashtags: [tag(22, 'ＡＩ', 25), tag('26', 'Ünï', 30), tag(22, 'ＡＩ', 25)] },
        referenced_tweets: [
          { type: 'quoted', id: '2123747899645166303' },
          { type: 'quoted', id: 'x' },
          { type: 5, id: '1' },
        ],
        attachments: { media_keys: ['3_1', 7, '3_1'] },
        geo: { place_id: 'pl1' },
        edit_history_tweet_ids: ['2123747899645166302', 99],
      },
      {
        id: '2123747899645166304',
        author_id: '11',
        text: 'short',
        note_tweet: {
          text: 'A long note ✨ with https://t.co/abc and https://t.co/def and https://t.co/ghi plus more https://t.co/jkl',
          entities: {
            urls: [
              url(19, 'https://t.co/abc', 'https://bücher.example/x'),
              url(40, 'https://t.co/def', 'HTTPS://WWW.Example.COM:8080/a'),
              url(61, 'https://t.co/ghi', 'https://user@host.example/'),
              url(87, 'https://t.co/jkl', ''),
            ],
          },
        },
        public_metrics: { like_count: 1 },
      },
    ],
    includes: {
      users: [
        user('11', { public_metrics: 'lost to a later copy' }),
        user('12', { verified: 'yes', description: 'a &amp; b\u0001' }),
        user('13', { public_metrics: 7, protected: 'no', username: { nested: true }, created_at: undefined }),
        user('14', { public_metrics: [1, 2], location: ['x'] }),
      ],
      tweets: [
        {
          id: '2123747899645166303',
          author_id: '12',
          created_at: T0,
          text: 'RT @ann: quoted\u00a0 text  ΟΔΟΣ here',
        },
      ],
      media: [
        { media_key: '3_1', type: 'photo', width: '100', height: 200 },
        { media_key: 9, type: 'photo' },
        { media_key: '3_2', type: 'photo', width: 3e9, height: 3.5, duration_ms: 1e19 },
      ],
      places: [{ id: 'pl1', full_name: 'Somewhere', geo: { bbox: [1.5, '2', 3, 4] } }],
    },
    errors: [{ title: 'Not Found Error', detail: 'gone' }],
  };
  const second = {
    data: [
      {
        id: '2123747899645166304',
        author_id: '11',
        text: 'short,\tseen again\u2028at the same time',
        public_metrics: { like_count: 2 },
      },
      {
        id: '2123747899645166305',
        author_id: '12',
        created_at: '2026-11-20T10:00:00.000Z',
        text: 'urls\thttps://a.example/x\u3000http://127.0.0.1/ https://xn--bcher-kva.example/ https://a..b/ https://xn--zz.example/',
        entities: {
          urls: [
            url(5, 'https://a.example/x'),
            url(25, 'http://127.0.0.1/', ''), // an empty expanded_url is the domain's source (none)
            url(43, 'https://xn--bcher-kva.example/'),
            url(74, 'https://a..b/'),
            url(88, 'https://xn--zz.example/'),
          ],
        },
      },
      {
        // Offsets of the escaped text (`&amp;` decoded shifts them): the surfaces found once stand
        // where they are found; `#data` (also inside `#datascience`), the second `@bob` and `#DATA`
        // (only in lower case) need the nearest-occurrence search.
        id: '2123747899645166306',
        author_id: '12',
        created_at: '2026-11-20T10:30:00.000Z',
        text: 'A&amp;B &amp; #solo #datascience and #data, @bob &amp; @bob @one #data https://t.co/zz',
        entities: {
          hashtags: [
            tag(14, 'solo', 19),
            tag(20, 'datascience', 32),
            tag(37, 'data', 42),
            tag(75, 'DATA', 80),
          ],
          mentions: [
            { start: 44, end: 48, username: 'bob', id: '21' },
            { start: 55, end: 59, username: 'bob', id: '21' },
            { start: 60, end: 64, username: 'one', id: '22' },
          ],
          urls: [url(71, 'https://t.co/zz')],
        },
      },
      {
        // Hosts a URL parser reads its own way (IDNA, percent-encoding, IPv4 forms, ports, schemes).
        id: '2123747899645166309',
        author_id: '12',
        created_at: '2026-11-20T10:55:00.000Z',
        text: 'hosts https://t.co/h1 https://t.co/h2 https://t.co/h3 https://t.co/h4 https://t.co/h5\u0085end https://t.co/h6 https://t.co/h7',
        entities: {
          urls: [
            url(6, 'https://t.co/h1', 'https://Bücher.example/x'),
            url(22, 'https://t.co/h2', 'http://0x7f.1/'),
            url(38, 'https://t.co/h3', 'https://ex%41mple.com:99999/'),
            url(54, 'https://t.co/h4', 'http://[::ffff:1.2.3.4]/'),
            url(70, 'https://t.co/h5', 'foo://Host.example/x'),
            // (letters a case-insensitive regex takes for s and k: the URL parser maps them)
            url(90, 'https://t.co/h6', 'https://\u017Ftuff.example/'),
            url(106, 'https://t.co/h7', 'https://\u212Aey.example/'),
            url(0, ''), // no URL: no entity (an empty surface would be found everywhere)
          ],
        },
      },
      {
        // A text and a tag that start with U+FEFF, which a TextDecoder drops unless told not to;
        // the tag twice, so the post is placed in TypeScript.
        id: '2123747899645166311',
        author_id: '12',
        created_at: '2026-11-20T10:57:00.000Z',
        text: '\ufeff#\ufeffbom and #\ufeffbom',
        entities: { hashtags: [tag(1, '\ufeffbom', 6), tag(11, '\ufeffbom', 16)] },
      },
      {
        // Offsets JSON.parse reads as Infinity (1e400, written below), or 2.5, are no offsets.
        id: '2123747899645166310',
        author_id: '12',
        created_at: '2026-11-20T10:56:00.000Z',
        text: 'edges #far #near',
        entities: {
          hashtags: [
            tag('START_1E400', 'far', 'END_MINUS_1E400'),
            tag(11, 'near', 16),
            tag(2.5, 'absent', 7.5),
          ],
        },
      },
      {
        // One entity, two occurrences: the one nearest X's (shifted) offset is the second.
        id: '2123747899645166308',
        author_id: '12',
        created_at: '2026-11-20T10:50:00.000Z',
        text: '&amp;&amp; #dup and #dup',
        entities: { hashtags: [tag(20, 'dup', 24)] },
      },
      {
        // Every surface found exactly once, all after shifted offsets: placed by DuckDB itself.
        id: '2123747899645166307',
        author_id: '12',
        created_at: '2026-11-20T10:40:00.000Z',
        text: 'x &amp;&amp; &lt;3 #solo $ABC @one https://t.co/yy \u0007 end',
        entities: {
          hashtags: [tag(18, 'solo', 23)],
          cashtags: [tag(24, 'ABC', 28)],
          mentions: [{ start: 29, end: 33, username: 'one', id: '22' }],
          urls: [url(34, 'https://t.co/yy')],
        },
      },
    ],
    includes: {
      users: [
        user('11', { name: 'Renamed' }),
        user('12', { public_metrics: { followers_count: 2 ** 63, following_count: 1.5, tweet_count: -0.5 } }),
      ],
      tweets: [
        { id: '2123747899645166303', author_id: '12', created_at: T0, text: 'RT @ann: later copy ΟΔΟΣ' },
      ],
      media: [{ media_key: '3_1', type: 'video', width: 640, height: 480, duration_ms: 1000 }],
    },
  };
  const where = { source: 'search_recent', ingestDate: '2026-11-20', batchId };
  const part0 = await writeLandingPart(lake, where, 0, [landingLine(meta(T0), JSON.stringify(first))]);
  const part1 = await writeLandingPart(lake, where, 1, [
    landingLine(
      meta(T0),
      JSON.stringify(second).replace('"START_1E400"', '1e400').replace('"END_MINUS_1E400"', '-1e400'),
    ),
    '',
    landingLine(meta(T1), JSON.stringify({ data: [], meta: { result_count: 0 } })),
    // Nesting deeper than a recursive JSON writer or reader goes (JSON.parse reads any depth), in
    // fields the tables do not take and in one they do (a hashtag's tag: not a string, no row).
    landingLine(
      meta(T1),
      `{"data":[{"id":"2123747899645166308","author_id":"11","created_at":"2026-11-20T10:30:00.000Z",` +
        `"text":"deep #x","context":${DEEP},"entities":{"hashtags":[{"start":5,"end":7,"tag":${DEEP}}]}}],` +
        `"meta":{"result_count":1,"deep":${DEEP}}}`,
    ),
  ]);
  await commitLandingBatch(lake, {
    batch_id: batchId,
    source: where.source,
    ingest_date: where.ingestDate,
    endpoint: '/2/tweets/search/recent',
    query: 'tricky',
    created_at: T0,
    committed_at: T1,
    parts: [part0, part1],
    pages: 4,
    posts: 12,
    partial_errors: 1,
    newest_id: null,
  });
}
