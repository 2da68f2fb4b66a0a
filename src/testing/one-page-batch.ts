import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import type { Lake } from '../lake/lake.js';

/** One search page as a test writes it: the response, and what its line and manifest say. */
export interface OnePage {
  batchId: string;
  retrievedAt: string;
  /** The response body (`data`, `includes`, `meta`). */
  page: { data: unknown[] } & Record<string, unknown>;
  endpoint: string;
  query: string;
  requestUrl: string;
  newestId: string | null;
}

/** Commits a landing batch of one part holding one search page (`search_recent`, ingested on its retrieval day). */
export async function writeOnePageBatch(lake: Lake, p: OnePage): Promise<void> {
  const meta = {
    retrieved_at: p.retrievedAt,
    endpoint: p.endpoint,
    query: p.query,
    request_url: p.requestUrl,
    status: 200,
  };
  const where = { source: 'search_recent', ingestDate: p.retrievedAt.slice(0, 10), batchId: p.batchId };
  const part = await writeLandingPart(lake, where, 0, [landingLine(meta, JSON.stringify(p.page))]);
  await commitLandingBatch(lake, {
    batch_id: p.batchId,
    source: where.source,
    ingest_date: where.ingestDate,
    endpoint: p.endpoint,
    query: p.query,
    created_at: p.retrievedAt,
    committed_at: p.retrievedAt,
    parts: [part],
    pages: 1,
    posts: p.page.data.length,
    partial_errors: 0,
    newest_id: p.newestId,
  });
}
