import type { Budget } from './budget.js';
import type { QueryResult } from './collect-pages.js';

/** One source of a run: collects it within the budget's share (first pass), or goes on with it (`again`). */
export type SourceJob = (again: boolean) => Promise<QueryResult>;

/**
 * Collects every source so that `--max-posts` and `--max-cost-usd` are shared among them: in order, each source may
 * take what is left (posts and dollars) divided by the sources not yet visited (one with fewer new
 * posts leaves the rest to those after it); a source its share stopped keeps its batch open, and a second pass
 * goes on with those, in order, with whatever is still left, then commits them. Without shares
 * a busy first query would take the whole limit on every run, and the sources after it would
 * never start.
 */
export async function collectFairly(jobs: readonly SourceJob[], budget: Budget): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  try {
    for (const [i, job] of jobs.entries()) {
      budget.shareAmong(jobs.length - i);
      results.push(await job(false));
    }
  } finally {
    budget.endShares();
  }
  // (each held-open batch is committed here, even when nothing is left to add to it)
  for (const [i, first] of results.entries())
    if (first.heldOpen) results[i] = mergeResults(first, await jobs[i]!(true));
  return results;
}

/** One source's result over both passes (as one pass would give it: no `heldOpen`). */
function mergeResults(first: QueryResult, second: QueryResult): QueryResult {
  const { heldOpen: _held, skipped, ...rest } = first;
  const merged: QueryResult = {
    ...rest,
    batchId: second.batchId ?? first.batchId,
    batches: [...first.batches, ...second.batches],
    posts: first.posts + second.posts,
    pages: first.pages + second.pages,
    partialErrors: first.partialErrors + second.partialErrors,
    spentUsd: first.spentUsd + second.spentUsd,
  };
  const stillSkipped = merged.pages === 0 ? (second.skipped ?? skipped) : undefined;
  return stillSkipped ? { ...merged, skipped: stillSkipped } : merged;
}
