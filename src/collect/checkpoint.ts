import { createHash } from 'node:crypto';
import { getJson, type Lake, putJson } from '../lake/lake.js';
import { type Lease, withLease } from '../lake/lease.js';
import { checkpointKey } from '../lake/zones.js';
import type { PartInfo } from './landing-writer.js';

/** A pagination that has started landing pages but whose batch is not committed yet. */
export interface OpenBatch {
  batch_id: string;
  ingest_date: string;
  created_at: string;
  since_id: string | null;
  next_token: string | null;
  newest_id: string | null;
  parts: PartInfo[];
  posts: number;
  pages: number;
  partial_errors: number;
  /** Pagination finished (or the budget ran out); only the manifest is left to write. */
  done: boolean;
}

/** Per-collection state (a query, a user, an ID list, a stream), written atomically after each landed page. */
export interface QueryCheckpoint {
  /** What identifies the collection within its endpoint (query text and window, user ID, ID list). */
  query: string;
  endpoint: string;
  /** How people see it (`"query"`, `@user`, `ids.txt`). */
  label?: string;
  /** Money spent on it so far, as counted by the budget meter (an upper bound of X's bill). */
  spent_usd?: number;
  posts_read?: number;
  users_read?: number;
  /** Filtered stream: when the last message was landed (reconnects ask X to backfill from there). */
  last_landed_at?: string;
  /**
   * An import that committed some of its batches before it stopped: the pages (in file order)
   * already landed, and their batches; the next run lands only the pages after them.
   */
  imported?: {
    pages: number;
    batches: string[];
    /** The batch being landed when it stopped (its manifest may have been written). */
    open: { batch_id: string; ingest_date: string } | null;
  };
  /** One-off collections (a look-up of an ID list) that have finished. */
  complete?: boolean;
  /** Newest post ID of the last committed batch: the next run asks only for newer posts. */
  since_id: string | null;
  open: OpenBatch | null;
  /**
   * A pagination a budget limit cut short, after its batch was committed: the next run goes on
   * from `next_token` (with the old `since_id`) so no post in between is skipped, and only when
   * it finishes does `since_id` advance to `newest_id`.
   */
  resume?: { next_token: string; since_id: string | null; newest_id: string | null } | null;
  last_batch: { batch_id: string; committed_at: string; posts: number; pages: number } | null;
}

export function queryHash(endpoint: string, query: string): string {
  return createHash('sha256').update(`${endpoint}\n${query}`).digest('hex').slice(0, 16);
}

export async function loadCheckpoint(lake: Lake, endpoint: string, query: string): Promise<QueryCheckpoint> {
  const saved = await getJson<QueryCheckpoint>(lake, checkpointKey(endpoint, queryHash(endpoint, query)));
  return saved ?? { query, endpoint, since_id: null, open: null, last_batch: null };
}

export function saveCheckpoint(lake: Lake, cp: QueryCheckpoint): Promise<void> {
  return putJson(lake, checkpointKey(cp.endpoint, queryHash(cp.endpoint, cp.query)), cp);
}

/**
 * Runs `fn` holding the lease on one collection's checkpoint, so two processes never collect the
 * same thing at once (the second gets a `BusyError`); `what` names it in that message.
 */
export function withCheckpointLease<T>(
  lake: Lake,
  endpoint: string,
  query: string,
  what: string,
  fn: (lease: Lease) => Promise<T>,
): Promise<T> {
  return withLease(lake, `checkpoints/${endpoint}/${queryHash(endpoint, query)}`, what, fn);
}
