import type { Lake } from '../lake/lake.js';
import { newBatchId } from '../lake/zones.js';
import type { Progress } from '../core/progress.js';
import { loadCheckpoint, type OpenBatch, saveCheckpoint } from './checkpoint.js';
import { landingLine } from './landing-line.js';
import { commitLandingBatch, writeLandingPart } from './landing-writer.js';
import { SEARCH_FIELDS } from './search-params.js';
import { ApiRequestError, type XClient } from './x-client.js';

export const RECENT_SEARCH = '/2/tweets/search/recent';
const SOURCE = 'search_recent';
const ENDPOINT_NAME = 'search_recent';

export interface QueryResult {
  query: string;
  batchId: string | null;
  posts: number;
  pages: number;
  resumed: boolean;
  partialErrors: number;
}

/**
 * Collects one query with recent search into one landing batch. Each page is landed as its own
 * part file, then the checkpoint (next_token, parts so far) is saved; the manifest is written
 * last, then `since_id` advances. A crash at any point resumes from the last saved page.
 */
export async function collectSearchQuery(
  lake: Lake,
  client: XClient,
  query: string,
  budget: { remaining: number },
  progress: Progress,
): Promise<QueryResult> {
  const cp = await loadCheckpoint(lake, ENDPOINT_NAME, query);
  const resumed = cp.open !== null;
  if (cp.open) {
    progress.info(`"${query}": resuming batch ${cp.open.batch_id} after ${cp.open.pages} landed page(s)`);
  } else if (budget.remaining <= 0) {
    return { query, batchId: null, posts: 0, pages: 0, resumed, partialErrors: 0 };
  }
  const now = new Date();
  const open: OpenBatch = cp.open ?? {
    batch_id: newBatchId(now),
    ingest_date: now.toISOString().slice(0, 10),
    created_at: now.toISOString(),
    since_id: cp.since_id,
    next_token: null,
    newest_id: null,
    parts: [],
    posts: 0,
    pages: 0,
    partial_errors: 0,
    done: false,
  };
  cp.open = open;
  const where = { source: SOURCE, ingestDate: open.ingest_date, batchId: open.batch_id };

  while (!open.done) {
    if (budget.remaining <= 0) {
      open.done = true;
      break;
    }
    let response: Awaited<ReturnType<XClient['get']>>;
    try {
      response = await client.get(RECENT_SEARCH, {
        query,
        max_results: String(Math.min(100, Math.max(10, budget.remaining))),
        since_id: open.since_id ?? undefined,
        next_token: open.next_token ?? undefined,
        ...SEARCH_FIELDS,
      });
    } catch (error) {
      // X refuses a since_id older than the 7-day window: start afresh from the window's start.
      if (
        error instanceof ApiRequestError &&
        error.status === 400 &&
        open.pages === 0 &&
        open.since_id &&
        error.message.includes("'since_id'")
      ) {
        progress.info(
          `"${query}": the saved since_id is older than recent search allows; collecting the whole 7-day window`,
        );
        open.since_id = null;
        continue;
      }
      throw error;
    }
    const meta = (response.json.meta ?? {}) as {
      result_count?: number;
      newest_id?: string;
      next_token?: string;
    };
    const count = Array.isArray(response.json.data) ? response.json.data.length : 0;
    const errors = Array.isArray(response.json.errors) ? response.json.errors.length : 0;
    if (count > 0 || errors > 0) {
      const line = landingLine(
        {
          retrieved_at: response.retrievedAt.toISOString(),
          endpoint: RECENT_SEARCH,
          query,
          request_url: response.url,
          status: response.status,
        },
        response.body,
      );
      open.parts.push(await writeLandingPart(lake, where, open.parts.length, [line]));
    }
    open.pages++;
    open.posts += count;
    open.partial_errors += errors;
    open.newest_id ??= meta.newest_id ?? null;
    open.next_token = meta.next_token ?? null;
    budget.remaining -= count;
    open.done = open.next_token === null || budget.remaining <= 0;
    await saveCheckpoint(lake, cp);
    progress.update(
      `collect: ${open.posts} posts, ${open.pages} ${open.pages === 1 ? 'page' : 'pages'} so far for "${query}"`,
    );
  }

  if (open.parts.length > 0) {
    await commitLandingBatch(lake, {
      batch_id: open.batch_id,
      source: SOURCE,
      ingest_date: open.ingest_date,
      endpoint: RECENT_SEARCH,
      query,
      created_at: open.created_at,
      committed_at: new Date().toISOString(),
      parts: open.parts,
      pages: open.pages,
      posts: open.posts,
      partial_errors: open.partial_errors,
      newest_id: open.newest_id,
    });
  }
  cp.since_id = open.newest_id ?? cp.since_id;
  cp.open = null;
  if (open.parts.length > 0) {
    cp.last_batch = {
      batch_id: open.batch_id,
      committed_at: new Date().toISOString(),
      posts: open.posts,
      pages: open.pages,
    };
  }
  await saveCheckpoint(lake, cp);
  return {
    query,
    batchId: open.parts.length > 0 ? open.batch_id : null,
    posts: open.posts,
    pages: open.pages,
    resumed,
    partialErrors: open.partial_errors,
  };
}
