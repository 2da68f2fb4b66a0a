import type { Command } from 'commander';
import { formatUsd } from '../../collect/budget.js';
import { type CollectResult, collect, withApi } from '../../collect/index.js';
import {
  checkQuery,
  checkUser,
  parseIsoTime,
  parsePositiveInt,
  parseUsd,
} from '../../config/load-settings.js';
import { batchesText, label, plural } from '../format.js';
import { printJson, recordRun, type StageContext, stageContext } from '../stage-context.js';

export interface CollectFlags {
  query?: string[];
  user?: string[];
  ids?: string[];
  archive?: boolean;
  startTime?: string;
  endTime?: string;
  maxPosts?: string;
  maxCostUsd?: string;
}

/** Runs collect (starting the bundled emulator when needed) and prints its summary. */
export async function runCollect(ctx: StageContext, flags: CollectFlags): Promise<CollectResult> {
  const started = new Date();
  const maxPosts = flags.maxPosts === undefined ? undefined : parsePositiveInt(flags.maxPosts, '--max-posts');
  const maxCostUsd =
    flags.maxCostUsd === undefined ? undefined : parseUsd(flags.maxCostUsd, '--max-cost-usd');
  const startTime = flags.startTime === undefined ? undefined : parseIsoTime(flags.startTime, '--start-time');
  const endTime = flags.endTime === undefined ? undefined : parseIsoTime(flags.endTime, '--end-time');
  const queries = flags.query?.map((q) => checkQuery(q, '--query'));
  const users = flags.user?.map((u) => checkUser(u, '--user'));
  const result = await withApi(ctx.settings, ctx.progress, (settings) =>
    collect(settings, ctx.lake, {
      queries,
      users,
      lookupFiles: flags.ids,
      archive: flags.archive,
      startTime,
      endTime,
      maxPosts,
      maxCostUsd,
      progress: ctx.progress,
    }),
  );
  await recordRun(ctx.lake, 'collect', started, result);
  if (printJson(ctx, 'collect', result)) return result;
  ctx.progress.clear();
  const partial = result.queries.reduce((s, q) => s + q.partialErrors, 0);
  const cost = ctx.settings.useBundledEmulator
    ? `worth about ${formatUsd(result.spentUsd)} at X's prices (the emulator bills nothing)`
    : `about ${formatUsd(result.spentUsd)} spent`;
  console.log(
    `${label('collect')} ${plural(result.posts, 'post')} in ${plural(result.pages, 'page')} from ${plural(result.queries.length, 'source')}, ${cost}` +
      (partial ? `; ${plural(partial, 'partial error')} kept in landing` : ''),
  );
  for (const q of result.queries) {
    const what =
      q.skipped === 'complete'
        ? 'already collected in full (nothing to do)'
        : q.batchId
          ? `${plural(q.posts, 'new post')}, ${plural(q.pages, 'page')} → ${batchesText(q.batches)}`
          : q.skipped === 'budget'
            ? 'not started: budget reached'
            : 'no new posts';
    console.log(`${label('')}   ${q.query}: ${what}${q.resumed ? ' (resumed an interrupted run)' : ''}`);
  }
  if (result.stoppedBy === 'max-cost-usd')
    console.log(
      `${label('')}   stopped before exceeding --max-cost-usd ${formatUsd(maxCostUsd ?? ctx.settings.maxCostUsd ?? 0)}: ${formatUsd(result.spentUsd)} spent; the next run goes on where this one stopped`,
    );
  else if (result.stoppedBy === 'max-posts')
    console.log(`${label('')}   stopped at --max-posts; the next run goes on where this one stopped`);
  return result;
}

/** The source and limit flags, shared by `collect` and `run`. */
export function withCollectOptions(cmd: Command): Command {
  return cmd
    .option('-q, --query <query>', 'search query (repeatable)', collectValues, undefined)
    .option('--archive', 'search the full archive (/2/tweets/search/all, up to 500 per page, 1 request/s)')
    .option('--start-time <iso>', 'oldest post time, ISO 8601 (e.g. 2026-01-01T00:00:00Z)')
    .option('--end-time <iso>', 'newest post time, ISO 8601 (at least 10 s in the past)')
    .option(
      '-u, --user <name-or-id>',
      "a user's timeline (repeatable; X serves only the 3,200 most recent posts)",
      collectValues,
      undefined,
    )
    .option(
      '--ids <file>',
      'hydrate the post IDs in FILE (one per line; 100 per request; repeatable)',
      collectValues,
      undefined,
    )
    .option(
      '--max-posts <n>',
      'stop after about N posts in this run, across all sources (default 10000; X sends at least 10 a page)',
    )
    .option(
      '--max-cost-usd <usd>',
      'stop before this run would spend more than USD (prices: see "prices" in the README)',
    );
}

export function registerCollect(program: Command): void {
  withCollectOptions(
    program
      .command('collect')
      .description(
        'Collect posts from X API v2 (search, full-archive search, timelines, ID look-ups) into the landing zone',
      ),
  )
    .addHelpText(
      'after',
      `
--query, --user and --ids replace the sources of the config file ("queries", "users",
"lookupFiles"). Each source keeps a checkpoint in the lake: the next run fetches only newer
posts, an interrupted run resumes from its last landed page, and a finished look-up is not paid
for twice. Without X_BEARER_TOKEN and with the default TWEETPIPE_X_API_URL, the bundled X API
emulator is started on a free loopback port. Recent search covers the last 7 days; --archive
goes back to 2006 (30 days by default when --start-time is not given). See also: tweetpipe
estimate, tweetpipe stream, tweetpipe import.`,
    )
    .action(async (flags: CollectFlags, cmd: Command) => {
      await runCollect(await stageContext(cmd.optsWithGlobals()), flags);
    });
}

export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
