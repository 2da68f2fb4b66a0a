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
  /** Seed of the bundled emulator's corpus. */
  readonly emulatorSeed: number;
}

export const DEFAULT_API_URL = 'https://api.x.com';
export const DEFAULT_LAKE = 'file://./data/lake';
export const DEFAULT_WAREHOUSE = 'duckdb://./data/warehouse.duckdb';
export const DEFAULT_MAX_POSTS = 10_000;
/** Queries used against the bundled emulator when none are configured (a demo, never sent to X). */
export const DEMO_QUERIES = ['#AI OR #data OR #OpenSource -is:retweet', 'climate OR #climate lang:en'];
