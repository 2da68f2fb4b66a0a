/**
 * Errors typed by what the caller should do next (see architecture.md, principle 6):
 * - `RetryableError`: try again later (429, 5xx, network).
 * - `FatalError` and subclasses: stop and tell the user what to fix.
 * A bad record is not an error: the stage that reads it quarantines it with its reason and carries on.
 * Only the CLI entry turns these into exit codes and one-line messages.
 */
export class TweetpipeError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Something the user must fix; retrying will not help. */
export class FatalError extends TweetpipeError {}

/** A setting is missing or invalid. The message names the setting. */
export class ConfigError extends FatalError {
  override readonly exitCode = 2;
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
  }
}

/** The API refused our credentials (401/403) or our account is capped. */
export class AuthError extends FatalError {
  override readonly exitCode = 3;
}

/**
 * Another tweetpipe process is doing this work right now (it holds the lease, `lake/lease.ts`);
 * nothing was done. Run again when it has finished. Exits 4.
 */
export class BusyError extends TweetpipeError {
  override readonly exitCode = 4;
}

/** A transient failure: the same call may succeed later. */
export class RetryableError extends TweetpipeError {
  constructor(
    message: string,
    /** Earliest time (epoch ms) worth trying again, when the server said so. */
    readonly retryAt?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The command was stopped by a signal (Ctrl-C, or a scheduler stopping the task) after it cleaned
 * up; nothing it had not committed is visible. Exits 130 (SIGINT) or 143 (SIGTERM), as a shell would.
 */
export class StoppedError extends TweetpipeError {
  override readonly exitCode: number;
  constructor(
    readonly signal: string,
    message: string,
  ) {
    super(message);
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}
