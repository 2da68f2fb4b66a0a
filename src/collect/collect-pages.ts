import { DEFAULT_BATCH_POSTS } from '../config/settings.js';
import { plural } from '../core/plural.js';
import type { Progress } from '../core/progress.js';
import type { Lake } from '../lake/lake.js';
import type { Lease } from '../lake/lease.js';
import { newBatchId } from '../lake/zones.js';
import type { Budget } from './budget.js';
import {
  loadCheckpoint,
  type OpenBatch,
  type QueryCheckpoint,
  saveCheckpoint,
  withCheckpointLease,
} from './checkpoint.js';
import { landingLine } from './landing-line.js';
import { commitLandingBatch, committedLandingBatch, writeLandingPart } from './landing-writer.js';
import type { PageSource, PageState } from './page-source.js';
import { ApiRequestError, type XClient } from './x-client.js';

export interface QueryResult {
  /** How people see the collection: `"query"`, `@user`, `ids.txt`. */
  query: string;
  source: string;
  /** The last batch landed (null when none was). */
  batchId: string | null;
  /** Every batch landed, oldest first: a long pagination is split into batches of bounded size. */
  batches: string[];
  posts: number;
  pages: number;
  resumed: boolean;
  partialErrors: number;
  spentUsd: number;
  /** Why nothing was fetched, when nothing was (`complete`: a finished look-up). */
  skipped?: 'complete' | 'budget';
  /** Its share of the run's posts ended the pagination in an open batch (`CollectPagesOptions.pass`). */
  heldOpen?: boolean;
}

export interface CollectPagesOptions {
  /** Posts per landing batch before a long pagination goes on in a new batch. */
  maxBatchPosts?: number;
  /**
   * Which pass of `collectFairly` this is. `shared`, the first: when the budget's share for this
   * source, not a limit of the run, ends the pagination, the batch stays open (saved in the
   * checkpoint, as after a crash) for the second pass to go on with or commit. `again`, the
   * second: the open batch the first left is no interrupted run.
   */
  pass?: 'shared' | 'again';
}

/**
 * Collects one paginated source into landing batches. Each page is landed as its own part file,
 * then the checkpoint (cursor, parts so far, spend) is saved; a batch's manifest is written
 * last, when the pagination ends or the batch reaches `maxBatchPosts` (the next batch goes on
 * from the same cursor), and `since_id` advances only once the whole pagination is landed. A
 * crash at any point resumes from the last saved page, and the page that was in flight is asked
 * for again (the same cursor gives the same page).
 */
export async function collectPages(
  lake: Lake,
  client: XClient,
  src: PageSource,
  budget: Budget,
  progress: Progress,
  options: CollectPagesOptions = {},
): Promise<QueryResult> {
  return withCheckpointLease(lake, src.source, src.key, `collect ${src.label}`, (lease) =>
    collectLeased(lake, client, src, budget, progress, options, lease),
  );
}

async function collectLeased(
  lake: Lake,
  client: XClient,
  src: PageSource,
  budget: Budget,
  progress: Progress,
  options: CollectPagesOptions,
  lease: Lease,
): Promise<QueryResult> {
  const maxBatchPosts = options.maxBatchPosts ?? DEFAULT_BATCH_POSTS;
  const cp = await loadCheckpoint(lake, src.source, src.key);
  cp.label = src.label;
  const interrupted = cp.open;
  if (interrupted && (await committedLandingBatch(lake, batchWhere(src, interrupted)))) {
    // The run stopped between writing the batch's manifest and recording it: record it now (the
    // batch is never written to again, readers may have taken it).
    settle(cp, src, interrupted);
    await saveCheckpoint(lake, cp);
  }
  const resumed = cp.open !== null && options.pass !== 'again';
  const result: QueryResult = {
    query: src.label,
    source: src.source,
    batchId: null,
    batches: [],
    posts: 0,
    pages: 0,
    resumed,
    partialErrors: 0,
    spentUsd: 0,
  };
  if (cp.open && options.pass !== 'again') {
    progress.info(
      `${src.label}: resuming batch ${cp.open.batch_id} after ${plural(cp.open.pages, 'landed page')}`,
    );
  } else if (cp.complete && !src.incremental) {
    return { ...result, skipped: 'complete' };
  } else if (cp.resume && options.pass !== 'again') {
    progress.info(`${src.label}: going on with the pagination the last run left unfinished`);
  }
  for (;;) {
    const open = cp.open ?? startBatch(cp, src);
    cp.open = open;
    const ended = await landPages(
      lake,
      client,
      src,
      budget,
      progress,
      cp,
      open,
      maxBatchPosts,
      result,
      lease,
    );
    lease.assertHeld();
    if (ended === 'share' && options.pass === 'shared') {
      // (counted when the second pass commits the batch)
      result.heldOpen = true;
      return result;
    }
    if (open.parts.length > 0) {
      await commitLandingBatch(lake, {
        batch_id: open.batch_id,
        source: src.source,
        ingest_date: open.ingest_date,
        endpoint: src.endpoint,
        query: src.query,
        created_at: open.created_at,
        committed_at: new Date().toISOString(),
        parts: open.parts,
        pages: open.pages,
        posts: open.posts,
        partial_errors: open.partial_errors,
        newest_id: open.newest_id,
      });
      result.batches.push(open.batch_id);
      result.batchId = open.batch_id;
    }
    settle(cp, src, open);
    await saveCheckpoint(lake, cp);
    result.posts += open.posts;
    result.pages += open.pages;
    result.partialErrors += open.partial_errors;
    if (ended !== 'full') break;
    progress.info(
      `${src.label}: batch ${open.batch_id} committed at ${plural(open.posts, 'post')}; the pagination goes on in a new batch`,
    );
  }
  if (result.pages === 0 && budget.stoppedBy) result.skipped = 'budget';
  return result;
}

