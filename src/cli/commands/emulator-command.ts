import { type Command, Option } from 'commander';
import { parsePositiveInt } from '../../config/load-settings.js';
import { ConfigError } from '../../core/errors.js';
import { isoTimeMs } from '../../core/iso-time.js';
import { parseFaults, startEmulator } from '../../emulator/index.js';

interface EmulatorFlags {
  host: string;
  port: string;
  seed: string;
  now?: string;
  rateLimit: boolean;
  faults?: string;
  slotMs?: string;
}

export function registerEmulator(program: Command): void {
  program
    .command('emulator')
    .description(
      'Serve the bundled X API v2 emulator (search, counts, look-ups, timelines, filtered stream) until Ctrl-C',
    )
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port (0 picks a free one)').default('8790'))
    .addOption(new Option('--seed <n>', 'seed of the deterministic corpus').default('42'))
    .option('--now <iso>', 'freeze the clock at this ISO 8601 time (default: real time, the corpus grows)')
    .option('--no-rate-limit', "do not enforce X's per-endpoint rate limits")
    .option(
      '--faults <list>',
      'inject faults, in order: 429, 5xx, 503, drop, truncate, slow:MS, usage-capped, stream-drop:N, stream-stall:N (each optionally *COUNT), random:RATE',
    )
    .option(
      '--slot-ms <ms>',
      'one post per this many milliseconds (default 30000; smaller makes the stream busier)',
    )
    .addHelpText(
      'after',
      '\nAny bearer token is accepted. Point tweetpipe at it with TWEETPIPE_X_API_URL=http://127.0.0.1:8790 X_BEARER_TOKEN=any.\nThe emulator tweetpipe starts by itself (no token set) takes its faults from TWEETPIPE_EMULATOR_FAULTS.',
    )
    .action(async (flags: EmulatorFlags) => {
      const port = flags.port === '0' ? 0 : parsePositiveInt(flags.port, '--port');
      if (port > 65535) throw new ConfigError('--port', `must be 0-65535, got "${flags.port}"`);
      const seed = flags.seed === '0' ? 0 : parsePositiveInt(flags.seed, '--seed');
      const now = flags.now === undefined ? undefined : isoTimeMs(flags.now, { dateOnly: true });
      if (flags.now !== undefined && now === undefined)
        throw new ConfigError('--now', `"${flags.now}" is not an ISO 8601 time such as 2026-11-20T12:00:00Z`);
      let faults: ReturnType<typeof parseFaults> | undefined;
      try {
        faults = flags.faults ? parseFaults(flags.faults, seed) : undefined;
      } catch (error) {
        throw new ConfigError('--faults', (error as Error).message);
      }
      const slotMs = flags.slotMs === undefined ? undefined : parsePositiveInt(flags.slotMs, '--slot-ms');
      const emulator = await startEmulator({
        faults,
        slotMs,
        host: flags.host,
        port,
        seed,
        now,
        rateLimit: flags.rateLimit ? undefined : false,
      }).catch((error: NodeJS.ErrnoException) => {
        throw listenError(error, flags.host, port);
      });
      const clock = now !== undefined ? `clock frozen at ${new Date(now).toISOString()}` : 'real clock';
      console.log(
        `X API emulator listening on ${emulator.url} (seed ${seed}, ${clock}${flags.rateLimit ? '' : ', no rate limit'}). Ctrl-C stops it.`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await emulator.close();
    });
}

/** What a failed listen means for the flags that chose the address. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const at = `${host}:${port}`;
  if (error.code === 'EADDRINUSE')
    return new ConfigError('--port', `${at} is already in use; choose another port, or 0 for a free one`);
  if (error.code === 'EADDRNOTAVAIL')
    return new ConfigError('--host', `${host} is not an address of this machine`);
  if (error.code === 'EACCES')
    return new ConfigError('--port', `not allowed to listen on ${at} (ports below 1024 need privileges)`);
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN')
    return new ConfigError('--host', `"${host}" does not resolve to an address`);
  return error;
}
