import { AuthError, FatalError, RetryableError } from '../core/errors.js';
import { type Progress, silentProgress } from '../core/progress.js';
import type { Secret } from '../core/secret.js';
import { formatDuration, sleep } from '../core/sleep.js';

/** One API response, kept exactly as received. */
export interface ApiResponse {
  /** Request URL without credentials (the token travels only in the Authorization header). */
  url: string;
  status: number;
  /** The body text as received. */
  body: string;
  /** The parsed body. */
  json: Record<string, unknown>;
  retrievedAt: Date;
}

/** A 4xx other than 401/403/429: the request itself is wrong. */
export class ApiRequestError extends FatalError {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
    message: string,
  ) {
    super(message);
  }
}

export interface XClientOptions {
  baseUrl: string;
  bearer: Secret;
  progress?: Progress;
  /** First backoff delay for 5xx and network errors (default 1 s); doubles up to `maxBackoffMs`. */
  retryBaseMs?: number;
  maxBackoffMs?: number;
  /** Attempts per request before giving up on 5xx/network errors (default 6). */
  maxAttempts?: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
}

interface Window {
  remaining: number;
  resetMs: number;
}

/** X's documented spacing beyond the 15-minute windows: full-archive search and counts, 1 request per second. */
const MIN_INTERVAL_MS: Record<string, number> = {
  '/2/tweets/search/all': 1000,
  '/2/tweets/counts/all': 1000,
};

/** Rate limits are per endpoint, not per user: `/2/users/123/tweets` → `/2/users/:id/tweets`. */
export function endpointTemplate(path: string): string {
  const [, version = '', rest = path] = /^(\/\d+)(\/.*)$/.exec(path) ?? [];
  return (
    version +
    rest.replace(/\/\d+(?=\/|$)/g, '/:id').replace(/\/by\/username\/[^/]+$/, '/by/username/:username')
  );
}

/**
 * A small typed client for X API v2 on `fetch`. It paces requests from the rate-limit headers so
 * normal operation never draws a 429, waits out a 429 until the reset it names, retries 5xx and
 * network errors with capped exponential backoff, and stops on 401/403 with a message.
 */
export class XClient {
  readonly #opts: Required<Omit<XClientOptions, 'progress'>> & { progress: Progress };
  readonly #windows = new Map<string, Window>();
  readonly #lastRequest = new Map<string, number>();

  constructor(options: XClientOptions) {
    this.#opts = {
      retryBaseMs: 1000,
      maxBackoffMs: 60_000,
      maxAttempts: 6,
      timeoutMs: 60_000,
      progress: silentProgress,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
  }

  /** GETs `path` with `params`, handling pacing, retries and errors as described on the class. */
  async get(path: string, params: Record<string, string | undefined>): Promise<ApiResponse> {
    return this.request('GET', path, params);
  }

  /** Sends one request with a JSON body (stream rules), with the same pacing and retries. */
  post(path: string, params: Record<string, string | undefined>, json: unknown): Promise<ApiResponse> {
    return this.request('POST', path, params, JSON.stringify(json));
  }

  /** The `Authorization` header value (for the stream connection, which does not go through `request`). */
  authorization(): string {
    return `Bearer ${this.#opts.bearer.reveal()}`;
  }

