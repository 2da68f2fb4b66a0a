import type { Command } from 'commander';
import { type LoadSummary, load } from '../../load/index.js';
import { counts, label, n, plural } from '../format.js';
import { printJson, recordRun, type StageContext, stageContext } from '../stage-context.js';

/** Loads every processed batch not yet in the warehouse and prints rows per table. */
export async function runLoad(ctx: StageContext): Promise<LoadSummary> {
  const started = new Date();
  const summary = await load(ctx.settings, ctx.lake, { progress: ctx.progress });
  await recordRun(ctx.lake, 'load', started, summary);
  if (printJson(ctx, 'load', summary)) return summary;
  ctx.progress.clear();
  if (summary.batches === 0) {
    console.log(
      summary.skipped === 0
        ? `${label('load')} nothing to load: the processed zone holds no batches yet (\`tweetpipe process\` makes them)`
        : `${label('load')} nothing new to load (${plural(summary.skipped, 'batch', 'batches')} already loaded)`,
    );
    return summary;
  }
  console.log(
    `${label('load')} ${n(summary.batches)} ${summary.batches === 1 ? 'batch' : 'batches'} loaded into ${summary.warehouse}`,
  );
  const read = Object.values(summary.rows).reduce((a, b) => a + b, 0);
  const fresh = Object.values(summary.inserted).reduce((a, b) => a + b, 0);
  console.log(
    `${label('')}   ${n(read)} rows read, ${n(fresh)} new to the warehouse` +
      (read > fresh ? ' (the others updated or confirmed rows already there):' : ':'),
  );
  console.log(`${label('')}   new: ${counts(summary.inserted)}`);
  return summary;
}

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('Load new processed batches into the warehouse star schema (one transaction per batch)')
    .action(async (_flags: unknown, cmd: Command) => {
      await runLoad(await stageContext(cmd.optsWithGlobals()));
    });
}
