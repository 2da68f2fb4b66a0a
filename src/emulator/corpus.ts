import { SNOWFLAKE_EPOCH_MS, snowflakeId, snowflakeTime } from '../core/snowflake.js';
import type { CorpusMedia, CorpusPlace, CorpusPost, CorpusUser, ReferenceType } from './corpus-types.js';
import { Random } from './random.js';
import { codePointLength, entitiesWithin, shiftEntities, TextBuilder } from './text-builder.js';
import {
  CASHTAGS,
  DOMAINS,
  EMOJI,
  ESCAPED_BITS,
  FIRST_NAMES,
  HANDLES,
  HASHTAGS,
  LANGUAGES,
  type Lang,
  PLACES,
  SOURCES,
  WORDS,
} from './vocabulary.js';

/** One post per slot; the default gives 2,880 posts a day, ~20,000 in the 7-day recent-search window. */
export const DEFAULT_SLOT_MS = 30_000;
const USER_COUNT = 400;
const MAX_TEXT = 280;
const SALT = { user: 1, post: 2, edit: 3 } as const;
const EDIT_MARK = 1 << 21;

/**
 * The emulator's deterministic corpus: post `slot` is a pure function of `(seed, slot)` and is
 * created in `[slot * slotMs, (slot + 1) * slotMs)`, so the corpus grows as the clock advances and
 * any two emulators with the same seed agree on every post, whenever they started.
 */
export class Corpus {
  readonly #users = new Map<number, CorpusUser>();
  #usersIndex: { byId: Map<string, CorpusUser>; byName: Map<string, CorpusUser> } | undefined;
  readonly #posts = new Map<number, CorpusPost>();
  readonly #places: CorpusPlace[];

  constructor(
    readonly seed: number,
    readonly slotMs: number = DEFAULT_SLOT_MS,
  ) {
    this.#places = PLACES.map((p, i) => ({ ...p, id: placeId(seed, i) }));
  }

  /** Slot whose time range holds `ms`. */
  slotAt(ms: number): number {
    return Math.floor(ms / this.slotMs);
  }

  user(index: number): CorpusUser {
    let user = this.#users.get(index);
    if (!user) {
      user = makeUser(this.seed, index);
      this.#users.set(index, user);
    }
    return user;
  }

  userById(id: string): CorpusUser | undefined {
    return this.#userIndex().byId.get(id);
  }

  /** The account with this username (case-insensitive), or undefined. */
  userByName(username: string): CorpusUser | undefined {
    return this.#userIndex().byName.get(username.toLowerCase());
  }

