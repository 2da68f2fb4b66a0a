import type { CorpusPost } from './corpus-types.js';
import type { QueryNode } from './query-parser.js';

/** Lower-cased words of a post, as X's tokenized keyword match sees them. */
function words(post: CorpusPost): string[] {
  const text = (post.note?.text ?? post.text).normalize('NFC').toLowerCase();
  return text.split(/[^\p{L}\p{M}\p{N}_'#@$]+/u).filter((w) => w !== '');
}

const cache = new WeakMap<CorpusPost, { words: Set<string>; joined: string; text: string }>();
function tokens(post: CorpusPost) {
  let t = cache.get(post);
  if (!t) {
    const list = words(post);
    // Keywords match plain words only; phrases see every token, so `@x` between two words breaks a phrase.
    t = {
      words: new Set(list.filter((w) => !/^[#@$]/.test(w))),
      joined: ` ${list.join(' ')} `,
      text: (post.note?.text ?? post.text).normalize('NFC').toLowerCase(),
    };
    cache.set(post, t);
  }
  return t;
}

const hasNonLatin = (s: string) => /[^\p{Script=Latin}\p{N}\p{P}\s]/u.test(s);

/** True when `post` matches the parsed query. */
export function matchesQuery(node: QueryNode, post: CorpusPost): boolean {
  const entities = post.note?.entities ?? post.entities;
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matchesQuery(n, post));
    case 'or':
      return node.items.some((n) => matchesQuery(n, post));
    case 'not':
      return !matchesQuery(node.item, post);
    case 'keyword': {
      const t = tokens(post);
      const value = node.value.normalize('NFC');
      return t.words.has(value) || (hasNonLatin(value) && t.text.includes(value));
    }
    case 'phrase': {
      const t = tokens(post);
      const phrase = node.value.normalize('NFC').split(/\s+/).filter(Boolean).join(' ');
      return t.joined.includes(` ${phrase} `) || (hasNonLatin(phrase) && t.text.includes(phrase));
    }
    case 'hashtag':
      return entities.hashtags.some((h) => h.tag.toLowerCase() === node.value);
    case 'cashtag':
      return entities.cashtags.some((h) => h.tag.toLowerCase() === node.value);
    case 'mention':
      return entities.mentions.some((m) => m.username.toLowerCase() === node.value);
    case 'operator':
      return matchOperator(node.name, node.value, post);
  }
}

function matchOperator(name: string, value: string, post: CorpusPost): boolean {
  const entities = post.note?.entities ?? post.entities;
  switch (name) {
    case 'from':
      return post.author.username.toLowerCase() === value || post.author.id === value;
    case 'to':
      return (
        post.inReplyToUserId !== undefined &&
        entities.mentions.some((m) => m.username.toLowerCase() === value)
      );
    case 'lang':
      return post.lang === value;
    case 'conversation_id':
      return post.conversationId === value;
    case 'url':
      return entities.urls.some((u) => u.expanded_url.toLowerCase().includes(value));
    case 'retweets_of':
      return post.text.toLowerCase().startsWith(`rt @${value}:`);
    case 'is':
      if (value === 'retweet') return post.referenced.some((r) => r.type === 'retweeted');
      if (value === 'reply') return post.referenced.some((r) => r.type === 'replied_to');
      if (value === 'quote') return post.referenced.some((r) => r.type === 'quoted');
      return post.author.verified;
    case 'has':
      if (value === 'media') return post.media.length > 0;
      if (value === 'images') return post.media.some((m) => m.type === 'photo');
      if (value === 'videos') return post.media.some((m) => m.type !== 'photo');
      if (value === 'links') return entities.urls.length > 0;
      if (value === 'hashtags') return entities.hashtags.length > 0;
      if (value === 'mentions') return entities.mentions.length > 0;
      if (value === 'cashtags') return entities.cashtags.length > 0;
      return post.place !== undefined;
    default:
      return false;
  }
}
