import type { Command } from 'commander';
import { collect, type CollectResult, withApi } from '../../collect/index.js';
import { parsePositiveInt } from '../../config/load-settings.js';
import { label, plural } from '../format.js';
import { recordRun, type StageContext, stageContext } from '../stage-context.js';

export interface CollectFlags {
  query?: string[];
  maxPosts?: string;
}

/** Runs collect (starting the bundled emulator when needed) and prints its summary. */
export async function runCollect(ctx: StageContext, flags: CollectFlags): Promise<CollectResult> {
  const started = new Date();
  const maxPosts = flags.maxPosts === undefined ? undefined : parsePositiveInt(flags.maxPosts, '--max-posts');
  const result = await withApi(ctx.settings, ctx.progress, (settings) =>
    collect(settings, ctx.lake, { queries: flags.query, maxPosts, progress: ctx.progress }),
  );
  await recordRun(ctx.lake, 'collect', started, result);
  ctx.progress.clear();
  const partial = result.queries.reduce((s, q) => s + q.partialErrors, 0);
  console.log(
    `${label('collect')} ${plural(result.posts, 'post')} in ${plural(result.pages, 'page')} from ${plural(result.queries.length, 'query', 'queries')}` +
      (partial ? ` (${plural(partial, 'partial error')} kept in landing)` : ''),
  );
  for (const q of result.queries) {
    const what = q.batchId
      ? `${plural(q.posts, 'new post')}, ${plural(q.pages, 'page')} → batch ${q.batchId}`
      : 'no new posts';
    console.log(`${label('')}   "${q.query}": ${what}${q.resumed ? ' (resumed an interrupted run)' : ''}`);
  }
  return result;
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('Collect new posts from X API v2 recent search into the landing zone')
    .option(
      '-q, --query <query>',
      'search query (repeatable; replaces the queries of the config file)',
      collectValues,
      undefined,
    )
    .option('--max-posts <n>', 'stop after about N posts in this run, across all queries (default 10000)')
    .addHelpText(
      'after',
      `
Each query keeps a since_id checkpoint in the lake: the next run fetches only newer posts.
An interrupted run resumes from its last landed page. Without X_BEARER_TOKEN and with the
default TWEETPIPE_X_API_URL, the bundled X API emulator is started on a free loopback port.
Recent search covers the last 7 days.`,
    )
    .action(async (flags: CollectFlags, cmd: Command) => {
      await runCollect(await stageContext(cmd.optsWithGlobals()), flags);
    });
}

export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
