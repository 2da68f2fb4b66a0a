import { AuthError, FatalError } from '../core/errors.js';
import { plural } from '../core/plural.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { formatDuration, sleep } from '../core/sleep.js';
import type { Lake } from '../lake/lake.js';
import type { Lease } from '../lake/lease.js';
import { newBatchId } from '../lake/zones.js';
import type { Budget } from './budget.js';
import { loadCheckpoint, saveCheckpoint, withCheckpointLease } from './checkpoint.js';
import { landingLine } from './landing-line.js';
import { commitLandingBatch, writeLandingPart } from './landing-writer.js';
import { SEARCH_FIELDS } from './search-params.js';
import { describeNetworkError, type XClient } from './x-client.js';

export const STREAM_PATH = '/2/tweets/search/stream';
const SOURCE = 'stream';
const KEY = 'filtered';

export interface StreamOptions {
  /** Commit a batch every this many seconds (default 60)… */
  batchSeconds?: number;
  /** …or every this many messages, whichever comes first (default 1000). */
  batchMessages?: number;
  /** Stop after this many messages (default: run until stopped). */
  maxMessages?: number;
  /** Stop after this many seconds (default: run until stopped). */
  durationSeconds?: number;
  /** No byte (not even a keep-alive) for this long means the connection is dead (default 30 s; X sends keep-alives every 20 s). */
  stallMs?: number;
  /** Multiplies X's reconnect delays (tests shorten them). */
  backoffScale?: number;
  /** Ask X to resend what was missed while disconnected (`backfill_minutes`, up to 5; default on). */
  backfill?: boolean;
  /** Aborting it stops the stream cleanly: the open batch is committed. */
  signal?: AbortSignal;
  progress?: Progress;
}

export interface StreamResult {
  messages: number;
  batches: string[];
  reconnects: number;
  stoppedBy: 'signal' | 'max-messages' | 'duration' | 'max-cost-usd';
}

class Disconnect extends Error {
  constructor(
    readonly kind: 'network' | 'http' | 'rate-limit',
    message: string,
    readonly resetMs?: number,
  ) {
    super(message);
  }
}

/**
 * Connects to the filtered stream and lands its messages in time-rolled batches (a part and a
 * manifest per batch, then the checkpoint). Reconnects after drops and stalls with X's backoff
 * guidance (network: +250 ms up to 16 s; HTTP: from 5 s doubling to 320 s; 429: from 1 minute
 * doubling), asking for `backfill_minutes` to cover the gap. Stopping commits the open batch.
 */
export async function collectStream(
  lake: Lake,
  client: XClient,
  budget: Budget,
  options: StreamOptions = {},
): Promise<StreamResult> {
  return withCheckpointLease(lake, SOURCE, KEY, 'stream', (lease) =>
    streamLeased(lake, client, budget, options, lease),
  );
}

