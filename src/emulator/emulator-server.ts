import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isoTimeMs } from '../core/iso-time.js';
import { Corpus, DEFAULT_SLOT_MS } from './corpus.js';
import { type Fault, type FaultPlan, FaultSource } from './faults.js';
import { FilteredStream } from './filtered-stream.js';
import {
  notFound,
  type Problem,
  serverError,
  tooManyRequests,
  unauthorized,
  usageCapped,
} from './problems.js';
import { RateLimiter } from './rate-limiter.js';
import { type SearchContext, type SearchResult, searchPosts } from './search-posts.js';
import { StreamRules } from './stream-rules.js';
import { tweetCounts } from './tweet-counts.js';
import { tweetsLookup, userLookup, userTimeline } from './user-endpoints.js';

export type { Fault } from './faults.js';

export interface EmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: number;
  /** Freeze the clock at this time (ISO string or epoch ms). */
  now?: string | number;
  /** A custom clock (epoch ms); overrides `now`. Tests use it to make the corpus grow. */
  clock?: () => number;
  /**
   * Requests per window per token, for every endpoint; `false` turns limiting off. By default
   * each endpoint has X's app-only limit per 15 minutes (recent search 450, full-archive 300 and
   * 1 per second, …).
   */
  rateLimit?: { limit: number; windowMs: number } | false;
  slotMs?: number;
  /** When set, only these bearer tokens are accepted (others get 401). */
  acceptTokens?: string[];
  /** Faults applied to requests from the start (see `parseFaults`). */
  faults?: FaultPlan;
  /** Filtered stream keep-alive interval (default 20 s, as X). */
  streamKeepAliveMs?: number;
}

export interface RequestRecord {
  method: string;
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
  /** The filtered stream's rules. */
  readonly rules: StreamRules;
  /** Queues faults: each is applied to one upcoming request, in order. */
  injectFaults(...faults: Fault[]): void;
  close(): Promise<void>;
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** X's app-only limit per 15 minutes. */
  limit: number;
  /** Minimum spacing between requests (full-archive search: 1 per second). */
  minIntervalMs?: number;
  run?: (m: RegExpExecArray, params: URLSearchParams, ctx: SearchContext, body: string) => SearchResult;
}

const ROUTES: Route[] = [
  {
    name: 'search_recent',
    method: 'GET',
    pattern: /^\/2\/tweets\/search\/recent$/,
    limit: 450,
    run: (_m, p, c) => searchPosts(p, c, 'recent'),
  },
  {
    name: 'search_all',
    method: 'GET',
    pattern: /^\/2\/tweets\/search\/all$/,
    limit: 300,
    minIntervalMs: 1000,
    run: (_m, p, c) => searchPosts(p, c, 'all'),
  },
  {
    name: 'counts_recent',
    method: 'GET',
    pattern: /^\/2\/tweets\/counts\/recent$/,
    limit: 300,
    run: (_m, p, c) => tweetCounts(p, c, 'recent'),
  },
  {
    name: 'counts_all',
    method: 'GET',
    pattern: /^\/2\/tweets\/counts\/all$/,
    limit: 300,
    minIntervalMs: 1000,
    run: (_m, p, c) => tweetCounts(p, c, 'all'),
  },
  {
    name: 'tweets_lookup',
    method: 'GET',
    pattern: /^\/2\/tweets$/,
    limit: 3500,
    run: (_m, p, c) => tweetsLookup(p, c),
  },
  {
    name: 'user_timeline',
    method: 'GET',
    pattern: /^\/2\/users\/([^/]+)\/tweets$/,
    limit: 1500,
    run: (m, p, c) => userTimeline(decodeURIComponent(m[1]!), p, c),
  },
  {
    name: 'user_by_username',
    method: 'GET',
    pattern: /^\/2\/users\/by\/username\/([^/]+)$/,
    limit: 300,
    run: (m, p, c) => userLookup('username', decodeURIComponent(m[1]!), p, c),
  },
  {
    name: 'user_by_id',
    method: 'GET',
    pattern: /^\/2\/users\/(\d+)$/,
    limit: 300,
    run: (m, p, c) => userLookup('id', m[1]!, p, c),
  },
  { name: 'stream_rules_get', method: 'GET', pattern: /^\/2\/tweets\/search\/stream\/rules$/, limit: 450 },
  { name: 'stream_rules_post', method: 'POST', pattern: /^\/2\/tweets\/search\/stream\/rules$/, limit: 450 },
  { name: 'stream', method: 'GET', pattern: /^\/2\/tweets\/search\/stream$/, limit: 50 },
];