  #userIndex(): { byId: Map<string, CorpusUser>; byName: Map<string, CorpusUser> } {
    if (!this.#usersIndex) {
      this.#usersIndex = { byId: new Map(), byName: new Map() };
      for (let i = 0; i < USER_COUNT; i++) {
        const u = this.user(i);
        this.#usersIndex.byId.set(u.id, u);
        this.#usersIndex.byName.set(u.username.toLowerCase(), u);
      }
    }
    return this.#usersIndex;
  }

  places(): readonly CorpusPlace[] {
    return this.#places;
  }

  post(slot: number): CorpusPost {
    let post = this.#posts.get(slot);
    if (!post) {
      if (this.#posts.size > 200_000) this.#posts.clear();
      post = this.#makePost(slot);
      this.#posts.set(slot, post);
    }
    return post;
  }

  /** The post with this ID (current or earlier edit version), or undefined. */
  postById(id: string): { post: CorpusPost; version: number } | undefined {
    if (!/^\d{1,19}$/.test(id)) return undefined;
    const low = Number(BigInt(id) & 0x3fffffn);
    let ms = snowflakeTime(id);
    if (low & EDIT_MARK) ms += (low & 0x1f) * 60_000;
    const post = this.post(this.slotAt(ms));
    const version = post.editHistory.indexOf(id);
    return version >= 0 ? { post, version } : undefined;
  }

  /** Public metrics at time `nowMs`: they only ever grow as a post ages. */
  metrics(post: CorpusPost, nowMs: number): Record<string, number> {
    const ageMin = Math.max(0, (nowMs - post.createdMs) / 60_000);
    const growth = Math.log1p(ageMin) / Math.log1p(7 * 24 * 60);
    const like = Math.floor(post.popularity * growth);
    return {
      retweet_count: Math.floor(like * 0.2),
      reply_count: Math.floor(like * 0.05),
      like_count: like,
      quote_count: Math.floor(like * 0.02),
      bookmark_count: Math.floor(like * 0.1),
      impression_count: like * 40 + Math.floor(ageMin * (post.popularity % 7)),
    };
  }

  #makePost(slot: number): CorpusPost {
    const r = new Random(this.seed, SALT.post, slot);
    const createdMs = slot * this.slotMs + Math.floor(r.next() * this.slotMs);
    const id = snowflakeId(createdMs, r.int(0, EDIT_MARK - 1));
    const author = this.user(Math.floor(USER_COUNT * r.next() ** 2));
    const deleted = r.chance(0.02);
    const kindRoll = r.next();
    const kind: ReferenceType | 'original' =
      kindRoll < 0.1 ? 'retweeted' : kindRoll < 0.25 ? 'replied_to' : kindRoll < 0.33 ? 'quoted' : 'original';
    const base = {
      slot,
      id,
      createdMs,
      author,
      source: r.pick(SOURCES),
      possiblySensitive: r.chance(0.03),
      replySettings: r.pick(['everyone', 'everyone', 'everyone', 'mentionedUsers', 'following'] as const),
      deleted,
      popularity: Math.floor(r.next() ** 3 * 5000),
      place: r.chance(0.06) ? r.pick(this.#places) : undefined,
    };

    if (kind === 'retweeted' && slot > 0) {
      let target = this.post(slot - 1 - r.int(0, 299));
      const inner = target.referenced.find((x) => x.type === 'retweeted');
      if (inner) target = this.postById(inner.id)?.post ?? target;
      const b = new TextBuilder().add('RT ').mention(target.author.username, target.author.id).add(': ');
      const offset = b.length;
      b.add(target.text);
      const shifted = shiftEntities(target.entities, offset);
      const e = b.entities;
      e.hashtags.push(...shifted.hashtags);
      e.cashtags.push(...shifted.cashtags);
      e.mentions.push(...shifted.mentions);
      e.urls.push(...shifted.urls);
      return {
        ...base,
        deleted: deleted || target.deleted,
        lang: target.lang,
        text: b.text(),
        entities: e,
        note: undefined,
        referenced: [{ type: 'retweeted', id: target.id }],
        inReplyToUserId: undefined,
        conversationId: id,
        media: [],
        place: undefined,
        editHistory: [id],
      };
    }

    const lang = r.chance(0.8) ? author.lang : r.pick(LANGUAGES);
    const b = new TextBuilder();
    let referenced: CorpusPost['referenced'] = [];
    let inReplyToUserId: string | undefined;
    let conversationId = id;
    if (kind === 'replied_to' && slot > 0) {
      const target = this.post(slot - 1 - r.int(0, 499));
      b.mention(target.author.username, target.author.id);
      referenced = [{ type: 'replied_to', id: target.id }];
      inReplyToUserId = target.author.id;
      conversationId = target.conversationId;
    } else if (kind === 'quoted' && slot > 0) {
      const target = this.post(slot - 1 - r.int(0, 999));
      referenced = [{ type: 'quoted', id: target.id }];
    }
    const long = r.chance(0.05);
    this.#writeBody(r, b, lang as Lang, long);
    const media = r.chance(0.15) ? makeMedia(r, id) : [];
    if (media.length > 0) {
      b.space().url({
        url: `https://t.co/${r.slug(10)}`,
        expanded_url: `https://x.com/${author.username}/status/${id}/photo/1`,
        display_url: 'pic.x.com/' + r.slug(10),
        media_key: media[0]!.media_key,
      });
    }
    const full = b.text();
    let text = full;
    let entities = b.entities;
    let note: CorpusPost['note'];
    if (codePointLength(full) > MAX_TEXT) {
      const cut = truncateAt(full, MAX_TEXT - 10);
      text = `${cut}…`;
      note = { text: full, entities: b.entities };
      entities = entitiesWithin(b.entities, codePointLength(cut));
    }
    const edited = kind === 'original' && r.chance(0.04);
    const editHistory = edited ? [oldVersionId(createdMs, r), id] : [id];
    return {
      ...base,
      lang,
      text,
      entities,
      note,
      referenced,
      inReplyToUserId,
      conversationId,
      media,
      editHistory,
    };
  }

  #writeBody(r: Random, b: TextBuilder, lang: Lang, long: boolean): void {
    const words = long ? r.int(55, 80) : r.int(3, 12);
    for (let i = 0; i < words; i++) {
      b.space();
      const roll = r.next();
      if (roll < 0.1) b.hashtag(r.pick(r.chance(0.5) ? HASHTAGS.any : HASHTAGS[lang]));
      else if (roll < 0.15) b.add(r.pick(EMOJI));
      else if (roll < 0.18) {
        const mentioned = this.user(r.int(0, USER_COUNT - 1));
        b.mention(mentioned.username, mentioned.id);
      } else if (roll < 0.2) b.cashtag(r.pick(CASHTAGS));
      else if (roll < 0.23) b.add(r.pick(ESCAPED_BITS));
      else if (roll < 0.24) b.add('cafe\u0301');
      else if (roll < 0.26) b.add(r.chance(0.8) ? '\n' : '\r\n');
      else b.add(lang === 'und' ? r.pick(EMOJI) : r.pick(WORDS[lang]));
    }
    if (r.chance(0.35)) b.space().hashtag(r.pick(HASHTAGS.any));
    if (r.chance(0.2)) {
      const domain = r.pick(DOMAINS);
      const pathPart = r.slug(8);
      b.space().url({
        url: `https://t.co/${r.slug(10)}`,
        expanded_url: `https://${domain}/posts/${pathPart}`,
        display_url: `${domain}/posts/${pathPart.slice(0, 4)}…`,
      });
    }
  }
}

