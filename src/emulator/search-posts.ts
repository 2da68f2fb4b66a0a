import { SNOWFLAKE_EPOCH_MS } from '../core/snowflake.js';
import type { Corpus } from './corpus.js';
import type { CorpusPost } from './corpus-types.js';
import { FIELD_PARAMS, readFieldSelection } from './fields.js';
import { invalidRequest, type Problem } from './problems.js';
import { matchesQuery } from './query-match.js';
import { parseQuery, type QueryNode, QuerySyntaxError } from './query-parser.js';
import { renderPosts } from './render.js';
import {
  checkParams,
  encodeToken,
  isProblem,
  type RequestWindow,
  readMaxResults,
  readWindow,
} from './request-window.js';

export const RECENT_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** Full-archive search accepts `start_time` from here (X's first post). */
export const ARCHIVE_START_MS = Date.parse('2006-03-21T00:00:01Z');
/** The emulator's corpus begins with snowflake IDs; older windows are simply empty. */
const CORPUS_START_MS = Number(SNOWFLAKE_EPOCH_MS) + 60_000;
const ARCHIVE_DEFAULT_SPAN_MS = 30 * 24 * 3600 * 1000;

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
  ...FIELD_PARAMS,
];

/** Options a search page needs beyond the request itself. */
export interface SearchContext {
  corpus: Corpus;
  nowMs: number;
}

export type SearchResult = { status: 200; body: Record<string, unknown> } | Problem;
export type SearchKind = 'recent' | 'all';

/** The window rules of recent (7 days) and full-archive search (since 2006, 30 days by default). */
export function searchWindowRules(kind: SearchKind, nowMs: number) {
  return kind === 'recent'
    ? {
        nowMs,
        oldestMs: nowMs - RECENT_WINDOW_MS,
        sinceWithinWindow: true,
        tokenParam: 'next_token' as const,
      }
    : {
        nowMs,
        oldestMs: ARCHIVE_START_MS,
        defaultStartMs: (upper: number) => upper - ARCHIVE_DEFAULT_SPAN_MS,
        sinceWithinWindow: false,
        tokenParam: 'next_token' as const,
      };
}

/** Parses the `query` parameter; a 400 Problem when it is missing or malformed. */
export function readQuery(params: URLSearchParams, maxLength: number): QueryNode | Problem {
  const query = params.get('query');
  if (query === null || query.trim() === '')
    return invalidRequest('The `query` query parameter can not be empty', { query: [''] });
  if (query.length > maxLength)
    return invalidRequest(`The \`query\` query parameter value is longer than ${maxLength} characters`, {
      query: [query],
    });
  try {
    return parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return invalidRequest(error.message, { query: [query] });
    throw error;
  }
}

/** Calls `visit` for each live post in the window, newest first, until it returns false. */
export function scanWindow(corpus: Corpus, w: RequestWindow, visit: (post: CorpusPost) => boolean): void {
  const lower = Math.max(w.lower, CORPUS_START_MS);
  for (let slot = corpus.slotAt(w.upper); slot >= corpus.slotAt(lower); slot--) {
    const post = corpus.post(slot);
    if (post.deleted || post.createdMs < lower || post.createdMs >= w.upper) continue;
    const id = BigInt(post.id);
    if (id >= w.until) continue;
    if (id <= w.since) break;
    if (!visit(post)) break;
  }
}

/** `GET /2/tweets/search/recent` and `GET /2/tweets/search/all`, as X specifies them. */
export function searchPosts(params: URLSearchParams, ctx: SearchContext, kind: SearchKind): SearchResult {
  const bad = checkParams(params, PARAMS);
  if (bad) return bad;
  const tree = readQuery(params, kind === 'all' ? 1024 : 512);
  if (isProblem(tree)) return tree;
  const max = kind === 'all' ? readMaxResults(params, 10, 500, 10) : readMaxResults(params, 10, 100, 10);
  if (isProblem(max)) return max;
  const sel = readFieldSelection(params);
  if ('status' in sel) return sel;
  const w = readWindow(params, searchWindowRules(kind, ctx.nowMs));
  if (isProblem(w)) return w;

  const page: CorpusPost[] = [];
  let more = false;
  scanWindow(ctx.corpus, w, (post) => {
    if (!matchesQuery(tree, post)) return true;
    if (page.length === max) {
      more = true;
      return false;
    }
    page.push(post);
    return true;
  });
  return pageOf(ctx, page, sel, more);
}

/** A page of posts with X's `meta` (newest/oldest ID, count, `next_token` when there is more). */
export function pageOf(
  ctx: SearchContext,
  page: CorpusPost[],
  sel: Exclude<ReturnType<typeof readFieldSelection>, Problem>,
  more: boolean,
  tokenName: 'next_token' | 'pagination_token' = 'next_token',
): SearchResult {
  if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };
  const body = renderPosts(ctx.corpus, page, sel, ctx.nowMs);
  const meta: Record<string, unknown> = {
    newest_id: page[0]!.id,
    oldest_id: page[page.length - 1]!.id,
    result_count: page.length,
  };
  if (more) meta[tokenName] = encodeToken(page[page.length - 1]!.id);
  body.meta = meta;
  return { status: 200, body };
}

/** `GET /2/tweets/search/recent`. */
export function searchRecent(params: URLSearchParams, ctx: SearchContext): SearchResult {
  return searchPosts(params, ctx, 'recent');
}
