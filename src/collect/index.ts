import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../config/settings.js';
import { ConfigError, FatalError } from '../core/errors.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { Secret } from '../core/secret.js';
import type { Lake } from '../lake/lake.js';
import { Budget } from './budget.js';
import { collectFairly, type SourceJob } from './collect-fairly.js';
import { collectPages, type QueryResult } from './collect-pages.js';
import { collectStream, type StreamOptions, type StreamResult } from './collect-stream.js';
import { lookupSource, type PageSource, searchSource, timelineSource } from './page-source.js';
import { resolveUser } from './resolve-user.js';
import { type RuleSync, syncStreamRules } from './stream-rules-sync.js';
import { XClient, type XClientOptions } from './x-client.js';

export type { QueryResult } from './collect-pages.js';

/** What to collect; when none of these is given, the config file's sources are used. */
export interface CollectTargets {
  queries?: readonly string[];
  users?: readonly string[];
  lookupFiles?: readonly string[];
  archive?: boolean;
  startTime?: string;
  endTime?: string;
}

export interface CollectOptions extends CollectTargets {
  maxPosts?: number;
  maxCostUsd?: number;
  progress?: Progress;
  /** Client tuning (tests shorten the backoff). */
  client?: Partial<XClientOptions>;
  /** Posts per landing batch before a long pagination goes on in a new batch (default `settings.batchPosts`). */
  maxBatchPosts?: number;
}

export interface CollectResult {
  apiUrl: string;
  queries: QueryResult[];
  posts: number;
  pages: number;
  spentUsd: number;
  /** Set when a limit stopped collection early. */
  stoppedBy: 'max-posts' | 'max-cost-usd' | null;
}

/**
 * The collect stage: searches (recent or full-archive), user timelines and ID look-ups, each
 * landed as batches with its own checkpoint. Uses `settings.apiUrl` with the bearer token;
 * see `withApi` for the bundled emulator.
 */
export async function collect(
  settings: Settings,
  lake: Lake,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const progress = options.progress ?? silentProgress;
  const fromCli = Boolean(options.queries?.length || options.users?.length || options.lookupFiles?.length);
  const queries = fromCli ? (options.queries ?? []) : settings.queries;
  const users = fromCli ? (options.users ?? []) : settings.users;
  const files = fromCli ? (options.lookupFiles ?? []) : settings.lookupFiles;
  if (queries.length + users.length + files.length === 0) {
    throw new ConfigError(
      '--query',
      'nothing to collect: pass --query Q, --user NAME or --ids FILE, or set "queries", "users" or "lookupFiles" in tweetpipe.config.json',
    );
  }
  if (!settings.bearerToken) {
    throw new ConfigError('X_BEARER_TOKEN', `is not set; it is needed to call ${settings.apiUrl}`);
  }
  const window = {
    startTime: options.startTime ?? settings.startTime,
    endTime: options.endTime ?? settings.endTime,
  };
  if (window.startTime && window.endTime && Date.parse(window.startTime) >= Date.parse(window.endTime))
    throw new ConfigError('--end-time', `must be after --start-time (${window.startTime})`);
  const archive = options.archive ?? settings.archive;
  // Read every ID file before any request is paid for: a bad file fails fast.
  const lookups: PageSource[] = [];
  for (const file of files) lookups.push(await lookupFromFile(file));

  const client = new XClient({
    baseUrl: settings.apiUrl,
    bearer: settings.bearerToken,
    progress,
    ...options.client,
  });
  const budget = new Budget(
    options.maxPosts ?? settings.maxPosts,
    options.maxCostUsd ?? settings.maxCostUsd,
    settings.prices,
  );
  const paging = { maxBatchPosts: options.maxBatchPosts ?? settings.batchPosts };
  const pages = (src: PageSource) => (again: boolean) =>
    collectPages(lake, client, src, budget, progress, { ...paging, pass: again ? 'again' : 'shared' });
  const jobs: SourceJob[] = queries.map((query) => pages(searchSource(query, archive, window)));
  for (const user of users) {
    let resolved: Awaited<ReturnType<typeof resolveUser>> | undefined;
    jobs.push(async (again) => {
      resolved ??= await resolveUser(lake, client, user, budget);
      if (!resolved) return budgetSkipped(`@${user}`);
      return pages(timelineSource(resolved.id, resolved.label, window))(again);
    });
  }
  for (const src of lookups) jobs.push(pages(src));
  const results = await collectFairly(jobs, budget);
  return {
    apiUrl: settings.apiUrl,
    queries: results,
    posts: results.reduce((n, r) => n + r.posts, 0),
    pages: results.reduce((n, r) => n + r.pages, 0),
    spentUsd: budget.spentUsd,
    stoppedBy: budget.stoppedBy,
  };
}

