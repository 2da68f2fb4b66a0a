import type { Command } from 'commander';
import { redactUri } from '../../core/redact-uri.js';
import { openWarehouse } from '../../load/index.js';
import { stageContext } from '../stage-context.js';
import { warehouseAnswers } from '../warehouse-answers.js';
import { type CollectFlags, collectValues, runCollect } from './collect-command.js';
import { runLoad } from './load-command.js';
import { runProcess } from './process-command.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Collect, then process, then load; finishes whatever an earlier run left half done')
    .option(
      '-q, --query <query>',
      'search query (repeatable; replaces the queries of the config file)',
      collectValues,
      undefined,
    )
    .option('--archive', 'search the full archive instead of the last 7 days')
    .option('--start-time <iso>', 'oldest post time, ISO 8601')
    .option('--end-time <iso>', 'newest post time, ISO 8601')
    .option('-u, --user <name-or-id>', "a user's timeline (repeatable)", collectValues, undefined)
    .option('--ids <file>', 'hydrate the post IDs in FILE (repeatable)', collectValues, undefined)
    .option('--max-posts <n>', 'stop collecting after about N posts in this run (default 10000)')
    .option('--max-cost-usd <usd>', 'stop collecting before this run would spend more than USD')
    .action(async (flags: CollectFlags, cmd: Command) => {
      const ctx = await stageContext(cmd.optsWithGlobals());
      await runCollect(ctx, flags);
      await runProcess(ctx);
      await runLoad(ctx);
      if (ctx.json) return;
      const warehouse = await openWarehouse(ctx.settings.warehouse, ctx.settings.warehouseOptions);
      try {
        console.log('');
        for (const line of await warehouseAnswers(warehouse)) console.log(line);
      } finally {
        await warehouse.close();
      }
      console.log(`\nWarehouse: ${redactUri(ctx.settings.warehouse).replace(/^duckdb:\/\//, '')}`);
      console.log(
        'Next: run it again to collect only new posts, or `npx tweetpipe status` to see every zone.',
      );
    });
}
