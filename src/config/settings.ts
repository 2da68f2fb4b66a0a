import type { Secret } from '../core/secret.js';
import type { LakeOptions } from '../lake/lake.js';
import type { WarehouseOptions } from '../load/warehouse.js';

/** The validated settings every stage receives. Built only by `loadSettings`. */
export interface Settings {
  /** Bearer token for the X API; undefined when none is configured. */
  readonly bearerToken: Secret | undefined;
  /** Base URL of the X API (or an emulator), without a trailing slash. */
  readonly apiUrl: string;
  /** True when `apiUrl` is the default and no token is set: use the bundled emulator. */
  readonly useBundledEmulator: boolean;
  /** Lake root URI, e.g. `file:///abs/data/lake`. */
  readonly lake: string;
  /** How to open the lake: S3 encryption and addressing. */
  readonly lakeOptions: LakeOptions;
  /** Warehouse URI, e.g. `duckdb:///abs/data/warehouse.duckdb`. */
  readonly warehouse: string;
  /** What some warehouses need beyond their URI (Redshift: the COPY role, the Data API secret). */
  readonly warehouseOptions: WarehouseOptions;
  /** Search queries from the config file (the CLI's `--query` replaces them). */
  readonly queries: readonly string[];
  /** Cap on posts collected per run, across all queries. */
  readonly maxPosts: number;
  /** Posts per landing batch: a longer collection or import is landed as several batches. */
  readonly batchPosts: number;
  /** Search the full archive (`/2/tweets/search/all`) instead of the last 7 days. */
  readonly archive: boolean;
  /** Collection window (ISO 8601), applied to searches and timelines. */
  readonly startTime: string | undefined;
  readonly endTime: string | undefined;
  /** Accounts whose timelines to collect (usernames or numeric IDs). */
  readonly users: readonly string[];
  /** Files of post IDs to hydrate with `/2/tweets?ids=`. */
  readonly lookupFiles: readonly string[];
  /** Filtered stream rules kept in sync by `tweetpipe stream` (tags identify them). */
  readonly streamRules: readonly { value: string; tag: string }[];
  /** Spend cap per run in US dollars; undefined means no cap. */
  readonly maxCostUsd: number | undefined;
  /** Price per resource read (defaults: X's pay-per-use list). */
  readonly prices: { readonly postRead: number; readonly userRead: number };
  /** Seed of the bundled emulator's corpus. */
  readonly emulatorSeed: number;
}

export const DEFAULT_API_URL = 'https://api.x.com';
export const DEFAULT_LAKE = 'file://./data/lake';
export const DEFAULT_WAREHOUSE = 'duckdb://./data/warehouse.duckdb';
export const DEFAULT_MAX_POSTS = 10_000;
/** Posts per landing batch: about 1,000 pages of 100, which the process stage takes whole in ~1 GB. */
export const DEFAULT_BATCH_POSTS = 100_000;
/** Queries used against the bundled emulator when none are configured (a demo, never sent to X). */
export const DEMO_QUERIES = ['#AI OR #data OR #OpenSource -is:retweet', 'climate OR #climate lang:en'];
