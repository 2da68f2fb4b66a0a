import { snowflakeTime } from '../core/snowflake.js';
import type { Corpus } from './corpus.js';
import type { CorpusMedia, CorpusPlace, CorpusPost, CorpusUser } from './corpus-types.js';
import type { FieldSelection } from './fields.js';
import { resourceNotFound } from './problems.js';
import type { Entities } from './text-builder.js';

type Json = Record<string, unknown>;

/** X sends post text with `&`, `<` and `>` HTML-escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function sortKeys(obj: Json): Json {
  const out: Json = {};
  for (const key of Object.keys(obj).sort()) out[key] = obj[key];
  return out;
}

function renderEntities(e: Entities): Json | undefined {
  const out: Json = {};
  if (e.urls.length) out.urls = e.urls;
  if (e.hashtags.length) out.hashtags = e.hashtags;
  if (e.mentions.length) out.mentions = e.mentions;
  if (e.cashtags.length) out.cashtags = e.cashtags;
  return Object.keys(out).length ? out : undefined;
}

/** One post as X renders it with the requested `tweet.fields` (`version` < last means an earlier edit). */
export function renderTweet(
  corpus: Corpus,
  post: CorpusPost,
  version: number,
  fields: Set<string>,
  nowMs: number,
): Json {
  const latest = version === post.editHistory.length - 1;
  const id = post.editHistory[version]!;
  const text = latest ? post.text : post.text.replace(/\s*\S+$/, '');
  const createdMs = latest ? post.createdMs : snowflakeTime(id);
  const out: Json = {
    id,
    text: escapeHtml(text),
    edit_history_tweet_ids: post.editHistory.slice(0, version + 1),
  };
  const has = (f: string) => fields.has(f);
  if (has('attachments') && post.media.length)
    out.attachments = { media_keys: post.media.map((m) => m.media_key) };
  if (has('author_id')) out.author_id = post.author.id;
  if (has('conversation_id')) out.conversation_id = post.conversationId;
  if (has('created_at')) out.created_at = new Date(createdMs).toISOString();
  if (has('edit_controls')) {
    out.edit_controls = {
      edits_remaining: 5 - (post.editHistory.length - 1),
      is_edit_eligible: post.referenced.length === 0,
      editable_until: new Date(createdMs + 3_600_000).toISOString(),
    };
  }
  if (has('entities')) {
    const entities = renderEntities(
      latest ? post.entities : { ...post.entities, urls: [], hashtags: [], cashtags: [], mentions: [] },
    );
    if (entities) out.entities = entities;
  }
  if (has('geo') && post.place) out.geo = { place_id: post.place.id };
  if (has('in_reply_to_user_id') && post.inReplyToUserId) out.in_reply_to_user_id = post.inReplyToUserId;
  if (has('lang')) out.lang = post.lang;
  if (has('note_tweet') && post.note) {
    const entities = renderEntities(post.note.entities);
    out.note_tweet = entities
      ? { text: escapeHtml(post.note.text), entities }
      : { text: escapeHtml(post.note.text) };
  }
  if (has('possibly_sensitive')) out.possibly_sensitive = post.possiblySensitive;
  if (has('public_metrics')) out.public_metrics = corpus.metrics(post, nowMs);
  if (has('referenced_tweets') && post.referenced.length) out.referenced_tweets = post.referenced;
  if (has('reply_settings')) out.reply_settings = post.replySettings;
  if (has('source')) out.source = post.source;
  return sortKeys(out);
}

export function renderUser(user: CorpusUser, fields: Set<string>): Json {
  const out: Json = { id: user.id, name: user.name, username: user.username };
  for (const f of [
    'created_at',
    'description',
    'location',
    'profile_image_url',
    'protected',
    'public_metrics',
    'url',
    'verified',
    'verified_type',
  ] as const) {
    if (fields.has(f)) out[f] = user[f];
  }
  return sortKeys(out);
}

