import type { Corpus } from './corpus.js';
import type { CorpusPost } from './corpus-types.js';
import { matchesQuery } from './query-match.js';
import { parseQuery } from './query-parser.js';
import { RECENT_WINDOW_MS } from './search-posts.js';

/** Every post recent search would return for `query` at `nowMs` (newest first): the ground truth for tests. */
export function corpusMatches(corpus: Corpus, query: string, nowMs: number): CorpusPost[] {
  const tree = parseQuery(query);
  const out: CorpusPost[] = [];
  for (let slot = corpus.slotAt(nowMs); slot >= corpus.slotAt(nowMs - RECENT_WINDOW_MS); slot--) {
    const p = corpus.post(slot);
    if (
      !p.deleted &&
      p.createdMs <= nowMs &&
      p.createdMs >= nowMs - RECENT_WINDOW_MS &&
      matchesQuery(tree, p)
    )
      out.push(p);
  }
  return out;
}
