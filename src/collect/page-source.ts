import { SEARCH_FIELDS } from './search-params.js';

/** Where a page collection stands when the next request is built. */
export interface PageState {
  sinceId: string | null;
  nextToken: string | null;
  maxResults: number;
}

/**
 * One paginated X API v2 collection: recent or full-archive search for a query, a user's
 * timeline, or a look-up of post IDs. Each has its own checkpoint (named by `endpointName` and
 * `key`) and lands under `landing/<source>/`.
 */
export interface PageSource {
  /** Landing folder and checkpoint namespace: `search_recent`, `search_all`, `timeline`, `lookup`. */
  readonly source: string;
  /** The request path, e.g. `/2/tweets/search/all`. */
  readonly endpoint: string;
  /** What identifies this collection within its source (query and window, user, ID list). */
  readonly key: string;
  /** How people see it in progress and status: `"query"`, `@user`, `ids.txt`. */
  readonly label: string;
  /** Value recorded as `query` in landing metadata and manifests. */
  readonly query: string | null;
  readonly minResults: number;
  readonly maxResults: number;
  /** Whether the next run asks only for posts newer than the last batch (`since_id`). */
  readonly incremental: boolean;
  params(state: PageState): Record<string, string | undefined>;
  /** The cursor for the page after this response, or null when it was the last. */
  nextToken(meta: Record<string, unknown>, state: PageState): string | null;
}

export interface Window {
  startTime?: string;
  endTime?: string;
}

function windowKey(w: Window): string {
  return w.startTime || w.endTime ? `\nstart=${w.startTime ?? ''}\nend=${w.endTime ?? ''}` : '';
}

function windowLabel(w: Window): string {
  return w.startTime || w.endTime ? ` [${w.startTime ?? '…'} → ${w.endTime ?? 'now'}]` : '';
}

const tokenFromMeta = (meta: Record<string, unknown>) =>
  typeof meta.next_token === 'string' ? meta.next_token : null;

/** Recent search (last 7 days, 10–100 per page) or full-archive search (10–500 per page, 1 request/s). */
export function searchSource(query: string, archive: boolean, window: Window = {}): PageSource {
  return {
    source: archive ? 'search_all' : 'search_recent',
    endpoint: archive ? '/2/tweets/search/all' : '/2/tweets/search/recent',
    key: `${query}${windowKey(window)}`,
    label: `"${query}"${windowLabel(window)}`,
    query,
    minResults: 10,
    maxResults: archive ? 500 : 100,
    incremental: true,
    params: (s) => ({
      query,
      max_results: String(s.maxResults),
      start_time: window.startTime,
      end_time: window.endTime,
      since_id: s.sinceId ?? undefined,
      next_token: s.nextToken ?? undefined,
      ...SEARCH_FIELDS,
    }),
    nextToken: tokenFromMeta,
  };
}

/** A user's posts, newest first: `/2/users/:id/tweets` (X serves only the 3,200 most recent). */
export function timelineSource(userId: string, label: string, window: Window = {}): PageSource {
  return {
    source: 'timeline',
    endpoint: `/2/users/${userId}/tweets`,
    key: `${userId}${windowKey(window)}`,
    label: `${label}${windowLabel(window)}`,
    query: `from_user_id:${userId}`,
    minResults: 5,
    maxResults: 100,
    incremental: true,
    params: (s) => ({
      max_results: String(s.maxResults),
      start_time: window.startTime,
      end_time: window.endTime,
      since_id: s.sinceId ?? undefined,
      pagination_token: s.nextToken ?? undefined,
      ...SEARCH_FIELDS,
    }),
    nextToken: tokenFromMeta,
  };
}

/** Hydrates post IDs, 100 per request: `/2/tweets?ids=…`. The cursor is the offset into the list. */
export function lookupSource(ids: readonly string[], key: string, label: string): PageSource {
  return {
    source: 'lookup',
    endpoint: '/2/tweets',
    key,
    label,
    query: null,
    minResults: 1,
    maxResults: 100,
    incremental: false,
    params: (s) => {
      const from = Number(s.nextToken ?? '0');
      return { ids: ids.slice(from, from + s.maxResults).join(','), ...SEARCH_FIELDS };
    },
    nextToken: (_meta, s) => {
      const next = Number(s.nextToken ?? '0') + s.maxResults;
      return next < ids.length ? String(next) : null;
    },
  };
}