  get baseUrl(): string {
    return this.#opts.baseUrl;
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | undefined>,
    body?: string,
  ): Promise<ApiResponse> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v);
    const qs = query.toString();
    const url = `${this.#opts.baseUrl}${path}${qs ? `?${qs}` : ''}`;
    const endpoint = endpointTemplate(path);
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      await this.#pace(endpoint);
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization: this.authorization(),
            'user-agent': 'tweetpipe/0.1',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body,
          signal: AbortSignal.timeout(this.#opts.timeoutMs),
        });
        text = await response.text();
        // Spacing counts from the answer, not the send: the server saw the request no earlier.
        this.#lastRequest.set(endpoint, Date.now());
      } catch (error) {
        this.#lastRequest.set(endpoint, Date.now());
        const what =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${formatDuration(this.#opts.timeoutMs)}`
            : `network error (${describeNetworkError(error)})`;
        failures = await this.#backoff(failures, what, true);
        continue;
      }
      this.#remember(endpoint, response.headers);
      const status = response.status;
      if (status === 200 || status === 201) {
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          failures = await this.#backoff(failures, 'incomplete response body');
          continue;
        }
        return { url, status, body: text, json, retrievedAt: new Date() };
      }
      const problem = parseProblem(text);
      if (status === 429) {
        if (
          JSON.stringify(problem).includes('UsageCapExceeded') ||
          String(problem.type ?? '').includes('usage-capped')
        ) {
          throw new AuthError(
            'X API: usage cap reached for this billing period. Raise the cap in the developer console or wait for the next period.',
          );
        }
        rateLimited++;
        if (rateLimited > 10)
          throw new RetryableError(
            'X API kept answering 429 Too Many Requests after 10 waits; try again later.',
          );
        await this.#waitForReset(endpoint, response.headers);
        continue;
      }
      if (status >= 500) {
        failures = await this.#backoff(failures, `HTTP ${status}`);
        continue;
      }
      if (status === 401) {
        throw new AuthError(
          'X API answered 401 Unauthorized: the bearer token was refused. Check X_BEARER_TOKEN (an app-only bearer token from the X developer console).',
        );
      }
      if (status === 403) {
        throw new AuthError(
          `X API answered 403 Forbidden: ${problemText(problem)}. Your access level may not include ${path}; check your plan in the X developer console.`,
        );
      }
      throw new ApiRequestError(
        status,
        problem,
        `X API answered ${status} for ${path}: ${problemText(problem)}`,
      );
    }
  }

  /**
   * Waits until the window resets when the last response said none are left, and keeps X's
   * minimum spacing where it has one, so normal operation never draws a 429.
   */
  async #pace(endpoint: string): Promise<void> {
    const w = this.#windows.get(endpoint);
    if (w && w.remaining <= 0 && w.resetMs > Date.now()) {
      await this.#countdown(w.resetMs + Math.random() * 1000, `rate limit of ${endpoint} reached`);
    }
    const gap = MIN_INTERVAL_MS[endpoint];
    if (gap) {
      const wait = (this.#lastRequest.get(endpoint) ?? 0) + gap + 50 - Date.now();
      if (wait > 0) await sleep(wait);
    }
  }

  #remember(path: string, headers: Headers): void {
    const remaining = headers.get('x-rate-limit-remaining');
    const reset = headers.get('x-rate-limit-reset');
    if (remaining !== null && reset !== null && /^\d+$/.test(remaining) && /^\d+$/.test(reset)) {
      this.#windows.set(path, { remaining: Number(remaining), resetMs: Number(reset) * 1000 });
    }
  }

  async #waitForReset(path: string, headers: Headers): Promise<void> {
    const reset = headers.get('x-rate-limit-reset');
    const resetMs = reset && /^\d+$/.test(reset) ? Number(reset) * 1000 : Date.now() + 60_000;
    this.#windows.set(path, { remaining: 0, resetMs });
    // Never longer than the reset says, plus up to one second of jitter so clients do not stampede.
    await this.#countdown(Math.max(resetMs, Date.now()) + Math.random() * 1000, '429 Too Many Requests');
  }

  async #countdown(untilMs: number, reason: string): Promise<void> {
    const at = new Date(untilMs).toISOString().slice(11, 19);
    this.#opts.progress.info(`${reason}: waiting ${formatDuration(untilMs - Date.now())} until ${at} UTC`);
    for (let left = untilMs - Date.now(); left > 0; left = untilMs - Date.now()) {
      this.#opts.progress.update(`${reason}: resuming in ${formatDuration(left)}`);
      await sleep(Math.min(left, 1000));
    }
  }

  async #backoff(failures: number, what: string, unreachable = false): Promise<number> {
    const attempt = failures + 1;
    if (attempt >= this.#opts.maxAttempts) {
      // The origin only: a URL's user and password, path and query stay out of the message.
      const at = new URL(this.#opts.baseUrl).origin;
      throw new RetryableError(
        `X API request to ${at} failed ${attempt} times (last: ${what}); ` +
          (unreachable
            ? 'check TWEETPIPE_X_API_URL and the network, or try again later.'
            : 'try again later.'),
      );
    }
    const delay =
      Math.min(this.#opts.maxBackoffMs, this.#opts.retryBaseMs * 2 ** failures) * (0.5 + Math.random() / 2);
    this.#opts.progress.info(
      `${what}; retry ${attempt}/${this.#opts.maxAttempts - 1} in ${formatDuration(delay)}`,
    );
    await sleep(delay);
    return attempt;
  }
}

function parseProblem(body: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : { detail: body.slice(0, 200) };
  } catch {
    return { detail: body.slice(0, 200) };
  }
}

function problemText(problem: Record<string, unknown>): string {
  const errors = problem.errors as { message?: string }[] | undefined;
  const first = errors?.find((e) => e.message)?.message;
  return first ?? String(problem.detail ?? problem.title ?? 'unknown error');
}

/**
 * A network error in a few words: the system's code (ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET…) when
 * there is one, else what `fetch` said of the cause ("bad port" for a port it refuses), else the
 * error's name.
 */
export function describeNetworkError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? (e.cause?.message || undefined) ?? e.name ?? e.message ?? String(error);
}
