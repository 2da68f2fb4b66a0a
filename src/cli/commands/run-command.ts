import type { Command } from 'commander';
import { redactUri } from '../../core/redact-uri.js';
import { openWarehouse } from '../../load/index.js';
import { stageContext } from '../stage-context.js';
import { warehouseAnswers } from '../warehouse-answers.js';
import { type CollectFlags, runCollect, withCollectOptions } from './collect-command.js';
import { runLoad } from './load-command.js';
import { runProcess } from './process-command.js';

export function registerRun(program: Command): void {
  withCollectOptions(
    program
      .command('run')
      .description('Collect, then process, then load; finishes whatever an earlier run left half done'),
  ).action(async (flags: CollectFlags, cmd: Command) => {
    const ctx = await stageContext(cmd.optsWithGlobals());
    // The warehouse first: a run that could not load should stop before it pays X for posts.
    await (await openWarehouse(ctx.settings.warehouse, ctx.settings.warehouseOptions)).close();
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
    console.log('Next: run it again to collect only new posts, or `npx tweetpipe status` to see every zone.');
  });
}
