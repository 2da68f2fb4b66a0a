import { EntityAnchor } from './anchor-entities.js';

// biome-ignore lint/suspicious/noExplicitAny: entities are untrusted JSON, checked field by field.
type Json = Record<string, any>;

/** An entity of a post placed in its cleaned text: X's entity object, its index in X's list, and offsets. */
export interface Placed {
  entity: Json;
  index: number;
  start: number;
  end: number;
}

export interface PlacedEntities {
  hashtags: Placed[];
  cashtags: Placed[];
  mentions: Placed[];
  urls: Placed[];
}

/** X's `start` of an entity when it is a finite number, else 0 (not JavaScript's coercion of `"26"`). */
const startOf = (entity: Json): number =>
  typeof entity.start === 'number' && Number.isFinite(entity.start) ? entity.start : 0;

/**
 * The contract's entity rules for one post: the entities with a usable surface (a `tag`, `username`
 * or `url` that is a string and not empty), in order of X's `start`, each re-anchored in the
 * cleaned `text` (hashtags, then cashtags, mentions and URLs, sharing the occurrences already taken).
 */
export function placeEntities(text: string, entities: Json): PlacedEntities {
  const anchor = new EntityAnchor(text);
  const place = (name: string, field: string, prefix: string): Placed[] => {
    const list: Json[] = Array.isArray(entities?.[name]) ? entities[name] : [];
    return list
      .map((entity, index) => ({ entity, index }))
      .filter(({ entity }) => typeof entity?.[field] === 'string' && entity[field] !== '')
      .sort((a, b) => startOf(a.entity) - startOf(b.entity))
      .map(({ entity, index }) => {
        const [start, end] = anchor.place(`${prefix}${entity[field]}`, entity.start, entity.end);
        return { entity, index, start, end };
      });
  };
  return {
    hashtags: place('hashtags', 'tag', '#'),
    cashtags: place('cashtags', 'tag', '$'),
    mentions: place('mentions', 'username', '@'),
    urls: place('urls', 'url', ''),
  };
}
