import type { Corpus } from './corpus.js';
import type { CorpusPost } from './corpus-types.js';
import { matchesQuery } from './query-match.js';
import { parseQuery } from './query-parser.js';
import { RECENT_WINDOW_MS } from './search-posts.js';

/**
 * Every post a search would return for `query` at `nowMs` (newest first): the ground truth for
 * tests. The window defaults to recent search's 7 days; `[startMs, endMs)` narrows it.
 */
export function corpusMatches(
  corpus: Corpus,
  query: string,
  nowMs: number,
  startMs = nowMs - RECENT_WINDOW_MS,
  endMs = nowMs + 1,
): CorpusPost[] {
  const tree = parseQuery(query);
  const out: CorpusPost[] = [];
  for (let slot = corpus.slotAt(endMs); slot >= corpus.slotAt(startMs); slot--) {
    const p = corpus.post(slot);
    if (
      !p.deleted &&
      p.createdMs < endMs &&
      p.createdMs <= nowMs &&
      p.createdMs >= startMs &&
      matchesQuery(tree, p)
    )
      out.push(p);
  }
  return out;
}