async function streamLeased(
  lake: Lake,
  client: XClient,
  budget: Budget,
  options: StreamOptions,
  lease: Lease,
): Promise<StreamResult> {
  const progress = options.progress ?? silentProgress;
  const batchMs = (options.batchSeconds ?? 60) * 1000;
  const batchMessages = options.batchMessages ?? 1000;
  const stallMs = options.stallMs ?? 30_000;
  const scale = options.backoffScale ?? 1;
  const deadline = options.durationSeconds
    ? Date.now() + options.durationSeconds * 1000
    : Number.POSITIVE_INFINITY;
  const cp = await loadCheckpoint(lake, SOURCE, KEY);
  cp.label = 'filtered stream';
  const result: StreamResult = { messages: 0, batches: [], reconnects: 0, stoppedBy: 'signal' };

  let spentAtLastCommit = 0;
  let open: { lines: string[]; posts: number; errors: number; newest: string | null; since: number } =
    fresh();
  function fresh() {
    return { lines: [] as string[], posts: 0, errors: 0, newest: null as string | null, since: Date.now() };
  }
  const commit = async () => {
    if (open.lines.length === 0) return;
    lease.assertHeld();
    const now = new Date();
    const batchId = newBatchId(now);
    const where = { source: SOURCE, ingestDate: now.toISOString().slice(0, 10), batchId };
    const part = await writeLandingPart(lake, where, 0, open.lines);
    await commitLandingBatch(lake, {
      batch_id: batchId,
      source: SOURCE,
      ingest_date: where.ingestDate,
      endpoint: STREAM_PATH,
      query: null,
      created_at: new Date(open.since).toISOString(),
      committed_at: now.toISOString(),
      parts: [part],
      pages: open.lines.length,
      posts: open.posts,
      partial_errors: open.errors,
      newest_id: open.newest,
    });
    cp.since_id = open.newest ?? cp.since_id;
    cp.last_landed_at = now.toISOString();
    cp.last_batch = {
      batch_id: batchId,
      committed_at: now.toISOString(),
      posts: open.posts,
      pages: open.lines.length,
    };
    cp.spent_usd = (cp.spent_usd ?? 0) + budget.spentUsd - spentAtLastCommit;
    spentAtLastCommit = budget.spentUsd;
    await saveCheckpoint(lake, cp);
    result.batches.push(batchId);
    progress.info(`stream: landed ${plural(open.lines.length, 'message')} in batch ${batchId}`);
    open = fresh();
  };

  let networkFailures = 0;
  let httpFailures = 0;
  let rateLimited = 0;
  let lastByteAt = Date.now();
  /** The newest moment up to which messages are safe: the last one received, or the last commit of an earlier run. */
  let lastMessageAt: number | undefined = cp.last_landed_at ? Date.parse(cp.last_landed_at) : undefined;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  options.signal?.addEventListener('abort', onSignal, { once: true });
  if (options.signal?.aborted) stop.abort();
  const batchTimer = setInterval(
    () => {
      if (Date.now() - open.since >= batchMs && open.lines.length > 0) void commitSafely();
    },
    Math.min(1000, batchMs),
  );
  let committing: Promise<void> = Promise.resolve();
  const commitSafely = () => {
    committing = committing.then(commit);
    return committing;
  };

  try {
    while (!stop.signal.aborted) {
      const conn = new AbortController();
      const abortConn = () => conn.abort();
      stop.signal.addEventListener('abort', abortConn, { once: true });
      const stallTimer = setInterval(
        () => {
          if (Date.now() - lastByteAt > stallMs)
            conn.abort(new Disconnect('network', 'no data or keep-alive'));
          if (Date.now() >= deadline) {
            result.stoppedBy = 'duration';
            stop.abort();
          }
        },
        Math.min(1000, stallMs / 4),
      );
      try {
        const since = lastMessageAt;
        const gapMin = since === undefined ? 0 : Math.ceil((Date.now() - since) / 60_000);
        const backfill =
          options.backfill !== false && since !== undefined && gapMin <= 5 ? Math.max(1, gapMin) : 0;
        const params = new URLSearchParams(
          Object.entries({ ...SEARCH_FIELDS, ...(backfill ? { backfill_minutes: String(backfill) } : {}) }),
        );
        const url = `${client.baseUrl}${STREAM_PATH}?${params}`;
        lastByteAt = Date.now();
        let response: Response;
        try {
          response = await fetch(url, {
            headers: { authorization: client.authorization(), 'user-agent': 'tweetpipe/0.1' },
            signal: conn.signal,
          });
        } catch (error) {
          throw stop.signal.aborted ? error : new Disconnect('network', describeNetworkError(error));
        }
        if (response.status === 401)
          throw new AuthError('X API answered 401 Unauthorized to the stream: check X_BEARER_TOKEN.');
        if (response.status === 403)
          throw new AuthError(
            `X API answered 403 Forbidden to the stream: ${await response.text()}. Your access level may not include the filtered stream.`,
          );
        if (response.status === 429) {
          const body = await response.text();
          if (body.includes('usage-capped') || body.includes('UsageCapExceeded'))
            throw new AuthError(
              'X API: usage cap reached for this billing period. Raise the cap in the developer console or wait for the next period.',
            );
          const reset = response.headers.get('x-rate-limit-reset');
          throw new Disconnect(
            'rate-limit',
            `429 ${body.includes('TooManyConnections') ? '(another connection is open)' : ''}`,
            reset ? Number(reset) * 1000 : undefined,
          );
        }
        if (response.status >= 400) {
          const body = await response.text();
          if (response.status < 500)
            throw new FatalError(`X API answered ${response.status} to the stream: ${body.slice(0, 300)}`);
          throw new Disconnect('http', `HTTP ${response.status}`);
        }
        progress.info(`stream: connected${backfill ? ` (backfill ${backfill} min)` : ''}`);
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (error) {
            throw stop.signal.aborted
              ? error
              : new Disconnect(
                  'network',
                  conn.signal.reason instanceof Disconnect
                    ? conn.signal.reason.message
                    : describeNetworkError(error),
                );
          }
          if (chunk.done) throw new Disconnect('network', 'the server closed the stream');
          lastByteAt = Date.now();
          buffer += decoder.decode(chunk.value, { stream: true });
          let end = buffer.indexOf('\r\n');
          while (end >= 0) {
            const line = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\r\n');
            if (line.trim() === '') continue; // keep-alive
            networkFailures = httpFailures = rateLimited = 0;
            await take(line);
            if (options.maxMessages !== undefined && result.messages >= options.maxMessages) {
              result.stoppedBy = 'max-messages';
              stop.abort();
            }
            if (
              budget.maxCostUsd !== undefined &&
              budget.spentUsd + budget.worstCost(1) > budget.maxCostUsd
            ) {
              result.stoppedBy = 'max-cost-usd';
              stop.abort();
            }
            if (stop.signal.aborted) break;
          }
          if (stop.signal.aborted) break;
        }
      } catch (error) {
        if (stop.signal.aborted) break;
        if (!(error instanceof Disconnect)) throw error;
        result.reconnects++;
        let delay: number;
        if (error.kind === 'network') delay = Math.min(16_000, 250 * ++networkFailures);
        else if (error.kind === 'http') delay = Math.min(320_000, 5000 * 2 ** httpFailures++);
        else delay = Math.max(60_000 * 2 ** rateLimited++, (error.resetMs ?? 0) - Date.now());
        delay *= scale;
        progress.info(`stream: disconnected (${error.message}); reconnecting in ${formatDuration(delay)}`);
        await Promise.race([
          sleep(delay),
          new Promise((r) => stop.signal.addEventListener('abort', r, { once: true })),
        ]);
      } finally {
        clearInterval(stallTimer);
        stop.signal.removeEventListener('abort', abortConn);
        conn.abort();
      }
    }
  } finally {
    clearInterval(batchTimer);
    options.signal?.removeEventListener('abort', onSignal);
    await committing;
    await commitSafely();
  }
  return result;

  async function take(raw: string): Promise<void> {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // Land it anyway: process quarantines lines it cannot read, so nothing is lost silently.
      json = {};
    }
    const data = json.data as { id?: string } | undefined;
    const errors = Array.isArray(json.errors) ? json.errors : [];
    if (!data && errors.some((e) => /disconnect/i.test(String((e as { title?: string }).title ?? '')))) {
      throw new Disconnect('network', `X ended the connection: ${JSON.stringify(errors[0]).slice(0, 200)}`);
    }
    open.lines.push(
      landingLine(
        {
          retrieved_at: new Date().toISOString(),
          endpoint: STREAM_PATH,
          query: null,
          request_url: `${client.baseUrl}${STREAM_PATH}`,
          status: 200,
        },
        raw,
      ),
    );
    budget.charge(json);
    if (data) open.posts++;
    open.errors += errors.length;
    if (data?.id && (open.newest === null || BigInt(data.id) > BigInt(open.newest))) open.newest = data.id;
    result.messages++;
    lastMessageAt = Date.now();
    progress.update(
      `stream: ${plural(result.messages, 'message')}, ${open.lines.length.toLocaleString('en-US')} in the open batch`,
    );
    if (open.lines.length >= batchMessages) await commitSafely();
  }
}
