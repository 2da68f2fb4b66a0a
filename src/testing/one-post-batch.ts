import type { Lake } from '../lake/lake.js';
import { writeOnePageBatch } from './one-page-batch.js';

/**
 * Commits a landing batch `batchId` of one search page (retrieved 2026-11-20) holding one post,
 * `postId`: text "hello #x", created 2026-11-19, by author 42.
 */
export async function writeOnePostBatch(lake: Lake, batchId: string, postId: string): Promise<void> {
  const post = { id: postId, text: 'hello #x', created_at: '2026-11-19T08:00:00.000Z', author_id: '42' };
  await writeOnePageBatch(lake, {
    batchId,
    retrievedAt: '2026-11-20T10:00:00Z',
    page: { data: [post] },
    endpoint: 'e',
    query: 'q',
    requestUrl: 'u',
    newestId: post.id,
  });
}
