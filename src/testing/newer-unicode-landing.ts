import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import type { Lake } from '../lake/lake.js';

/**
 * A clean landing batch whose texts hold characters newer than DuckDB's Unicode data, where NFC
 * in DuckDB and in JavaScript part: a Vithkuqi letter and U+0307 that compose (to U+105C9), a
 * Kirat Rai vowel sign twice (U+16D68), a Tai Yo mark that sorts after U+0334. The batch goes to
 * the TypeScript flattener.
 */
export async function writeNewerUnicodeLanding(
  lake: Lake,
  batchId = '20261120T140000000Z-newer-unicode',
): Promise<void> {
  const T0 = '2026-11-20T14:00:00.000Z';
  const meta = {
    retrieved_at: T0,
    endpoint: '/2/tweets/search/recent',
    query: 'newer unicode',
    request_url: 'http://e/newer-unicode',
    status: 200,
  };
  const page = {
    data: [
      {
        id: '2123747899645166401',
        author_id: '21',
        created_at: '2026-11-20T13:00:00.000Z',
        text: 'Vithkuqi \u{105D2}\u0307 #tag',
        entities: { hashtags: [{ start: 12, end: 16, tag: 'tag' }] },
      },
      {
        id: '2123747899645166402',
        author_id: '21',
        created_at: '2026-11-20T13:00:01.000Z',
        text: 'plain text, a\u{1E6E3}\u0334 mark',
      },
    ],
    includes: {
      users: [{ id: '21', username: 'kr', name: 'K', description: 'Kirat Rai \u{16D67}\u{16D67}' }],
    },
    meta: { result_count: 2 },
  };
  const where = { source: 'search_recent', ingestDate: '2026-11-20', batchId };
  const part = await writeLandingPart(lake, where, 0, [landingLine(meta, JSON.stringify(page))]);
  await commitLandingBatch(lake, {
    batch_id: batchId,
    source: where.source,
    ingest_date: where.ingestDate,
    endpoint: '/2/tweets/search/recent',
    query: 'newer unicode',
    created_at: T0,
    committed_at: T0,
    parts: [part],
    pages: 1,
    posts: 2,
    partial_errors: 0,
    newest_id: null,
  });
}
