import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import type { Engine } from '../../process/engine.js';
import { type ProcessSummary, processPending } from '../../process/index.js';
import { counts, label, plural } from '../format.js';
import { printJson, recordRun, type StageContext, stageContext } from '../stage-context.js';
import { stopOnSignals } from '../stop-on-signals.js';

/** How `process` runs: the engine and, for Spark, where. */
export interface ProcessFlags {
  engine?: string;
  emrApplicationId?: string;
  emrRoleArn?: string;
  sparkConf?: string[];
}

/** Processes every pending landing batch and prints rows per table. */
export async function runProcess(ctx: StageContext, flags: ProcessFlags = {}): Promise<ProcessSummary> {
  const started = new Date();
  const engine = await openEngine(flags);
  // Spark runs outside this process (spark-submit, EMR Serverless): a stop signal stops it and
  // cleans up first. DuckDB needs nothing: a batch commits atomically, so the process can die anywhere.
  const stop = engine ? stopOnSignals() : undefined;
  let summary: ProcessSummary;
  try {
    summary = await processPending(ctx.settings, ctx.lake, {
      progress: ctx.progress,
      engine,
      signal: stop?.signal,
    });
  } finally {
    stop?.dispose();
  }
  await recordRun(ctx.lake, 'process', started, summary);
  if (printJson(ctx, 'process', summary)) return summary;
  ctx.progress.clear();
  if (summary.batches === 0) {
    console.log(`${label('process')} nothing new to process`);
    return summary;
  }
  console.log(
    `${label('process')} ${plural(summary.batches, 'batch', 'batches')}, ${plural(summary.posts_read, 'post')} read (with the posts they reference), ` +
      `${plural(summary.duplicates, 'duplicate')} removed, ${plural(summary.quarantined, 'row')} quarantined`,
  );
  console.log(`${label('')}   ${counts(summary.rows)}`);
  return summary;
}

/** The engine the flags ask for (undefined: the default DuckDB engine); bad flags fail naming themselves. */
async function openEngine(flags: ProcessFlags): Promise<Engine | undefined> {
  const applicationId = flags.emrApplicationId ?? process.env.TWEETPIPE_EMR_APPLICATION_ID;
  const roleArn = flags.emrRoleArn ?? process.env.TWEETPIPE_EMR_ROLE_ARN;
  const sparkFlags = Boolean(flags.emrApplicationId || flags.emrRoleArn || flags.sparkConf?.length);
  const engineName =
    flags.engine ?? process.env.TWEETPIPE_ENGINE ?? (sparkFlags || applicationId ? 'spark' : 'duckdb');
  if (engineName === 'duckdb') {
    if (sparkFlags)
      throw new ConfigError('--engine', 'the EMR and --spark-conf flags are for --engine spark');
    return undefined;
  }
  if (engineName !== 'spark')
    throw new ConfigError(
      flags.engine ? '--engine' : 'TWEETPIPE_ENGINE',
      `must be duckdb or spark, got "${engineName}"`,
    );
  if (roleArn && !applicationId)
    throw new ConfigError(
      '--emr-application-id',
      'is needed with --emr-role-arn (the application to run the job on)',
    );
  if (applicationId && !roleArn)
    throw new ConfigError(
      '--emr-role-arn',
      'is needed with --emr-application-id (the runtime role the job assumes)',
    );
  const conf: Record<string, string> = {};
  for (const kv of flags.sparkConf ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new ConfigError('--spark-conf', `"${kv}" is not KEY=VALUE`);
    conf[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const { SparkEngine } = await import('../../process/spark/spark-engine.js');
  const pollMs = Number(process.env.TWEETPIPE_EMR_POLL_MS) || undefined;
  return new SparkEngine({
    conf,
    ...(applicationId ? { emr: { applicationId, roleArn: roleArn!, pollMs } } : {}),
  });
}

export function registerProcess(program: Command): void {
  program
    .command('process')
    .description('Turn new landing batches into the processed Parquet tables (DuckDB in-process, or Spark)')
    .option(
      '--engine <engine>',
      'duckdb (default) or spark (local PySpark: `make spark-deps`; or EMR Serverless); env TWEETPIPE_ENGINE',
    )
    .option(
      '--emr-application-id <id>',
      'run the Spark job on this EMR Serverless application (needs an s3:// lake; env TWEETPIPE_EMR_APPLICATION_ID)',
    )
    .option('--emr-role-arn <arn>', "the job's runtime role on EMR Serverless (env TWEETPIPE_EMR_ROLE_ARN)")
    .option(
      '--spark-conf <key=value>',
      'a Spark setting for the job, e.g. spark.executor.memory=8g (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .addHelpText(
      'after',
      '\nBad records go to quarantine/process/<batch_id>/ with their reason; the rest of the batch is processed.\n' +
        'With --emr-application-id the job file, its batch list and its output go under _spark/ in the\n' +
        'S3 lake; the command follows the job run and prints each state it passes through.',
    )
    .action(async (flags: ProcessFlags, cmd: Command) => {
      await runProcess(await stageContext(cmd.optsWithGlobals()), flags);
    });
}
