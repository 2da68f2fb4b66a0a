/** Entity shapes exactly as X API v2 returns them (indices count Unicode code points). */
export interface TagEntity {
  start: number;
  end: number;
  tag: string;
}
export interface MentionEntity {
  start: number;
  end: number;
  username: string;
  id: string;
}
export interface UrlEntity {
  start: number;
  end: number;
  url: string;
  expanded_url: string;
  display_url: string;
  media_key?: string;
}
export interface Entities {
  hashtags: TagEntity[];
  cashtags: TagEntity[];
  mentions: MentionEntity[];
  urls: UrlEntity[];
}

export function emptyEntities(): Entities {
  return { hashtags: [], cashtags: [], mentions: [], urls: [] };
}

/** Code-point length, which is how X counts entity offsets. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** Builds post text piece by piece and records entity offsets as it goes. */
export class TextBuilder {
  readonly #parts: string[] = [];
  #length = 0;
  readonly entities: Entities = emptyEntities();

  get length(): number {
    return this.#length;
  }
  text(): string {
    return this.#parts.join('');
  }
  add(piece: string): this {
    if (piece === '') return this;
    this.#parts.push(piece);
    this.#length += codePointLength(piece);
    return this;
  }
  /** Adds a space unless the text is empty. */
  space(): this {
    return this.#length === 0 ? this : this.add(' ');
  }
  hashtag(tag: string): this {
    const start = this.#length;
    this.add(`#${tag}`);
    this.entities.hashtags.push({ start, end: this.#length, tag });
    return this;
  }
  cashtag(tag: string): this {
    const start = this.#length;
    this.add(`$${tag}`);
    this.entities.cashtags.push({ start, end: this.#length, tag });
    return this;
  }
  mention(username: string, id: string): this {
    const start = this.#length;
    this.add(`@${username}`);
    this.entities.mentions.push({ start, end: this.#length, username, id });
    return this;
  }
  url(entity: Omit<UrlEntity, 'start' | 'end'>): this {
    const start = this.#length;
    this.add(entity.url);
    this.entities.urls.push({ start, end: this.#length, ...entity });
    return this;
  }
}

/** Moves every entity by `offset` code points. */
export function shiftEntities(entities: Entities, offset: number): Entities {
  const shift = <T extends { start: number; end: number }>(e: T): T => ({
    ...e,
    start: e.start + offset,
    end: e.end + offset,
  });
  return {
    hashtags: entities.hashtags.map(shift),
    cashtags: entities.cashtags.map(shift),
    mentions: entities.mentions.map(shift),
    urls: entities.urls.map(shift),
  };
}

/** Keeps the entities that end at or before `limit` code points. */
export function entitiesWithin(entities: Entities, limit: number): Entities {
  const keep = <T extends { end: number }>(e: T): boolean => e.end <= limit;
  return {
    hashtags: entities.hashtags.filter(keep),
    cashtags: entities.cashtags.filter(keep),
    mentions: entities.mentions.filter(keep),
    urls: entities.urls.filter(keep),
  };
}
