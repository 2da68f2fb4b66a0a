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

interface Found {
  users: Map<string, Json>;
  tweets: Map<string, Json>;
  media: Map<string, Json>;
  places: Map<string, Json>;
}

function addUser(found: Found, u: unknown): void {
  if (!isObject(u) || typeof u.id !== 'string') return;
  const user: Json = { ...u };
  delete user.pinned_tweet;
  found.users.set(u.id, user);
}

/** Undoes twarc2's inlining on one post (recursively for the posts it references). */
function unflattenOne(original: Json, found: Found): Json {
  const post: Json = { ...original };
  delete post.__twarc;
  delete post.matching_rules;
  if (isObject(post.author)) {
    addUser(found, post.author);
    post.author_id ??= post.author.id;
    delete post.author;
  }
  if (isObject(post.in_reply_to_user)) {
    addUser(found, post.in_reply_to_user);
    delete post.in_reply_to_user;
  }
  if (Array.isArray(post.referenced_tweets)) {
    post.referenced_tweets = post.referenced_tweets.map((r: unknown) => {
      if (!isObject(r) || typeof r.id !== 'string') return r;
      const { type, ...rest } = r;
      if (typeof rest.text === 'string') found.tweets.set(r.id, unflattenOne(rest, found));
      return { type, id: r.id };
    });
  }
  const attachments = post.attachments;
  if (isObject(attachments) && Array.isArray(attachments.media)) {
    const keys: string[] = [];
    for (const m of attachments.media)
      if (isObject(m) && typeof m.media_key === 'string') {
        found.media.set(m.media_key, m);
        keys.push(m.media_key);
      }
    // twarc2 keeps `media_keys`; its `media` holds `{}` for media the response did not include.
    const rest: Json = {
      ...attachments,
      media_keys: Array.isArray(attachments.media_keys) ? attachments.media_keys : keys,
    };
    delete rest.media;
    delete rest.poll;
    post.attachments = rest;
  }
  // twarc2 merges the place into `geo` beside `place_id` (and `coordinates`, when the post has them).
  const geo = post.geo;
  if (isObject(geo) && typeof geo.place_id === 'string' && typeof geo.full_name === 'string') {
    const { place_id, coordinates, ...place } = geo;
    found.places.set(place_id, { ...place, id: place_id });
    post.geo = coordinates === undefined ? { place_id } : { place_id, coordinates };
  }
  for (const key of ['entities', 'note_tweet'] as const) {
    const holder =
      key === 'entities' ? post.entities : isObject(post.note_tweet) ? post.note_tweet.entities : undefined;
    if (!isObject(holder) || !Array.isArray(holder.mentions)) continue;
    holder.mentions = holder.mentions.map((m: unknown) => {
      if (!isObject(m)) return m;
      const { start, end, username, id, ...user } = m;
      if (typeof id === 'string' && typeof user.name === 'string') addUser(found, { id, username, ...user });
      return id === undefined ? { start, end, username } : { start, end, username, id };
    });
  }
  return post;
}

/** Puts what twarc2 `flatten` folded into each post back into `includes`, as the API sent it. */
export function unflattenPosts(posts: Json[]): Json {
  const found: Found = { users: new Map(), tweets: new Map(), media: new Map(), places: new Map() };
  const data = posts.map((p) => unflattenOne(p, found));
  const includes: Json = {};
  if (found.users.size) includes.users = [...found.users.values()];
  if (found.tweets.size) includes.tweets = [...found.tweets.values()];
  if (found.media.size) includes.media = [...found.media.values()];
  if (found.places.size) includes.places = [...found.places.values()];
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
