import { invalidRequest } from './problems.js';
import { matchesQuery } from './query-match.js';
import { checkParams, isProblem, readWindow } from './request-window.js';
import {
  readQuery,
  type SearchContext,
  type SearchKind,
  type SearchResult,
  scanWindow,
  searchWindowRules,
} from './search-posts.js';

const PARAMS = [
  'query',
  'start_time',
  'end_time',
  'since_id',
  'until_id',
  'granularity',
  'next_token',
  'pagination_token',
  'search_count.fields',
];
const STEP_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** Full-archive counts come back in pages of at most 31 days, newest page first. */
const ALL_PAGE_MS = 31 * 86_400_000;

/** `GET /2/tweets/counts/recent` and `GET /2/tweets/counts/all`: matching posts per minute, hour or day. */
export function tweetCounts(params: URLSearchParams, ctx: SearchContext, kind: SearchKind): SearchResult {
  const bad = checkParams(params, kind === 'all' ? PARAMS : PARAMS.filter((p) => !p.endsWith('_token')));
  if (bad) return bad;
  const tree = readQuery(params, kind === 'all' ? 1024 : 512);
  if (isProblem(tree)) return tree;
  const granularity = params.get('granularity') ?? 'hour';
  if (!(granularity in STEP_MS))
    return invalidRequest(
      `The \`granularity\` query parameter value [${granularity}] is not one of [minute,hour,day]`,
      { granularity: [granularity] },
    );
  const step = STEP_MS[granularity as keyof typeof STEP_MS];
  const cursorParams = new URLSearchParams(params);
  const token = params.get('next_token') ?? params.get('pagination_token');
  cursorParams.delete('next_token');
  cursorParams.delete('pagination_token');
  const w = readWindow(cursorParams, searchWindowRules(kind, ctx.nowMs));
  if (isProblem(w)) return w;
  if (token !== null) {
    const m = /^tc([0-9a-z]{1,12})$/.exec(token);
    const upper = m ? Number.parseInt(m[1]!, 36) : Number.NaN;
    if (!(upper > w.lower && upper <= w.upper))
      return invalidRequest(`The \`next_token\` query parameter value [${token}] is not valid`, {
        next_token: [token],
      });
    w.upper = upper;
  }
  let more = false;
  if (kind === 'all' && w.upper - w.lower > ALL_PAGE_MS) {
    w.lower = w.upper - ALL_PAGE_MS;
    more = true;
  }
  const buckets: { start: number; end: number; count: number }[] = [];
  for (let start = w.lower; start < w.upper; ) {
    const end = Math.min(w.upper, (Math.floor(start / step) + 1) * step);
    buckets.push({ start, end, count: 0 });
    start = end;
  }
  const first = buckets[0]?.start ?? w.lower;
  scanWindow(ctx.corpus, w, (post) => {
    if (matchesQuery(tree, post)) {
      const i =
        post.createdMs < (buckets[0]?.end ?? 0)
          ? 0
          : Math.floor(post.createdMs / step) - Math.floor(first / step);
      const b = buckets[i];
      if (b) b.count++;
    }
    return true;
  });
  const fields = (params.get('search_count.fields') ?? 'end,start,tweet_count').split(',');
  const data = buckets.map((b) => {
    const out: Record<string, unknown> = {};
    if (fields.includes('end')) out.end = new Date(b.end).toISOString();
    if (fields.includes('start')) out.start = new Date(b.start).toISOString();
    if (fields.includes('tweet_count')) out.tweet_count = b.count;
    return out;
  });
  const meta: Record<string, unknown> = { total_tweet_count: buckets.reduce((n, b) => n + b.count, 0) };
  if (more) meta.next_token = `tc${w.lower.toString(36)}`;
  return { status: 200, body: { data, meta } };
}
