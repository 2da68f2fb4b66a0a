import type { Settings } from '../config/settings.js';
import { ConfigError } from '../core/errors.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { Secret } from '../core/secret.js';
import type { Lake } from '../lake/lake.js';
import { collectSearchQuery, type QueryResult } from './collect-search.js';
import { XClient, type XClientOptions } from './x-client.js';

export interface CollectOptions {
  /** Replaces the configured queries when given. */
  queries?: readonly string[];
  maxPosts?: number;
  progress?: Progress;
  /** Client tuning (tests shorten the backoff). */
  client?: Partial<XClientOptions>;
}

export interface CollectResult {
  apiUrl: string;
  queries: QueryResult[];
  posts: number;
  pages: number;
}

/**
 * The collect stage: for each query, land new posts from recent search into the lake.
 * Uses `settings.apiUrl` with the bearer token; see `withApi` for the bundled emulator.
 */
export async function collect(
  settings: Settings,
  lake: Lake,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const progress = options.progress ?? silentProgress;
  const queries = options.queries && options.queries.length > 0 ? options.queries : settings.queries;
  if (queries.length === 0) {
    throw new ConfigError(
      '--query',
      'no queries to collect: pass --query Q or set "queries" in tweetpipe.config.json',
    );
  }
  if (!settings.bearerToken) {
    throw new ConfigError('X_BEARER_TOKEN', `is not set; it is needed to call ${settings.apiUrl}`);
  }
  const client = new XClient({
    baseUrl: settings.apiUrl,
    bearer: settings.bearerToken,
    progress,
    ...options.client,
  });
  const budget = { remaining: options.maxPosts ?? settings.maxPosts };
  const results: QueryResult[] = [];
  for (const query of queries) results.push(await collectSearchQuery(lake, client, query, budget, progress));
  return {
    apiUrl: settings.apiUrl,
    queries: results,
    posts: results.reduce((n, r) => n + r.posts, 0),
    pages: results.reduce((n, r) => n + r.pages, 0),
  };
}

/**
 * Runs `fn` with settings that point at a usable API: when no token is set and the API URL is
 * the default, starts the bundled emulator on a free loopback port and says so in one line.
 */
export async function withApi<T>(
  settings: Settings,
  progress: Progress,
  fn: (s: Settings) => Promise<T>,
): Promise<T> {
  if (!settings.useBundledEmulator) return fn(settings);
  const { startEmulator } = await import('../emulator/index.js');
  const emulator = await startEmulator({ seed: settings.emulatorSeed });
  progress.info(
    `No X_BEARER_TOKEN set: using the bundled X API emulator at ${emulator.url} (seed ${settings.emulatorSeed}).`,
  );
  try {
    return await fn({
      ...settings,
      apiUrl: emulator.url,
      bearerToken: new Secret('tweetpipe-emulator'),
      useBundledEmulator: false,
    });
  } finally {
    await emulator.close();
  }
}
