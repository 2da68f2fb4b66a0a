import { jsonText } from '../core/json-text.js';
import { snowflakeTime } from '../core/snowflake.js';
import { emptyTableRows, type TableRows } from '../schema/tables.js';
import { cleanText, normalizeTag, normalizeText, urlDomain } from './clean/clean-text.js';
import { parseTimestamp } from './clean/parse-timestamp.js';
import { placeEntities } from './clean/place-entities.js';

// biome-ignore lint/suspicious/noExplicitAny: API responses are untrusted JSON, checked field by field.
type Json = Record<string, any>;
const MAX_INT64 = 9223372036854775807n;

/** A record that could not be used, with why. Nothing is dropped silently. */
export interface QuarantineRecord {
  reason: string;
  part: string;
  line: number;
  /** The offending input: the raw line, or the post object. */
  raw: string;
}

/** Per-batch reconciliation: posts_read = posts_written + posts_quarantined + posts_duplicate. */
export interface BatchStats {
  lines_read: number;
  lines_quarantined: number;
  posts_read: number;
  posts_written: number;
  posts_quarantined: number;
  posts_duplicate: number;
  users_read: number;
  users_quarantined: number;
  partial_errors: number;
}

interface Candidate {
  post: Json;
  retrievedMs: number;
  retrievedAt: string;
  match: boolean;
}

/** A decimal 64-bit X ID, or null. */
export function toId(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value)) return null;
  return BigInt(value) <= MAX_INT64 ? value : null;
}

function idProblem(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return 'post without id';
  return toId(value) === null ? `id ${jsonText(value).slice(0, 40)} is not a decimal 64-bit integer` : null;
}

/** A JSON string value, or null (a value of another type is not cast). */
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/**
 * Turns one landing batch's lines into rows of every processed table, applying the contract's
 * rules: validation to quarantine, dedupe by key (latest `retrieved_at` wins), `note_tweet`
 * text and entities, cleaned text and re-anchored entity offsets. Feed lines with `addLine`,
 * then call `finish` once.
 */
export class BatchFlattener {
  readonly quarantine: QuarantineRecord[] = [];
  readonly stats: BatchStats = {
    lines_read: 0,
    lines_quarantined: 0,
    posts_read: 0,
    posts_written: 0,
    posts_quarantined: 0,
    posts_duplicate: 0,
    users_read: 0,
    users_quarantined: 0,
    partial_errors: 0,
  };
  readonly #posts = new Map<string, Candidate>();
  readonly #users = new Map<string, { user: Json; retrievedMs: number; retrievedAt: string }>();
  readonly #media = new Map<string, { media: Json; retrievedAt: string }>();
  readonly #places = new Map<string, { place: Json; retrievedAt: string }>();

  constructor(readonly batchId: string) {}

