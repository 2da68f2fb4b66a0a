import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import type { Engine } from '../../process/engine.js';
import { type ProcessSummary, processPending } from '../../process/index.js';
import { counts, label, plural } from '../format.js';
import { printJson, recordRun, type StageContext, stageContext } from '../stage-context.js';

/** Processes every pending landing batch and prints rows per table. */
export async function runProcess(ctx: StageContext, engineName = 'duckdb'): Promise<ProcessSummary> {
  const started = new Date();
  let engine: Engine | undefined;
  if (engineName === 'spark')
    engine = new (await import('../../process/spark/spark-engine.js')).SparkEngine();
  else if (engineName !== 'duckdb')
    throw new ConfigError('--engine', `must be duckdb or spark, got "${engineName}"`);
  const summary = await processPending(ctx.settings, ctx.lake, { progress: ctx.progress, engine });
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
    .description('Turn new landing batches into the processed Parquet tables (DuckDB in-process, or Spark)')
    .option(
      '--engine <engine>',
      'duckdb (default) or spark (PySpark in local mode; `make spark-deps`)',
      'duckdb',
    )
    .addHelpText(
      'after',
      '\nBad records go to quarantine/process/<batch_id>/ with their reason; the rest of the batch is processed.',
    )
    .action(async (flags: { engine: string }, cmd: Command) => {
      await runProcess(await stageContext(cmd.optsWithGlobals()), flags.engine);
    });
}