function makeUser(seed: number, index: number): CorpusUser {
  const r = new Random(seed, SALT.user, index);
  const lang = r.pick(LANGUAGES) as Lang;
  const username = `${r.pick(HANDLES)}_${r.pick(HANDLES)}${index}`.slice(0, 15);
  const createdMs = Date.UTC(2008, 0, 1) + Math.floor(r.next() * 16 * 365 * 86_400_000);
  const followers = Math.floor(r.next() ** 4 * 2_000_000);
  const verifiedType = r.pick(['none', 'none', 'none', 'blue', 'business', 'government'] as const);
  return {
    index,
    // Accounts from before the snowflake epoch (Nov 2010) have small sequential IDs, as on X.
    id:
      createdMs < Number(SNOWFLAKE_EPOCH_MS)
        ? String(12_000_000 + index * 7_919)
        : snowflakeId(createdMs, index),
    username,
    name: `${r.pick(FIRST_NAMES[lang])} ${r.chance(0.3) ? r.pick(EMOJI) : ''}`.trim(),
    lang,
    description: r.chance(0.8)
      ? `Writes about ${r.pick(WORDS.en)} & ${r.pick(WORDS.en)} ${r.pick(EMOJI)}`
      : '',
    location: r.chance(0.6) ? r.pick(PLACES).full_name : '',
    url: r.chance(0.4) ? `https://t.co/${r.slug(10)}` : '',
    profile_image_url: `https://pbs.twimg.com/profile_images/${index}/${r.slug(8)}_normal.jpg`,
    created_at: new Date(createdMs).toISOString(),
    verified: verifiedType !== 'none',
    verified_type: verifiedType,
    protected: false,
    public_metrics: {
      followers_count: followers,
      following_count: r.int(0, 5000),
      tweet_count: r.int(10, 90_000),
      listed_count: Math.floor(followers / 500),
      like_count: r.int(0, 200_000),
    },
  };
}

function makeMedia(r: Random, postId: string): CorpusMedia[] {
  const count = r.chance(0.8) ? 1 : r.int(2, 4);
  const out: CorpusMedia[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.pick(['photo', 'photo', 'photo', 'video', 'animated_gif'] as const);
    const prefix = type === 'photo' ? 3 : type === 'video' ? 13 : 16;
    const key = `${prefix}_${(BigInt(postId) + BigInt(i + 1)).toString()}`;
    const file = r.slug(15);
    const media: CorpusMedia = {
      media_key: key,
      type,
      width: r.pick([640, 1080, 1200, 1920]),
      height: r.pick([480, 720, 1080, 1350]),
    };
    if (type === 'photo') media.url = `https://pbs.twimg.com/media/${file}.jpg`;
    else {
      media.preview_image_url = `https://pbs.twimg.com/ext_tw_video_thumb/${key}/${file}.jpg`;
      if (type === 'video') {
        media.duration_ms = r.int(2_000, 140_000);
        media.view_count = r.int(0, 1_000_000);
      }
    }
    if (r.chance(0.3)) media.alt_text = `A picture of ${r.pick(WORDS.en)} & ${r.pick(WORDS.en)}`;
    out.push(media);
  }
  return out;
}

function placeId(seed: number, index: number): string {
  const r = new Random(seed, 99, index);
  let id = '';
  for (let i = 0; i < 16; i++) id += '0123456789abcdef'[r.int(0, 15)];
  return id;
}

/** An earlier version's ID, marked so `postById` can find the current post again. */
function oldVersionId(createdMs: number, r: Random): string {
  const minutes = r.int(1, 20);
  return snowflakeId(createdMs - minutes * 60_000, EDIT_MARK | (r.int(0, 0xff) << 5) | minutes);
}

/** Cuts `text` to at most `limit` code points, at a space when there is one. */
function truncateAt(text: string, limit: number): string {
  const cps = Array.from(text).slice(0, limit).join('');
  const space = cps.lastIndexOf(' ');
  return (space > limit / 2 ? cps.slice(0, space) : cps).trimEnd();
}

export { USER_COUNT };