  /** Adds one landing line (`part` names its file, `line` is 1-based). */
  addLine(text: string, part: string, line: number): void {
    if (text.trim() === '') return;
    this.stats.lines_read++;
    let wrapper: Json;
    try {
      wrapper = JSON.parse(text);
    } catch (error) {
      this.#quarantineLine(`line is not valid JSON: ${(error as Error).message}`, part, line, text);
      return;
    }
    const response = wrapper?.response;
    const retrievedMs = parseTimestamp(wrapper?.retrieved_at);
    if (typeof response !== 'object' || response === null || Array.isArray(response)) {
      this.#quarantineLine('line has no "response" object', part, line, text);
      return;
    }
    if (retrievedMs === null) {
      this.#quarantineLine('line has no valid "retrieved_at"', part, line, text);
      return;
    }
    const retrievedAt = new Date(retrievedMs).toISOString();
    if (Array.isArray(response.errors)) this.stats.partial_errors += response.errors.length;
    const data = Array.isArray(response.data)
      ? response.data
      : response.data && typeof response.data === 'object'
        ? [response.data]
        : [];
    const includes = (response.includes ?? {}) as Json;
    for (const post of data) this.#addPost(post, true, retrievedMs, retrievedAt, part, line);
    for (const post of Array.isArray(includes.tweets) ? includes.tweets : [])
      this.#addPost(post, false, retrievedMs, retrievedAt, part, line);
    for (const user of Array.isArray(includes.users) ? includes.users : []) {
      this.stats.users_read++;
      const id = toId(user?.id);
      if (id === null) {
        this.stats.users_quarantined++;
        this.quarantine.push({
          reason: `user ${idProblem(user?.id)?.replace('post', 'user')}`,
          part,
          line,
          raw: jsonText(user),
        });
        continue;
      }
      const seen = this.#users.get(id);
      if (!seen || retrievedMs >= seen.retrievedMs) this.#users.set(id, { user, retrievedMs, retrievedAt });
    }
    for (const media of Array.isArray(includes.media) ? includes.media : []) {
      if (typeof media?.media_key === 'string') this.#media.set(media.media_key, { media, retrievedAt });
    }
    for (const place of Array.isArray(includes.places) ? includes.places : []) {
      if (typeof place?.id === 'string') this.#places.set(place.id, { place, retrievedAt });
    }
  }

  /** Records a whole part file that could not be read (e.g. corrupt gzip). */
  quarantinePart(reason: string, part: string): void {
    this.quarantine.push({ reason, part, line: 0, raw: '' });
  }