/** Starts the X API v2 emulator on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const slotMs = options.slotMs ?? DEFAULT_SLOT_MS;
  const corpus = new Corpus(options.seed ?? 42, slotMs);
  const frozen =
    options.now === undefined
      ? undefined
      : typeof options.now === 'number'
        ? options.now
        : (isoTimeMs(options.now, { dateOnly: true }) ?? Number.NaN);
  if (frozen !== undefined && Number.isNaN(frozen))
    throw new Error(`--now: "${options.now}" is not an ISO 8601 time`);
  const clock = options.clock ?? (frozen !== undefined ? () => frozen : Date.now);
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (route: Route): RateLimiter | undefined => {
    if (options.rateLimit === false) return undefined;
    let l = limiters.get(route.name);
    if (!l) {
      l = new RateLimiter(
        options.rateLimit?.limit ?? route.limit,
        options.rateLimit?.windowMs ?? 15 * 60_000,
      );
      limiters.set(route.name, l);
    }
    return l;
  };
  const lastRequest = new Map<string, number>();
  const faults = new FaultSource(options.faults);
  const requests: RequestRecord[] = [];
  const rules = new StreamRules();
  const stream = new FilteredStream({
    corpus,
    clock,
    rules,
    keepAliveMs: options.streamKeepAliveMs ?? 20_000,
    tickMs: Math.max(20, Math.min(1000, Math.floor(slotMs / 2))),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const record = (status: number) =>
      requests.push({ method, path: url.pathname, params: url.searchParams, status });
    const sendProblem = (problem: Problem, headers: Record<string, string> = {}) => {
      record(problem.status);
      res.writeHead(problem.status, { 'content-type': 'application/problem+json', ...headers });
      res.end(JSON.stringify(problem.body));
    };
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ok":true}');
    }
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || (options.acceptTokens && !options.acceptTokens.includes(token)))
      return sendProblem(unauthorized());
    const route = ROUTES.find((r) => r.method === method && r.pattern.test(url.pathname));
    const match = route?.pattern.exec(url.pathname);
    if (!route || !match) {
      if (ROUTES.some((r) => r.pattern.test(url.pathname)))
        return sendProblem({
          status: 405,
          body: {
            title: 'Method Not Allowed',
            type: 'about:blank',
            status: 405,
            detail: `${method} is not supported here`,
          },
        });
      return sendProblem(notFound(url.pathname));
    }
    const body = method === 'POST' ? await readBody(req) : '';

    const fault = faults.next();
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'drop') {
      record(0);
      return void req.socket.destroy();
    }
    if (fault?.kind === 'status') return sendProblem(serverError(fault.status));
    if (fault?.kind === 'usage-capped') return sendProblem(usageCapped());
    const rate = limiterFor(route)?.take(`${token}`);
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
        'x-rate-limit-limit': headers['x-rate-limit-limit'] ?? String(route.limit),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': reset,
      });
    }
    if (rate && !rate.allowed) return sendProblem(tooManyRequests(), headers);
    if (route.minIntervalMs && options.rateLimit !== false) {
      const key = `${token}:${route.name}`;
      const last = lastRequest.get(key) ?? 0;
      const now = Date.now();
      if (now - last < route.minIntervalMs) {
        return sendProblem(tooManyRequests(), {
          ...headers,
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.ceil((last + route.minIntervalMs) / 1000)),
        });
      }
      lastRequest.set(key, now);
    }

    const ctx: SearchContext = { corpus, nowMs: clock() };
    if (route.name === 'stream') {
      const problem = stream.check(url.searchParams);
      if (problem) return sendProblem(problem, headers);
      record(200);
      return stream.serve(
        req,
        res,
        url.searchParams,
        fault?.kind === 'stream-drop'
          ? { dropAfter: fault.afterMessages }
          : fault?.kind === 'stream-stall'
            ? { stallAfter: fault.afterMessages }
            : {},
        headers,
      );
    }
    const result: SearchResult | { status: number; body: Record<string, unknown> } =
      route.name === 'stream_rules_get'
        ? rules.get(url.searchParams)
        : route.name === 'stream_rules_post'
          ? rules.post(url.searchParams, body)
          : route.run!(match, url.searchParams, ctx, body);
    if (result.status >= 400) return sendProblem(result, headers);
    const text = JSON.stringify(result.body);
    record(result.status);
    res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    if (fault?.kind === 'truncate') {
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return void req.socket.destroy();
    }
    res.end(text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void req.socket.destroy();
      res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({ title: 'Internal Error', type: 'about:blank', status: 500, detail: String(error) }),
      );
    });
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
    rules,
    injectFaults: (...f: Fault[]) => faults.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
