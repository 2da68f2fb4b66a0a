import { FatalError } from '../core/errors.js';
import type { Lake } from '../lake/lake.js';
import type { ProcessedManifest } from '../process/processed-manifest.js';

export interface LoadResult {
  batchId: string;
  /** False when the batch was already in `etl_loads` and nothing was done. */
  loaded: boolean;
  /** Rows read from the processed zone, per warehouse table. */
  rows: Record<string, number>;
  /** Rows that were new to the warehouse, per table (the rest updated or confirmed existing rows). */
  inserted: Record<string, number>;
  /** What the user should know about how the batch was loaded (e.g. values the warehouse cut to fit). */
  notes?: string[];
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

/**
 * A warehouse that reads a batch straight from the lake (Redshift's `COPY … FROM 's3://…'`)
 * instead of from local copies of its files. An optional capability: test it with `copiesFromLake`.
 */
export interface LakeCopyWarehouse extends Warehouse {
  loadBatchFromLake(manifest: ProcessedManifest, lake: Lake): Promise<LoadResult>;
}

/** True when `w` loads batches straight from the lake (no local copies needed). */
export function copiesFromLake(w: Warehouse): w is LakeCopyWarehouse {
  return typeof (w as Partial<LakeCopyWarehouse>).loadBatchFromLake === 'function';
}

/** Settings some warehouses need beyond their URI (Redshift's COPY role and Data API secret). */
export interface WarehouseOptions {
  /** IAM role ARN that Redshift assumes to read the lake in `COPY`, or `default`. */
  redshiftIamRole?: string;
  /** Secrets Manager ARN with the database credentials, for `redshift-data://`. */
  redshiftSecretArn?: string;
  /**
   * Only to read (`status`): a DuckDB file is attached read-only and a PostgreSQL session is
   * read-only, so nothing can change the warehouse; `migrate` and `loadBatch` then fail.
   */
  readOnly?: boolean;
}

/** Another process holds the warehouse (a DuckDB file open elsewhere); `reason` says so without naming it. */
export class WarehouseInUseError extends FatalError {
  constructor(
    warehouse: string,
    /** "in use by another process (/usr/bin/node, PID 5835)" */
    readonly reason: string,
  ) {
    super(`warehouse ${warehouse} is ${reason}`);
  }
}
