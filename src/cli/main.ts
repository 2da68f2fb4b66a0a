import { Command, CommanderError } from 'commander';
import { TweetpipeError } from '../core/errors.js';
import { redactSecrets } from '../core/secret.js';
import { registerCollect } from './commands/collect-command.js';
import { registerEmulator } from './commands/emulator-command.js';
import { registerEstimate } from './commands/estimate-command.js';
import { registerImport } from './commands/import-command.js';
import { registerInfra } from './commands/infra-command.js';
import { registerLoad } from './commands/load-command.js';
import { registerProcess } from './commands/process-command.js';
import { registerRun } from './commands/run-command.js';
import { registerStatus } from './commands/status-command.js';
import { registerStream } from './commands/stream-command.js';

// `tweetpipe … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });

const program = new Command('tweetpipe')
  .description('Collect posts from X API v2 into a lake, process them to Parquet, load a star schema.')
  .option('-c, --config <file>', 'config file (default: ./tweetpipe.config.json when present)')
  .option('-v, --verbose', 'show stack traces on errors')
  .option('--json', 'print each stage summary, or the status, as one JSON line (for schedulers and scripts)')
  .addHelpText(
    'after',
    `
Settings (environment wins over the config file):
  X_BEARER_TOKEN        bearer token (TWITTER_BEARER_TOKEN also accepted); never put it in a file
  TWEETPIPE_X_API_URL   default https://api.x.com; without a token the bundled emulator is used
  TWEETPIPE_LAKE        default file://./data/lake; or s3://BUCKET/PREFIX
  TWEETPIPE_WAREHOUSE   default duckdb://./data/warehouse.duckdb; or postgres://…, redshift://…,
                        redshift-data://WORKGROUP/DB (Redshift needs an s3:// lake)
  TWEETPIPE_REDSHIFT_IAM_ROLE    role ARN Redshift assumes to COPY from the lake (or "default")
  TWEETPIPE_REDSHIFT_SECRET_ARN  Secrets Manager ARN for redshift-data:// (else IAM credentials)
See the README for every setting.`,
  )
  .showHelpAfterError()
  .exitOverride();

registerRun(program);
registerCollect(program);
registerEstimate(program);
registerImport(program);
registerStream(program);
registerProcess(program);
registerLoad(program);
registerStatus(program);
registerEmulator(program);
registerInfra(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
  if (error instanceof TweetpipeError) {
    process.stderr.write(`\ntweetpipe: ${redactSecrets(error.message)}\n`);
    if (verbose && error.stack) process.stderr.write(`${redactSecrets(error.stack)}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  process.stderr.write(`\ntweetpipe: unexpected error: ${redactSecrets(e?.message ?? String(error))}\n`);
  if (e?.stack)
    process.stderr.write(
      verbose ? `${redactSecrets(e.stack)}\n` : '(run again with --verbose for the stack trace)\n',
    );
  return 1;
}