/** A timeline whose user could not be looked up within the budget. */
function budgetSkipped(query: string): QueryResult {
  return {
    query,
    source: 'timeline',
    batchId: null,
    batches: [],
    posts: 0,
    pages: 0,
    resumed: false,
    partialErrors: 0,
    spentUsd: 0,
    skipped: 'budget',
  };
}

/** Reads a file of post IDs: one per line (a CSV's first column, a URL ending in the ID also do). */
export async function lookupFromFile(file: string): Promise<PageSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      '--ids',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const first = line
      .split(/[,\t;]/)[0]!
      .trim()
      .replace(/^"|"$/g, '');
    const id = /^\d{1,19}$/.test(first) ? first : /\/status(?:es)?\/(\d{1,19})/.exec(first)?.[1];
    if (!id) {
      if (i === 0 && /[a-z]/i.test(first)) continue; // a CSV header
      throw new FatalError(
        `${file}, line ${i + 1}: "${line.slice(0, 60)}" is not a post ID (digits) or a post URL`,
      );
    }
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  if (ids.length === 0) throw new ConfigError('--ids', `${file} holds no post IDs`);
  const key = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 32);
  return lookupSource(ids, key, `${path.basename(file)} (${ids.length} IDs)`);
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
  const { startEmulator, parseFaults } = await import('../emulator/index.js');
  const faultSpec = process.env.TWEETPIPE_EMULATOR_FAULTS;
  let faults: ReturnType<typeof parseFaults> | undefined;
  try {
    faults = faultSpec ? parseFaults(faultSpec, settings.emulatorSeed) : undefined;
  } catch (error) {
    throw new ConfigError('TWEETPIPE_EMULATOR_FAULTS', (error as Error).message);
  }
  const emulator = await startEmulator({ seed: settings.emulatorSeed, faults });
  progress.info(
    `No X_BEARER_TOKEN set: using the bundled X API emulator at ${emulator.url} (seed ${settings.emulatorSeed}${faultSpec ? `, faults ${faultSpec}` : ''}).`,
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

export interface StreamRunOptions extends StreamOptions {
  /** Replaces the config's `streamRules` when given. */
  rules?: readonly { value: string; tag: string }[];
  maxCostUsd?: number;
  client?: Partial<XClientOptions>;
}

/** `tweetpipe stream`: syncs the rules, then lands the filtered stream until stopped. */
export async function stream(
  settings: Settings,
  lake: Lake,
  options: StreamRunOptions = {},
): Promise<StreamResult & { rules: RuleSync }> {
  const progress = options.progress ?? silentProgress;
  const rules = options.rules && options.rules.length > 0 ? options.rules : settings.streamRules;
  if (rules.length === 0)
    throw new ConfigError(
      'streamRules',
      'no stream rules: pass --rule TAG=QUERY or set "streamRules" in tweetpipe.config.json',
    );
  if (!settings.bearerToken)
    throw new ConfigError('X_BEARER_TOKEN', `is not set; it is needed to call ${settings.apiUrl}`);
  const client = new XClient({
    baseUrl: settings.apiUrl,
    bearer: settings.bearerToken,
    progress,
    ...options.client,
  });
  const sync = await syncStreamRules(client, rules, progress);
  const budget = new Budget(
    Number.POSITIVE_INFINITY,
    options.maxCostUsd ?? settings.maxCostUsd,
    settings.prices,
  );
  const result = await collectStream(lake, client, budget, { ...options, progress });
  return { ...result, rules: sync };
}
