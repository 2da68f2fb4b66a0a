import { createHash } from 'node:crypto';
import { getJson, type Lake, putJson } from '../lake/lake.js';
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

/** Per-query collection state, written atomically after each landed page. */
export interface QueryCheckpoint {
  query: string;
  endpoint: string;
  /** Newest post ID of the last committed batch: the next run asks only for newer posts. */
  since_id: string | null;
  open: OpenBatch | null;
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