  #quarantineLine(reason: string, part: string, line: number, raw: string): void {
    this.stats.lines_quarantined++;
    this.quarantine.push({ reason, part, line, raw });
  }

  #addPost(
    post: Json,
    match: boolean,
    retrievedMs: number,
    retrievedAt: string,
    part: string,
    line: number,
  ): void {
    this.stats.posts_read++;
    const problem =
      typeof post === 'object' && post !== null ? idProblem(post.id) : 'post is not a JSON object';
    if (problem) {
      this.stats.posts_quarantined++;
      this.quarantine.push({ reason: problem, part, line, raw: jsonText(post) });
      return;
    }
    const id = post.id as string;
    const seen = this.#posts.get(id);
    if (!seen) {
      this.#posts.set(id, { post, retrievedMs, retrievedAt, match });
      return;
    }
    this.stats.posts_duplicate++;
    // Latest retrieval wins (ties: the later line, as a larger batch_id would); a post seen as a match stays a match.
    if (retrievedMs >= seen.retrievedMs)
      this.#posts.set(id, { post, retrievedMs, retrievedAt, match: match || seen.match });
    else seen.match ||= match;
  }

  /** Builds the rows of every table from the deduplicated records. */
  finish(): TableRows {
    const rows = emptyTableRows();
    for (const [id, c] of this.#posts) this.#flattenPost(rows, id, c);
    this.stats.posts_written = rows.tweets.length;
    for (const [id, { user, retrievedAt }] of this.#users) {
      const m = (user.public_metrics ?? {}) as Json;
      rows.users.push([
        id,
        str(user.username),
        str(user.name),
        str(user.description) === null ? null : cleanText(user.description),
        str(user.location),
        str(user.url),
        str(user.profile_image_url),
        isoOrNull(user.created_at),
        bool(user.verified),
        str(user.verified_type),
        bool(user.protected),
        num(m.followers_count),
        num(m.following_count),
        num(m.tweet_count),
        num(m.listed_count),
        num(m.like_count),
        retrievedAt,
        this.batchId,
      ]);
    }
    for (const [key, { media, retrievedAt }] of this.#media) {
      rows.media.push([
        key,
        str(media.type),
        str(media.url),
        str(media.preview_image_url),
        num(media.width),
        num(media.height),
        num(media.duration_ms),
        str(media.alt_text),
        num(media.public_metrics?.view_count),
        retrievedAt,
        this.batchId,
      ]);
    }
    for (const [id, { place, retrievedAt }] of this.#places) {
      const bbox = Array.isArray(place.geo?.bbox) ? (place.geo.bbox as unknown[]) : [];
      rows.places.push([
        id,
        str(place.full_name),
        str(place.name),
        str(place.country),
        str(place.country_code),
        str(place.place_type),
        num(bbox[0]),
        num(bbox[1]),
        num(bbox[2]),
        num(bbox[3]),
        retrievedAt,
        this.batchId,
      ]);
    }
    return rows;
  }

  #flattenPost(rows: TableRows, id: string, c: Candidate): void {
    const p = c.post;
    const createdAt = new Date(parseTimestamp(p.created_at) ?? snowflakeTime(id)).toISOString();
    const createdDate = createdAt.slice(0, 10);
    const note = p.note_tweet && typeof p.note_tweet.text === 'string' ? p.note_tweet : undefined;
    const text = cleanText(note ? note.text : (str(p.text) ?? ''));
    const refs: Json[] = Array.isArray(p.referenced_tweets) ? p.referenced_tweets : [];
    const refOf = (type: string) => toId(refs.find((r) => r?.type === type)?.id);
    const m = (p.public_metrics ?? {}) as Json;
    const history: unknown[] = Array.isArray(p.edit_history_tweet_ids) ? p.edit_history_tweet_ids : [];
    const mediaKeys: unknown[] = Array.isArray(p.attachments?.media_keys) ? p.attachments.media_keys : [];
    const { hashtags, cashtags, mentions, urls } = placeEntities(
      text,
      (note ? note.entities : p.entities) ?? {},
    );
    for (const h of hashtags)
      rows.tweet_hashtags.push([id, h.entity.tag, normalizeTag(h.entity.tag), h.start, h.end, createdDate]);
    for (const h of cashtags)
      rows.tweet_cashtags.push([id, h.entity.tag, normalizeTag(h.entity.tag), h.start, h.end, createdDate]);
    for (const x of mentions)
      rows.tweet_mentions.push([id, toId(x.entity.id), x.entity.username, x.start, x.end, createdDate]);
    for (const u of urls) {
      const expanded = str(u.entity.expanded_url);
      rows.tweet_urls.push([
        id,
        u.entity.url,
        expanded,
        str(u.entity.display_url),
        urlDomain(expanded ?? u.entity.url),
        u.start,
        u.end,
        createdDate,
      ]);
    }
    for (const r of refs) {
      const refId = toId(r?.id);
      if (refId && typeof r.type === 'string') rows.tweet_references.push([id, refId, r.type, createdDate]);
    }
    for (const key of mediaKeys) if (typeof key === 'string') rows.tweet_media.push([id, key, createdDate]);

    const lang = str(p.lang);
    rows.tweets.push([
      id,
      toId(p.author_id),
      toId(p.conversation_id),
      toId(p.in_reply_to_user_id),
      createdAt,
      createdDate,
      c.retrievedAt,
      text,
      normalizeText(text),
      lang === 'und' ? null : lang,
      str(p.source),
      bool(p.possibly_sensitive),
      str(p.reply_settings),
      refs.some((r) => r?.type === 'retweeted'),
      refs.some((r) => r?.type === 'replied_to'),
      refs.some((r) => r?.type === 'quoted'),
      refOf('retweeted'),
      refOf('quoted'),
      refOf('replied_to'),
      num(m.retweet_count),
      num(m.reply_count),
      num(m.like_count),
      num(m.quote_count),
      num(m.impression_count),
      num(m.bookmark_count),
      hashtags.length,
      mentions.length,
      urls.length,
      mediaKeys.length,
      str(p.geo?.place_id),
      toId(history[history.length - 1]) ?? id,
      history.length > 1,
      c.match ? 'match' : 'reference',
      this.batchId,
    ]);
  }
}

function isoOrNull(value: unknown): string | null {
  const t = parseTimestamp(value);
  return t === null ? null : new Date(t).toISOString();
}
