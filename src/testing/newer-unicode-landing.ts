import type { Lake } from '../lake/lake.js';
import { type OnePage, writeOnePageBatch } from './one-page-batch.js';

/** The batch DuckDB flattens itself, with letters newer than its case tables and RE2's classes. */
export const NEWER_UNICODE_SQL = '20261120T140000000Z-newer-unicode-sql';
/** The batch with texts DuckDB's NFC does not know, which goes to TypeScript. */
export const NEWER_UNICODE_NFC = '20261120T140100000Z-newer-unicode-nfc';

/**
 * Two clean landing batches whose texts hold characters newer than DuckDB's Unicode data (and
 * than Python 3.11's, so the Spark job is not held to them). The first DuckDB flattens itself:
 * capitals its `lower` does not know (U+A7DC, U+10D50, U+16EA0) and letters RE2 does not count
 * as letters in a mention (U+10D70, U+323B0). The second goes to TypeScript: a Todhri letter
 * and U+0307 that compose (to U+105C9), a Kirat Rai vowel sign twice (U+16D68), a mark
 * (U+1E6E3) that sorts after U+0334.
 */
export async function writeNewerUnicodeLanding(lake: Lake): Promise<void> {
  await writeBatch(lake, NEWER_UNICODE_SQL, '2026-11-20T14:00:00.000Z', {
    data: [
      post('2123747899645166401', 'Lower \ua7dc\u{10d50}\u{16ea0} #Tag\ua7dc'),
      post('2123747899645166402', 'RT @\u{10d70}\u{323b0}x: seen @ann @\u{10d70}\u{323b0}y! end'),
    ],
    includes: { users: [{ id: '21', username: 'kr', name: 'K', description: 'Capital \u{10d50}' }] },
    meta: { result_count: 2 },
  });
  await writeBatch(lake, NEWER_UNICODE_NFC, '2026-11-20T14:01:00.000Z', {
    data: [
      post('2123747899645166403', 'Todhri \u{105D2}\u0307 #tag'),
      post('2123747899645166404', 'plain text, a\u{1E6E3}\u0334 mark'),
    ],
    includes: {
      users: [{ id: '21', username: 'kr', name: 'K', description: 'Kirat Rai \u{16D67}\u{16D67}' }],
    },
    meta: { result_count: 2 },
  });
}

/** A post by user 21, with its hashtags found in the text (offsets in code points). */
function post(id: string, text: string) {
  const hashtags = [...text.matchAll(/#(\S+)/gu)].map((m) => {
    const start = [...text.slice(0, m.index)].length;
    return { start, end: start + [...m[0]].length, tag: m[1] };
  });
  return {
    id,
    author_id: '21',
    created_at: '2026-11-20T13:00:00.000Z',
    text,
    entities: { hashtags },
  };
}

function writeBatch(lake: Lake, batchId: string, retrievedAt: string, page: OnePage['page']): Promise<void> {
  return writeOnePageBatch(lake, {
    batchId,
    retrievedAt,
    page,
    endpoint: '/2/tweets/search/recent',
    query: 'newer unicode',
    requestUrl: 'http://e/newer-unicode',
    newestId: null,
  });
}
