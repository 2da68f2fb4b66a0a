import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import type { Lake } from '../lake/lake.js';

/**
 * Commits a landing batch `batchId` of one search page (retrieved 2026-11-20) holding one post,
 * `postId`: text "hello #x", created 2026-11-19, by author 42.
 */
export async function writeOnePostBatch(lake: Lake, batchId: string, postId: string): Promise<void> {
  const post = { id: postId, text: 'hello #x', created_at: '2026-11-19T08:00:00.000Z', author_id: '42' };
  const retrieved = '2026-11-20T10:00:00Z';
  const where = { source: 'search_recent', ingestDate: '2026-11-20', batchId };
  const meta = { retrieved_at: retrieved, endpoint: 'e', query: 'q', request_url: 'u', status: 200 };
  const part = await writeLandingPart(lake, where, 0, [landingLine(meta, JSON.stringify({ data: [post] }))]);
  await commitLandingBatch(lake, {
    batch_id: batchId,
    source: where.source,
    ingest_date: where.ingestDate,
    endpoint: 'e',
    query: 'q',
    created_at: retrieved,
    committed_at: retrieved,
    parts: [part],
    pages: 1,
    posts: 1,
    partial_errors: 0,
    newest_id: post.id,
  });
}
