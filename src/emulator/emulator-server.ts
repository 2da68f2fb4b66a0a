import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Corpus, DEFAULT_SLOT_MS } from './corpus.js';
import { notFound, type Problem, serverError, tooManyRequests, unauthorized } from './problems.js';
import { RateLimiter } from './rate-limiter.js';
import { searchRecent } from './search-recent.js';

/** A fault the emulator applies to the next request(s), for tests of the client's resilience. */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number }
  | { kind: 'rate-limit'; resetInSeconds: number }
  | { kind: 'drop' }
  | { kind: 'truncate' };

export interface EmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: number;
  /** Freeze the clock at this time (ISO string or epoch ms). */
  now?: string | number;
  /** A custom clock (epoch ms); overrides `now`. Tests use it to make the corpus grow. */
  clock?: () => number;
  /** Requests per window per token and endpoint; `false` turns limiting off. Default 450 per 15 minutes. */
  rateLimit?: { limit: number; windowMs: number } | false;
  slotMs?: number;
  /** When set, only these bearer tokens are accepted (others get 401). */
  acceptTokens?: string[];
}

export interface RequestRecord {
  path: string;
  params: URLSearchParams;
  status: number;
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:8790`. */
  readonly url: string;
  readonly corpus: Corpus;
  /** The corpus clock (epoch ms). */
  readonly clock: () => number;
  /** Every request served, in order. */
  readonly requests: RequestRecord[];
  /** Queues faults: each is applied to one upcoming request, in order. */
  injectFaults(...faults: Fault[]): void;
  close(): Promise<void>;
}

/** Starts the X API v2 emulator on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const corpus = new Corpus(options.seed ?? 42, options.slotMs ?? DEFAULT_SLOT_MS);
  const frozen =
    options.now === undefined
      ? undefined
      : typeof options.now === 'number'
        ? options.now
        : Date.parse(options.now);
  if (frozen !== undefined && Number.isNaN(frozen))
    throw new Error(`--now: "${options.now}" is not an ISO 8601 time`);
  const clock = options.clock ?? (frozen !== undefined ? () => frozen : Date.now);
  const limiter =
    options.rateLimit === false
      ? undefined
      : new RateLimiter(options.rateLimit?.limit ?? 450, options.rateLimit?.windowMs ?? 15 * 60_000);
  const faults: Fault[] = [];
  const requests: RequestRecord[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const record = (status: number) =>
      requests.push({ path: url.pathname, params: url.searchParams, status });
    const sendProblem = (problem: Problem, headers: Record<string, string> = {}) => {
      record(problem.status);
      res.writeHead(problem.status, { 'content-type': 'application/problem+json', ...headers });
      res.end(JSON.stringify(problem.body));
    };
    if (req.method !== 'GET')
      return sendProblem({
        status: 405,
        body: {
          title: 'Method Not Allowed',
          type: 'about:blank',
          status: 405,
          detail: `${req.method} is not supported here`,
        },
      });
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ok":true}');
    }
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (!token || (options.acceptTokens && !options.acceptTokens.includes(token)))
      return sendProblem(unauthorized());
    if (url.pathname !== '/2/tweets/search/recent') return sendProblem(notFound(url.pathname));

    const fault = faults.shift();
    if (fault?.kind === 'drop') {
      record(0);
      return void req.socket.destroy();
    }
    if (fault?.kind === 'status') return sendProblem(serverError(fault.status));
    const rate = limiter?.take(`${token}:${url.pathname}`);
    const headers: Record<string, string> = rate
      ? {
          'x-rate-limit-limit': String(rate.limit),
          'x-rate-limit-remaining': String(Math.max(0, rate.remaining)),
          'x-rate-limit-reset': String(rate.reset),
        }
      : {};
    if (fault?.kind === 'rate-limit') {
      const reset = String(Math.ceil(Date.now() / 1000 + fault.resetInSeconds));
      return sendProblem(tooManyRequests(), {
        'x-rate-limit-limit': headers['x-rate-limit-limit'] ?? '450',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': reset,
      });
    }
    if (rate && !rate.allowed) return sendProblem(tooManyRequests(), headers);

    const result = searchRecent(url.searchParams, { corpus, nowMs: clock() });
    if (result.status !== 200) return sendProblem(result, headers);
    const body = JSON.stringify(result.body);
    record(200);
    if (fault?.kind === 'truncate') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.write(body.slice(0, Math.floor(body.length / 2)));
      return void req.socket.destroy();
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({ title: 'Internal Error', type: 'about:blank', status: 500, detail: String(error) }),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    corpus,
    clock,
    requests,
    injectFaults: (...f: Fault[]) => void faults.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
