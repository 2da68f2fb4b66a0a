/**
 * Shapes of files other tools write, turned into X API v2 pages: twarc2's raw output is already
 * one API response per line; twarc2 `flatten` output (one post per line, expansions folded into
 * each post) and JSON arrays of posts are regrouped into `{data, includes}` pages.
 */
type Json = Record<string, unknown>;

export type ImportFormat = 'twarc2' | 'twarc2-flatten' | 'json-array' | 'json-page';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A v2 response page (twarc2 raw line or a saved API response), as opposed to a single post. */
export function isPage(v: Json): boolean {
  return 'data' in v || ('meta' in v && !('id' in v)) || ('errors' in v && !('id' in v));
}

/** A single post (flattened or not): it has an `id` and `text`. */
export function isPost(v: Json): boolean {
  return typeof v.id === 'string' && typeof v.text === 'string';
}

/** Puts what twarc2 `flatten` folded into a post back into `includes`, as the API sent it. */
export function unflattenPosts(posts: Json[]): Json {
  const users = new Map<string, Json>();
  const tweets = new Map<string, Json>();
  const media = new Map<string, Json>();
  const places = new Map<string, Json>();
  const data: Json[] = [];
  const addUser = (u: unknown) => {
    if (isObject(u) && typeof u.id === 'string') users.set(u.id, u);
  };
  for (const original of posts) {
    const post: Json = { ...original };
    delete post.__twarc;
    delete post.matching_rules;
    if (isObject(post.author)) {
      addUser(post.author);
      post.author_id ??= post.author.id;
      delete post.author;
    }
    if (isObject(post.in_reply_to_user)) {
      addUser(post.in_reply_to_user);
      delete post.in_reply_to_user;
    }
    if (Array.isArray(post.referenced_tweets)) {
      post.referenced_tweets = post.referenced_tweets.map((r: unknown) => {
        if (!isObject(r) || typeof r.id !== 'string') return r;
        const { type, ...rest } = r;
        if (typeof rest.text === 'string') {
          const ref: Json = { ...rest };
          if (isObject(ref.author)) {
            addUser(ref.author);
            ref.author_id ??= ref.author.id;
            delete ref.author;
          }
          tweets.set(r.id, ref);
        }
        return { type, id: r.id };
      });
    }
    const attachments = post.attachments;
    if (isObject(attachments) && Array.isArray(attachments.media)) {
      const keys: string[] = [];
      for (const m of attachments.media)
        if (isObject(m) && typeof m.media_key === 'string') {
          media.set(m.media_key, m);
          keys.push(m.media_key);
        }
      const rest: Json = { ...attachments, media_keys: keys };
      delete rest.media;
      post.attachments = rest;
    }
    const geo = post.geo;
    if (isObject(geo) && typeof geo.full_name === 'string' && typeof geo.id === 'string') {
      places.set(geo.id, geo);
      post.geo = { place_id: geo.id };
    } else if (isObject(geo) && isObject(geo.place) && typeof geo.place.id === 'string') {
      places.set(geo.place.id, geo.place);
      const rest: Json = { ...geo, place_id: geo.place.id };
      delete rest.place;
      post.geo = rest;
    }
    const entities = post.entities;
    if (isObject(entities) && Array.isArray(entities.mentions)) {
      entities.mentions = entities.mentions.map((m: unknown) => {
        if (!isObject(m)) return m;
        const { start, end, username, id, ...user } = m;
        if (typeof id === 'string' && typeof user.name === 'string') addUser({ id, username, ...user });
        return id === undefined ? { start, end, username } : { start, end, username, id };
      });
    }
    data.push(post);
  }
  const includes: Json = {};
  if (users.size) includes.users = [...users.values()];
  if (tweets.size) includes.tweets = [...tweets.values()];
  if (media.size) includes.media = [...media.values()];
  if (places.size) includes.places = [...places.values()];
  const page: Json = { data };
  if (Object.keys(includes).length) page.includes = includes;
  return page;
}

/** When twarc2 recorded it, the time and URL of the original request. */
export function twarcMeta(v: Json): { retrievedAt?: string; url?: string } {
  const t = v.__twarc;
  if (!isObject(t)) return {};
  return {
    retrievedAt: typeof t.retrieved_at === 'string' ? t.retrieved_at : undefined,
    url: typeof t.url === 'string' ? t.url : undefined,
  };
}
