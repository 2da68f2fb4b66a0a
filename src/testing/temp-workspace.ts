import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_BATCH_POSTS, type Settings } from '../config/settings.js';
import { Secret } from '../core/secret.js';

/** A temporary folder with a lake and a warehouse path in it, and settings pointing at them. */
export interface TempWorkspace {
  dir: string;
  lakeUri: string;
  warehousePath: string;
  settings(apiUrl: string, overrides?: Partial<Settings>): Settings;
  remove(): void;
}

export function tempWorkspace(prefix = 'tweetpipe-test-'): TempWorkspace {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const lakeUri = pathToFileURL(path.join(dir, 'lake')).href;
  const warehousePath = path.join(dir, 'warehouse.duckdb');
  return {
    dir,
    lakeUri,
    warehousePath,
    settings: (apiUrl, overrides = {}) => ({
      bearerToken: new Secret('test-bearer-token-0123456789'),
      apiUrl,
      useBundledEmulator: false,
      lake: lakeUri,
      lakeOptions: {},
      warehouse: `duckdb://${warehousePath}`,
      warehouseOptions: {},
      queries: [],
      maxPosts: 100_000,
      batchPosts: DEFAULT_BATCH_POSTS,
      archive: false,
      startTime: undefined,
      endTime: undefined,
      users: [],
      lookupFiles: [],
      streamRules: [],
      maxCostUsd: undefined,
      prices: { postRead: 0.005, userRead: 0.01 },
      emulatorSeed: 42,
      ...overrides,
    }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
