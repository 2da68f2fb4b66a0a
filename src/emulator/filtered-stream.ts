import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Corpus } from './corpus.js';
import type { CorpusPost } from './corpus-types.js';
import { FIELD_PARAMS, readFieldSelection } from './fields.js';
import { invalidRequest, type Problem } from './problems.js';
import { matchesQuery } from './query-match.js';
import { renderPosts } from './render.js';
import { checkParams } from './request-window.js';
import type { StreamRules } from './stream-rules.js';

export interface StreamOptions {
  corpus: Corpus;
  clock: () => number;
  rules: StreamRules;
  /** Keep-alive interval (X sends `\r\n` every 20 seconds). */
  keepAliveMs: number;
  /** How often new posts are looked for. */
  tickMs: number;
}

/** What a test can do to one stream connection. */
export interface StreamFault {
  /** Cut the connection after this many messages. */
  dropAfter?: number;
  /** Go silent (no posts, no keep-alives) after this many messages. */
  stallAfter?: number;
}

const PARAMS = ['backfill_minutes', ...FIELD_PARAMS];

/**
 * `GET /2/tweets/search/stream`: one long-lived response; each post created after the connection
 * (or within `backfill_minutes` before it) that matches a rule is sent as one JSON line with its
 * `matching_rules`, and a bare `\r\n` keeps the connection alive when there is nothing to send.
 */
export class FilteredStream {
  #open = 0;
  constructor(private readonly opts: StreamOptions) {}

  get connections(): number {
    return this.#open;
  }

  /** Validates the request; undefined when the connection may start. */
  check(params: URLSearchParams): Problem | undefined {
    const bad = checkParams(params, PARAMS);
    if (bad) return bad;
    const backfill = params.get('backfill_minutes');
    if (backfill !== null && !/^[0-5]$/.test(backfill))
      return invalidRequest(
        `The \`backfill_minutes\` query parameter value [${backfill}] is not between 0 and 5`,
        {
          backfill_minutes: [backfill],
        },
      );
    const sel = readFieldSelection(params);
    if ('status' in sel) return sel;
    if (this.#open > 0)
      return {
        status: 429,
        body: {
          title: 'ConnectionException',
          detail: 'This stream is currently at the maximum allowed connection limit.',
          connection_issue: 'TooManyConnections',
          type: 'https://api.twitter.com/2/problems/streaming-connection',
        },
      };
    return undefined;
  }

  serve(
    req: IncomingMessage,
    res: ServerResponse,
    params: URLSearchParams,
    fault: StreamFault,
    headers: Record<string, string>,
  ): void {
    const sel = readFieldSelection(params);
    if ('status' in sel) throw new Error('checked before');
    const { corpus, clock, rules } = this.opts;
    this.#open++;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.flushHeaders();
    let sinceMs = clock() - Number(params.get('backfill_minutes') ?? '0') * 60_000;
    let sent = 0;
    let lastWrite = Date.now();
    let closed = false;
    const write = (text: string) => {
      res.write(text);
      lastWrite = Date.now();
    };
    const tick = () => {
      if (closed) return;
      if (fault.stallAfter !== undefined && sent >= fault.stallAfter) return;
      const now = clock();
      const ruleList = rules.list();
      const due: { post: CorpusPost; matched: { id: string; tag?: string }[] }[] = [];
      for (let slot = corpus.slotAt(sinceMs); slot <= corpus.slotAt(now); slot++) {
        const post = corpus.post(slot);
        if (post.deleted || post.createdMs <= sinceMs || post.createdMs > now) continue;
        const matched = ruleList
          .filter((r) => matchesQuery(r.tree, post))
          .map((r) => (r.tag === undefined ? { id: r.id } : { id: r.id, tag: r.tag }));
        if (matched.length) due.push({ post, matched });
      }
      sinceMs = now;
      for (const { post, matched } of due) {
        if (fault.stallAfter !== undefined && sent >= fault.stallAfter) return;
        if (fault.dropAfter !== undefined && sent >= fault.dropAfter) {
          stop();
          req.socket.destroy();
          return;
        }
        const page = renderPosts(corpus, [post], sel, now);
        const message: Record<string, unknown> = { data: (page.data as unknown[])[0] };
        if (page.includes) message.includes = page.includes;
        if (page.errors) message.errors = page.errors;
        message.matching_rules = matched;
        write(`${JSON.stringify(message)}\r\n`);
        sent++;
      }
      if (Date.now() - lastWrite >= this.opts.keepAliveMs) write('\r\n');
    };
    const timer = setInterval(tick, this.opts.tickMs);
    const stop = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      this.#open--;
    };
    req.on('close', stop);
    res.on('close', stop);
  }
}
