import type { Command } from 'commander';
import { type ProcessSummary, processPending } from '../../process/index.js';
import { counts, label, plural } from '../format.js';
import { printJson, recordRun, type StageContext, stageContext } from '../stage-context.js';

/** Processes every pending landing batch and prints rows per table. */
export async function runProcess(ctx: StageContext): Promise<ProcessSummary> {
  const started = new Date();
  const summary = await processPending(ctx.settings, ctx.lake, { progress: ctx.progress });
  await recordRun(ctx.lake, 'process', started, summary);
  if (printJson(ctx, 'process', summary)) return summary;
  ctx.progress.clear();
  if (summary.batches === 0) {
    console.log(`${label('process')} nothing new to process`);
    return summary;
  }
  console.log(
    `${label('process')} ${plural(summary.batches, 'batch', 'batches')}, ${plural(summary.posts_read, 'post')} read, ` +
      `${plural(summary.duplicates, 'duplicate')} removed, ${plural(summary.quarantined, 'row')} quarantined`,
  );
  console.log(`${label('')}   ${counts(summary.rows)}`);
  return summary;
}

export function registerProcess(program: Command): void {
  program
    .command('process')
    .description('Turn new landing batches into the processed Parquet tables (DuckDB, in-process)')
    .addHelpText(
      'after',
      '\nBad records go to quarantine/process/<batch_id>/ with their reason; the rest of the batch is processed.',
    )
    .action(async (_flags: unknown, cmd: Command) => {
      await runProcess(await stageContext(cmd.optsWithGlobals()));
    });
}