/** Where an open batch lands in the lake. */
function batchWhere(
  src: PageSource,
  open: OpenBatch,
): { source: string; ingestDate: string; batchId: string } {
  return { source: src.source, ingestDate: open.ingest_date, batchId: open.batch_id };
}

/** A new open batch, going on from a pagination left unfinished (`cp.resume`) or starting afresh. */
function startBatch(cp: QueryCheckpoint, src: PageSource): OpenBatch {
  const now = new Date();
  const resume = cp.resume ?? null;
  cp.resume = null;
  return {
    batch_id: newBatchId(now),
    ingest_date: now.toISOString().slice(0, 10),
    created_at: now.toISOString(),
    since_id: resume ? resume.since_id : src.incremental ? cp.since_id : null,
    next_token: resume?.next_token ?? null,
    newest_id: resume?.newest_id ?? null,
    parts: [],
    posts: 0,
    pages: 0,
    partial_errors: 0,
    done: false,
  };
}

/**
 * Lands pages into `open` until the pagination ends (`end`), the budget runs out (`end`; `share`
 * when it was this source's share of it, the open batch then not marked done), or the batch holds
 * `maxBatchPosts` posts (`full`: the pagination goes on in a new batch).
 */
async function landPages(
  lake: Lake,
  client: XClient,
  src: PageSource,
  budget: Budget,
  progress: Progress,
  cp: QueryCheckpoint,
  open: OpenBatch,
  maxBatchPosts: number,
  result: QueryResult,
  lease: Lease,
): Promise<'end' | 'full' | 'share'> {
  const where = batchWhere(src, open);
  while (!open.done) {
    if (open.posts >= maxBatchPosts) return 'full';
    const size = budget.pageSize(src.minResults, src.maxResults);
    if (size === 0) {
      if (budget.stoppedBy === null) return 'share'; // (no limit of the run: this source's share of it)
      open.done = true;
      break;
    }
    const state: PageState = { sinceId: open.since_id, nextToken: open.next_token, maxResults: size };
    let response: Awaited<ReturnType<XClient['get']>>;
    try {
      response = await client.get(src.endpoint, src.params(state));
    } catch (error) {
      // X refuses a since_id older than recent search's 7-day window: start afresh from the window's start.
      if (
        error instanceof ApiRequestError &&
        error.status === 400 &&
        open.pages === 0 &&
        open.since_id &&
        error.message.includes("'since_id'")
      ) {
        progress.info(
          `${src.label}: the saved since_id is older than the endpoint allows; collecting its whole window`,
        );
        open.since_id = null;
        continue;
      }
      throw error;
    }
    const meta = (response.json.meta ?? {}) as Record<string, unknown>;
    const count = Array.isArray(response.json.data) ? response.json.data.length : 0;
    const errors = Array.isArray(response.json.errors) ? response.json.errors.length : 0;
    lease.assertHeld();
    if (count > 0 || errors > 0) {
      const line = landingLine(
        {
          retrieved_at: response.retrievedAt.toISOString(),
          endpoint: src.endpoint,
          query: src.query,
          request_url: response.url,
          status: response.status,
        },
        response.body,
      );
      open.parts.push(await writeLandingPart(lake, where, open.parts.length, [line]));
    }
    const charge = budget.charge(response.json, response.retrievedAt);
    cp.spent_usd = (cp.spent_usd ?? 0) + charge.usd;
    cp.posts_read = (cp.posts_read ?? 0) + charge.posts;
    cp.users_read = (cp.users_read ?? 0) + charge.users;
    result.spentUsd += charge.usd;
    open.pages++;
    open.posts += count;
    open.partial_errors += errors;
    open.newest_id ??= typeof meta.newest_id === 'string' ? meta.newest_id : null;
    open.next_token = src.nextToken(meta, state);
    open.done = open.next_token === null;
    await saveCheckpoint(lake, cp);
    const posts = result.posts + open.posts;
    const pages = result.pages + open.pages;
    progress.update(`collect: ${plural(posts, 'post')}, ${plural(pages, 'page')} so far for ${src.label}`);
  }

  return 'end';
}

/**
 * Records a committed batch in the checkpoint: a finished pagination advances `since_id` (or
 * completes a look-up); an unfinished one is left in `resume` for the next batch or run.
 */
function settle(cp: QueryCheckpoint, src: PageSource, open: OpenBatch): void {
  const finished = open.next_token === null && open.pages > 0;
  if (finished) {
    if (src.incremental) cp.since_id = open.newest_id ?? cp.since_id;
    else cp.complete = true;
  } else if (open.next_token !== null) {
    cp.resume = { next_token: open.next_token, since_id: open.since_id, newest_id: open.newest_id };
  }
  cp.open = null;
  if (open.parts.length > 0) {
    cp.last_batch = {
      batch_id: open.batch_id,
      committed_at: new Date().toISOString(),
      posts: open.posts,
      pages: open.pages,
    };
  }
}
