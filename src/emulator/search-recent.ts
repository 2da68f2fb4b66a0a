import type { Corpus } from './corpus.js';
import type { CorpusPost } from './corpus-types.js';
import { readFieldSelection } from './fields.js';
import { invalidRequest, type Problem } from './problems.js';
import { parseQuery, QuerySyntaxError, type QueryNode } from './query-parser.js';
import { matchesQuery } from './query-match.js';
import { renderPosts } from './render.js';
import { snowflakeId, snowflakeTime } from '../core/snowflake.js';

export const RECENT_WINDOW_MS = 7 * 24 * 3600 * 1000;
const PARAMS = [
  'query',
  'start_time',
  'end_time',
  'since_id',
  'until_id',
  'max_results',
  'next_token',
  'pagination_token',
  'sort_order',
  'expansions',
  'tweet.fields',
  'user.fields',
  'media.fields',
  'place.fields',
  'poll.fields',
];

/** Encodes a page cursor: opaque to clients, like X's `next_token`. */
export function encodeToken(lastId: string): string {
  return `tp${BigInt(lastId).toString(36)}`;
}
function decodeToken(token: string): bigint | undefined {
  if (!/^tp[0-9a-z]{1,14}$/.test(token)) return undefined;
  let n = 0n;
  for (const c of token.slice(2)) n = n * 36n + BigInt(Number.parseInt(c, 36));
  return n;
}

/** Options a search page needs beyond the request itself. */
export interface SearchContext {
  corpus: Corpus;
  nowMs: number;
}

export type SearchResult = { status: 200; body: Record<string, unknown> } | Problem;

/** `GET /2/tweets/search/recent`, as X specifies it. */
export function searchRecent(params: URLSearchParams, ctx: SearchContext): SearchResult {
  for (const key of params.keys()) {
    if (!PARAMS.includes(key))
      return invalidRequest(`The query parameter [${key}] is not one of [${PARAMS.join(',')}]`, {
        [key]: [params.get(key) ?? ''],
      });
  }
  const query = params.get('query');
  if (query === null || query.trim() === '')
    return invalidRequest('The `query` query parameter can not be empty', { query: [''] });
  let tree: QueryNode;
  try {
    tree = parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return invalidRequest(error.message, { query: [query] });
    throw error;
  }
  const maxRaw = params.get('max_results') ?? '10';
  const max = Number(maxRaw);
  if (!/^\d+$/.test(maxRaw) || max < 10 || max > 100) {
    return invalidRequest(`The \`max_results\` query parameter value [${maxRaw}] is not between 10 and 100`, {
      max_results: [maxRaw],
    });
  }
  const sel = readFieldSelection(params);
  if ('status' in sel) return sel;

  const { nowMs, corpus } = ctx;
  const oldest = nowMs - RECENT_WINDOW_MS;
  let lower = oldest;
  let upper = nowMs + 1;
  const start = params.get('start_time');
  if (start !== null) {
    const t = parseTime(start);
    if (t === undefined)
      return invalidRequest(
        `Invalid 'start_time':'${start}'. 'start_time' must be a valid ISO 8601 timestamp.`,
        { start_time: [start] },
      );
    if (t < oldest) {
      return invalidRequest(
        `Invalid 'start_time':'${start}'. 'start_time' must be on or after ${new Date(oldest).toISOString()}`,
        { start_time: [start] },
      );
    }
    lower = t;
  }
  const end = params.get('end_time');
  if (end !== null) {
    const t = parseTime(end);
    if (t === undefined)
      return invalidRequest(`Invalid 'end_time':'${end}'. 'end_time' must be a valid ISO 8601 timestamp.`, {
        end_time: [end],
      });
    if (t > nowMs - 10_000) {
      return invalidRequest(
        `Invalid 'end_time':'${end}'. 'end_time' must be a minimum of 10 seconds prior to the request time.`,
        { end_time: [end] },
      );
    }
    upper = t;
  }
  if (upper <= lower)
    return invalidRequest(`Invalid 'end_time':'${end}'. 'end_time' must be after 'start_time'.`, {
      end_time: [end ?? ''],
    });

  const sinceRaw = params.get('since_id');
  const untilRaw = params.get('until_id');
  for (const [name, raw] of [
    ['since_id', sinceRaw],
    ['until_id', untilRaw],
  ] as const) {
    if (raw !== null && !/^\d{1,19}$/.test(raw))
      return invalidRequest(`The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$`, {
        [name]: [raw],
      });
  }
  if (sinceRaw !== null && snowflakeTime(sinceRaw) < oldest) {
    return invalidRequest(
      `Invalid 'since_id':'${sinceRaw}'. 'since_id' must be a tweet id created after ${new Date(oldest).toISOString()}. Please use a 'since_id' that is larger than ${snowflakeId(oldest, 0)}`,
      { since_id: [sinceRaw] },
    );
  }
  const since = sinceRaw === null ? -1n : BigInt(sinceRaw);
  let until = untilRaw === null ? 1n << 63n : BigInt(untilRaw);
  const tokenRaw = params.get('next_token') ?? params.get('pagination_token');
  if (tokenRaw !== null) {
    const cursor = decodeToken(tokenRaw);
    if (cursor === undefined)
      return invalidRequest(`The \`next_token\` query parameter value [${tokenRaw}] is not valid`, {
        next_token: [tokenRaw],
      });
    if (cursor < until) until = cursor;
  }

  const page: CorpusPost[] = [];
  let more = false;
  for (let slot = corpus.slotAt(upper); slot >= corpus.slotAt(lower); slot--) {
    const post = corpus.post(slot);
    if (post.deleted || post.createdMs < lower || post.createdMs >= upper) continue;
    const id = BigInt(post.id);
    if (id >= until) continue;
    if (id <= since) break;
    if (!matchesQuery(tree, post)) continue;
    if (page.length === max) {
      more = true;
      break;
    }
    page.push(post);
  }

  if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
  const body = renderPosts(corpus, page, sel, nowMs);
  const meta: Record<string, unknown> = {
    newest_id: page[0]!.id,
    oldest_id: page[page.length - 1]!.id,
    result_count: page.length,
  };
  if (more) meta.next_token = encodeToken(page[page.length - 1]!.id);
  body.meta = meta;
  return { status: 200, body };
}

function parseTime(raw: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : t;
}