export function renderMedia(media: CorpusMedia, fields: Set<string>): Json {
  const out: Json = { media_key: media.media_key, type: media.type };
  for (const f of ['url', 'preview_image_url', 'width', 'height', 'duration_ms', 'alt_text'] as const) {
    if (fields.has(f) && media[f] !== undefined) out[f] = media[f];
  }
  if (fields.has('public_metrics') && media.view_count !== undefined)
    out.public_metrics = { view_count: media.view_count };
  return sortKeys(out);
}

export function renderPlace(place: CorpusPlace, fields: Set<string>): Json {
  const out: Json = { full_name: place.full_name, id: place.id };
  for (const f of ['name', 'country', 'country_code', 'place_type'] as const)
    if (fields.has(f)) out[f] = place[f];
  if (fields.has('geo')) out.geo = { type: 'Feature', bbox: place.bbox, properties: {} };
  return sortKeys(out);
}

/**
 * The `data`/`includes`/`errors` part of a response for `posts`, honouring the expansions:
 * referenced posts that are deleted become partial errors beside `data`, as X reports them.
 */
export function renderPosts(corpus: Corpus, posts: CorpusPost[], sel: FieldSelection, nowMs: number): Json {
  const exp = sel.expansions;
  const users = new Map<string, CorpusUser>();
  const tweets = new Map<string, Json>();
  const media = new Map<string, CorpusMedia>();
  const places = new Map<string, CorpusPlace>();
  const errors: Json[] = [];
  const referencedPosts: CorpusPost[] = [];

  for (const post of posts) {
    if (exp.has('author_id')) users.set(post.author.id, post.author);
    if (exp.has('in_reply_to_user_id') && post.inReplyToUserId) {
      const u = corpus.userById(post.inReplyToUserId);
      if (u) users.set(u.id, u);
    }
    if (exp.has('entities.mentions.username')) {
      for (const m of post.entities.mentions) {
        const u = corpus.userById(m.id);
        if (u) users.set(u.id, u);
      }
    }
    if (exp.has('attachments.media_keys')) for (const m of post.media) media.set(m.media_key, m);
    if (exp.has('geo.place_id') && post.place) places.set(post.place.id, post.place);
    if (exp.has('referenced_tweets.id')) {
      for (const ref of post.referenced) {
        const found = corpus.postById(ref.id);
        if (!found || found.post.deleted) {
          errors.push(resourceNotFound(ref.id, 'referenced_tweets.id'));
          continue;
        }
        if (!tweets.has(ref.id)) {
          tweets.set(ref.id, renderTweet(corpus, found.post, found.version, sel.tweet, nowMs));
          referencedPosts.push(found.post);
        }
      }
    }
    if (exp.has('edit_history_tweet_ids')) {
      for (let v = 0; v < post.editHistory.length - 1; v++) {
        tweets.set(post.editHistory[v]!, renderTweet(corpus, post, v, sel.tweet, nowMs));
      }
    }
  }
  for (const ref of referencedPosts) {
    if (exp.has('referenced_tweets.id.author_id')) users.set(ref.author.id, ref.author);
    if (exp.has('referenced_tweets.id.attachments.media_keys'))
      for (const m of ref.media) media.set(m.media_key, m);
  }

  const out: Json = {
    data: posts.map((p) => renderTweet(corpus, p, p.editHistory.length - 1, sel.tweet, nowMs)),
  };
  const includes: Json = {};
  if (users.size) includes.users = [...users.values()].map((u) => renderUser(u, sel.user));
  if (tweets.size) includes.tweets = [...tweets.values()];
  if (media.size) includes.media = [...media.values()].map((m) => renderMedia(m, sel.media));
  if (places.size) includes.places = [...places.values()].map((p) => renderPlace(p, sel.place));
  if (Object.keys(includes).length) out.includes = includes;
  if (errors.length) out.errors = errors;
  return out;
}
