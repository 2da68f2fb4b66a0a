import { landingLine } from '../src/collect/landing-line.js';
import { commitLandingBatch, type PartInfo, writeLandingPart } from '../src/collect/landing-writer.js';
import { SEARCH_FIELDS } from '../src/collect/search-params.js';
import { Corpus } from '../src/emulator/corpus.js';
import type { CorpusPost } from '../src/emulator/corpus-types.js';
import { readFieldSelection } from '../src/emulator/fields.js';
import { renderPosts } from '../src/emulator/render.js';
import { encodeToken } from '../src/emulator/request-window.js';
import type { Lake } from '../src/lake/lake.js';

/**
 * Fills `lake` with `posts` posts from the emulator's generator, rendered with every field and
 * expansion collect asks for, as landing batches of `perBatch` posts (100 per page, 100 pages a part).
 */
export async function generateLanding(
  lake: Lake,
  posts: number,
  perBatch: number,
  log: (m: string) => void,
): Promise<void> {
  const corpus = new Corpus(2026);
  const sel = readFieldSelection(new URLSearchParams(SEARCH_FIELDS));
  if ('status' in sel) throw new Error('bad field selection');
  const startMs = Date.parse('2026-01-01T00:00:00Z');
  let slot = corpus.slotAt(startMs);
  let made = 0;
  for (let b = 0; made < posts; b++) {
    const batchId = `20260101T000000000Z-bench${String(b).padStart(3, '0')}`;
    const where = { source: 'search_recent', ingestDate: '2026-01-01', batchId };
    const parts: PartInfo[] = [];
    let batchPosts = 0;
    let pages = 0;
    while (batchPosts < perBatch && made < posts) {
      const lines: string[] = [];
      for (let p = 0; p < 100 && batchPosts < perBatch && made < posts; p++) {
        const page: CorpusPost[] = [];
        while (page.length < Math.min(100, perBatch - batchPosts, posts - made)) {
          const post = corpus.post(slot++);
          if (!post.deleted) page.push(post);
        }
        const body = renderPosts(corpus, page, sel, startMs + 400 * 86_400_000);
        body.meta = {
          newest_id: page[0]!.id,
          oldest_id: page[page.length - 1]!.id,
          result_count: page.length,
          next_token: encodeToken(page[page.length - 1]!.id),
        };
        const retrievedAt = new Date(startMs + 400 * 86_400_000).toISOString();
        lines.push(
          landingLine(
            {
              retrieved_at: retrievedAt,
              endpoint: '/2/tweets/search/recent',
              query: 'bench',
              request_url: 'bench',
              status: 200,
            },
            JSON.stringify(body),
          ),
        );
        batchPosts += page.length;
        made += page.length;
        pages++;
      }
      parts.push(await writeLandingPart(lake, where, parts.length, lines));
    }
    await commitLandingBatch(lake, {
      batch_id: batchId,
      source: where.source,
      ingest_date: where.ingestDate,
      endpoint: '/2/tweets/search/recent',
      query: 'bench',
      created_at: new Date().toISOString(),
      committed_at: new Date().toISOString(),
      parts,
      pages,
      posts: batchPosts,
      partial_errors: 0,
      newest_id: null,
    });
    log(`  generated ${made.toLocaleString('en-US')} / ${posts.toLocaleString('en-US')} posts`);
  }
}
