import type { ProcessedManifest } from '../process/processed-manifest.js';

export interface LoadResult {
  batchId: string;
  /** False when the batch was already in `etl_loads` and nothing was done. */
  loaded: boolean;
  /** Rows read from the processed zone, per warehouse table. */
  rows: Record<string, number>;
  /** Rows that were new to the warehouse, per table (the rest updated or confirmed existing rows). */
  inserted: Record<string, number>;
}

/**
 * A warehouse holding the star schema. `loadBatch` is all-or-nothing: the upserts and the
 * `etl_loads` rows of one batch commit in one transaction, and a batch already in `etl_loads`
 * is skipped, so loading anything again never changes the warehouse.
 */
export interface Warehouse {
  readonly uri: string;
  /** Creates or upgrades the schema (versioned; safe to call every time). */
  migrate(): Promise<void>;
  loadedBatches(): Promise<Set<string>>;
  /** Loads one processed batch; `files` maps each manifest key to a readable local path. */
  loadBatch(manifest: ProcessedManifest, files: ReadonlyMap<string, string>): Promise<LoadResult>;
  /** Runs a read-only query (for summaries and status). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}
