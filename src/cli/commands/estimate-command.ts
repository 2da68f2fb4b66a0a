import type { Command } from 'commander';
import { formatUsd } from '../../collect/budget.js';
import { estimate } from '../../collect/estimate.js';
import { withApi } from '../../collect/index.js';
import { loadSettings, parseIsoTime } from '../../config/load-settings.js';
import { terminalProgress } from '../cli-progress.js';
import { label } from '../format.js';

interface EstimateFlags {
  query: string;
  archive?: boolean;
  startTime?: string;
  endTime?: string;
  config?: string;
}

export function registerEstimate(program: Command): void {
  program
    .command('estimate')
    .description(
      'Print how many posts a query matches per day and what collecting them would cost, before a cent is spent',
    )
    .requiredOption('-q, --query <query>', 'search query')
    .option('--archive', 'count the full archive (/2/tweets/counts/all) instead of the last 7 days')
    .option('--start-time <iso>', 'oldest post time, ISO 8601')
    .option('--end-time <iso>', 'newest post time, ISO 8601')
    .addHelpText(
      'after',
      '\nUses the counts endpoints, which return numbers, not posts. Prices come from "prices" in the config file\n(default: X pay-per-use, $0.005 per post read, $0.010 per user read).',
    )
    .action(async (flags: EstimateFlags, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as { config?: string };
      const settings = loadSettings({ configFile: opts.config });
      const progress = terminalProgress();
      const startTime =
        flags.startTime === undefined ? undefined : parseIsoTime(flags.startTime, '--start-time');
      const endTime = flags.endTime === undefined ? undefined : parseIsoTime(flags.endTime, '--end-time');
      const e = await withApi(settings, progress, (s) =>
        estimate(s, flags.query, { archive: flags.archive, startTime, endTime, progress }),
      );
      progress.clear();
      console.log(`${label('estimate')} "${e.query}" (${e.archive ? 'full archive' : 'last 7 days'})`);
      const width = Math.max(...e.days.map((d) => d.posts.toLocaleString('en-US').length), 1);
      for (const d of e.days)
        console.log(`${label('')}   ${d.day}  ${d.posts.toLocaleString('en-US').padStart(width)} posts`);
      console.log(
        `${label('')}   total ${e.posts.toLocaleString('en-US')} posts: ${formatUsd(e.postsUsd)} at ${formatUsd(settings.prices.postRead)} per post read, up to ${formatUsd(e.withAuthorsUsd)} with each post's author (${formatUsd(settings.prices.userRead)} per user read); X bills each resource once per UTC day`,
      );
    });
}
