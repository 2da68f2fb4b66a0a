import type { Command } from 'commander';
import { formatUsd } from '../../collect/budget.js';
import { stream, withApi } from '../../collect/index.js';
import { parsePositiveInt, parseUsd } from '../../config/load-settings.js';
import { ConfigError } from '../../core/errors.js';
import { label, plural } from '../format.js';
import { printJson, recordRun, stageContext } from '../stage-context.js';
import { stopOnSignals } from '../stop-on-signals.js';
import { collectValues } from './collect-command.js';

interface StreamFlags {
  rule?: string[];
  batchSeconds: string;
  batchMessages: string;
  maxMessages?: string;
  duration?: string;
  maxCostUsd?: string;
  backfill: boolean;
}

export function registerStream(program: Command): void {
  program
    .command('stream')
    .description('Land the filtered stream in time-rolled batches, with rules kept in sync with the config')
    .option(
      '-r, --rule <tag=query>',
      'a stream rule (repeatable; replaces "streamRules" of the config)',
      collectValues,
      undefined,
    )
    .option('--batch-seconds <n>', 'commit a landing batch every N seconds', '60')
    .option('--batch-messages <n>', 'or every N messages, whichever comes first', '1000')
    .option('--max-messages <n>', 'stop after N messages')
    .option('--duration <seconds>', 'stop after this many seconds')
    .option('--max-cost-usd <usd>', 'stop before the posts and users received would cost more than USD')
    .option('--no-backfill', 'do not ask X for backfill_minutes after a reconnect')
    .addHelpText(
      'after',
      `
Rules are identified by their tag: rules on X that are not in the config (or whose value changed)
are deleted, missing ones added. Ctrl-C (SIGINT) or SIGTERM stops cleanly: the open batch is
committed first. After a dropped connection tweetpipe reconnects with X's backoff and asks for
up to 5 minutes of backfill, so a short gap loses nothing (duplicates are removed by process).
Backfill needs an access level that offers it; without it, posts sent while disconnected are lost.`,
    )
    .action(async (flags: StreamFlags, cmd: Command) => {
      const ctx = await stageContext(cmd.optsWithGlobals());
      const rules = flags.rule?.map((r) => {
        const at = r.indexOf('=');
        if (at <= 0 || at === r.length - 1) throw new ConfigError('--rule', `"${r}" is not TAG=QUERY`);
        return { tag: r.slice(0, at).trim(), value: r.slice(at + 1).trim() };
      });
      const stop = stopOnSignals(() => ctx.progress.info('stream: stopping; committing the open batch…'));
      const started = new Date();
      try {
        const result = await withApi(ctx.settings, ctx.progress, (settings) =>
          stream(settings, ctx.lake, {
            rules,
            batchSeconds: parsePositiveInt(flags.batchSeconds, '--batch-seconds'),
            batchMessages: parsePositiveInt(flags.batchMessages, '--batch-messages'),
            maxMessages:
              flags.maxMessages === undefined
                ? undefined
                : parsePositiveInt(flags.maxMessages, '--max-messages'),
            durationSeconds:
              flags.duration === undefined ? undefined : parsePositiveInt(flags.duration, '--duration'),
            maxCostUsd:
              flags.maxCostUsd === undefined ? undefined : parseUsd(flags.maxCostUsd, '--max-cost-usd'),
            backfill: flags.backfill,
            signal: stop.signal,
            progress: ctx.progress,
          }),
        );
        await recordRun(ctx.lake, 'stream', started, result);
        if (printJson(ctx, 'stream', result)) return;
        ctx.progress.clear();
        console.log(
          `${label('stream')} ${plural(result.messages, 'message')} in ${plural(result.batches.length, 'batch', 'batches')}, ${plural(result.reconnects, 'reconnect')}; rules: ${result.rules.kept} kept, ${result.rules.added} added, ${result.rules.deleted} deleted; stopped by ${result.stoppedBy}` +
            (result.stoppedBy === 'max-cost-usd'
              ? ` (${formatUsd(flags.maxCostUsd ? Number(flags.maxCostUsd) : 0)} cap)`
              : ''),
        );
      } finally {
        stop.dispose();
      }
    });
}
