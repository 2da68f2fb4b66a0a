import type { CorpusPost, CorpusUser } from './corpus-types.js';
import { FIELD_PARAMS, readFieldSelection, USER_FIELDS } from './fields.js';
import { invalidRequest, resourceNotFound } from './problems.js';
import { renderPosts, renderUser } from './render.js';
import { checkParams, isProblem, readMaxResults, readWindow } from './request-window.js';
import { pageOf, type SearchContext, type SearchResult, scanWindow } from './search-posts.js';

/** X serves only a user's 3,200 most recent posts from the timeline endpoint. */
export const TIMELINE_HORIZON = 3200;
/** How far back the emulator looks for a user's posts (its corpus is synthetic and endless). */
const TIMELINE_SCAN_MS = 30 * 86_400_000;

/** `GET /2/users/by/username/:username` and `GET /2/users/:id`. */
export function userLookup(
  by: 'username' | 'id',
  value: string,
  params: URLSearchParams,
  ctx: SearchContext,
): SearchResult {
  const bad = checkParams(params, ['user.fields', 'expansions', 'tweet.fields']);
  if (bad) return bad;
  const valid = by === 'id' ? /^\d{1,19}$/.test(value) : /^[A-Za-z0-9_]{1,15}$/.test(value);
  if (!valid)
    return invalidRequest(
      `The \`${by}\` query parameter value [${value}] does not match ${by === 'id' ? '^[0-9]{1,19}$' : '^[A-Za-z0-9_]{1,15}$'}`,
      { [by]: [value] },
    );
  const fields = new Set((params.get('user.fields') ?? '').split(',').filter(Boolean));
  for (const f of fields)
    if (!USER_FIELDS.includes(f))
      return invalidRequest(
        `The \`user.fields\` query parameter value [${f}] is not one of [${USER_FIELDS.join(',')}]`,
        {
          'user.fields': [f],
        },
      );
  const user = by === 'id' ? ctx.corpus.userById(value) : ctx.corpus.userByName(value);
  if (!user) return { status: 200, body: { errors: [resourceNotFound(value, by, 'user')] } };
  return { status: 200, body: { data: renderUser(user, fields) } };
}

const timelineCache = new Map<string, CorpusPost[]>();

/** The user's most recent posts (at most 3,200), newest first, as of `nowMs`. */
function timelineOf(ctx: SearchContext, user: CorpusUser): CorpusPost[] {
  const key = `${ctx.corpus.seed}:${ctx.corpus.slotMs}:${user.id}:${ctx.corpus.slotAt(ctx.nowMs)}`;
  let posts = timelineCache.get(key);
  if (!posts) {
    if (timelineCache.size > 32) timelineCache.clear();
    const found: CorpusPost[] = [];
    const all = { lower: ctx.nowMs - TIMELINE_SCAN_MS, upper: ctx.nowMs + 1, since: -1n, until: 1n << 63n };
    scanWindow(ctx.corpus, all, (post) => {
      if (post.author.id === user.id) found.push(post);
      return found.length < TIMELINE_HORIZON;
    });
    posts = found;
    timelineCache.set(key, posts);
  }
  return posts;
}

/** `GET /2/users/:id/tweets`: a user's posts, newest first, paged with `pagination_token`. */
export function userTimeline(userId: string, params: URLSearchParams, ctx: SearchContext): SearchResult {
  const bad = checkParams(params, [
    'start_time',
    'end_time',
    'since_id',
    'until_id',
    'max_results',
    'pagination_token',
    'exclude',
    ...FIELD_PARAMS,
  ]);
  if (bad) return bad;
  if (!/^\d{1,19}$/.test(userId))
    return invalidRequest(`The \`id\` query parameter value [${userId}] does not match ^[0-9]{1,19}$`, {
      id: [userId],
    });
  const max = readMaxResults(params, 5, 100, 10);
  if (isProblem(max)) return max;
  const sel = readFieldSelection(params);
  if ('status' in sel) return sel;
  const exclude = new Set((params.get('exclude') ?? '').split(',').filter(Boolean));
  for (const e of exclude)
    if (e !== 'replies' && e !== 'retweets')
      return invalidRequest(`The \`exclude\` query parameter value [${e}] is not one of [replies,retweets]`, {
        exclude: [e],
      });
  const w = readWindow(params, {
    nowMs: ctx.nowMs,
    oldestMs: Date.parse('2010-11-06T00:00:00Z'),
    sinceWithinWindow: false,
    tokenParam: 'pagination_token',
  });
  if (isProblem(w)) return w;
  const user = ctx.corpus.userById(userId);
  if (!user) return { status: 200, body: { errors: [resourceNotFound(userId, 'id', 'user')] } };

  const page: CorpusPost[] = [];
  let more = false;
  for (const post of timelineOf(ctx, user)) {
    const id = BigInt(post.id);
    if (id >= w.until || post.createdMs >= w.upper) continue;
    if (id <= w.since || post.createdMs < w.lower) break;
    const type = post.referenced[0]?.type;
    if (exclude.has('retweets') && type === 'retweeted') continue;
    if (exclude.has('replies') && type === 'replied_to') continue;
    if (page.length === max) {
      more = true;
      break;
    }
    page.push(post);
  }
  return pageOf(ctx, page, sel, more, 'next_token');
}

/** `GET /2/tweets?ids=…`: up to 100 posts by ID; missing or deleted ones become partial errors. */
export function tweetsLookup(params: URLSearchParams, ctx: SearchContext): SearchResult {
  const bad = checkParams(params, ['ids', ...FIELD_PARAMS]);
  if (bad) return bad;
  const raw = params.get('ids');
  if (raw === null || raw === '')
    return invalidRequest('The `ids` query parameter can not be empty', { ids: [''] });
  const ids = [...new Set(raw.split(','))];
  if (ids.length > 100)
    return invalidRequest(
      `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100`,
      {
        ids: [raw],
      },
    );
  for (const id of ids)
    if (!/^\d{1,19}$/.test(id))
      return invalidRequest(`The \`ids\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, {
        ids: [id],
      });
  const sel = readFieldSelection(params);
  if ('status' in sel) return sel;
  const found: CorpusPost[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const id of ids) {
    const hit = ctx.corpus.postById(id);
    if (!hit || hit.post.deleted || hit.post.createdMs > ctx.nowMs) errors.push(resourceNotFound(id, 'ids'));
    else if (!found.includes(hit.post)) found.push(hit.post);
  }
  const body = found.length ? renderPosts(ctx.corpus, found, sel, ctx.nowMs) : {};
  if (errors.length) body.errors = [...((body.errors as unknown[]) ?? []), ...errors];
  return { status: 200, body };
}
