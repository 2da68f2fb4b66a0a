import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { landingLine } from '../../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../../collect/landing-writer.js';
import { LocalLake } from '../../lake/local/local-lake.js';
import { TABLE_NAMES, TABLES } from '../../schema/tables.js';
import { tempWorkspace } from '../../testing/temp-workspace.js';
import { BatchFlattener } from '../flatten-batch.js';
import { DuckDBEngine } from './duckdb-engine.js';

const TEXTS = [
  'a "quoted" word, a comma, and a back\\slash',
  'two\nlines\r\nand a line separator \u2028 here',
  'family 👨‍👩‍👧 and flags 🇯🇵 ok',
  'a lone \ud800 surrogate',
  'ends with a backslash \\',
  '[1, "json-looking", null]',
];
const posts = TEXTS.map((text, i) => ({
  id: String(1000 + i),
  text,
  created_at: `2026-11-1${i}T08:00:00.000Z`,
  author_id: '42',
  lang: 'en',
  public_metrics: { like_count: i * 1_000_000_007, retweet_count: 0, reply_count: 0, quote_count: 0 },
  entities: { hashtags: [{ start: 0, end: 1, tag: `t${i}` }] },
}));
const response = { data: posts, includes: { users: [{ id: '42', username: 'u "x"', name: 'N,\nM' }] } };

describe('DuckDB engine', () => {
  const ws = tempWorkspace();
  const engine = new DuckDBEngine({ workers: 1 });
  after(async () => {
    await engine.close();
    ws.remove();
  });

  it('writes Parquet holding exactly the flattened rows, whatever the strings contain', async () => {
    const lake = new LocalLake(ws.lakeUri);
    const meta = {
      retrieved_at: '2026-11-20T10:00:00Z',
      endpoint: 'e',
      query: 'q',
      request_url: 'u',
      status: 200,
    };
    const where = { source: 'search_recent', ingestDate: '2026-11-20', batchId: 'b-strings' };
    const part = await writeLandingPart(lake, where, 0, [landingLine(meta, JSON.stringify(response))]);
    const landing = {
      batch_id: where.batchId,
      source: where.source,
      ingest_date: where.ingestDate,
      endpoint: 'e',
      query: 'q',
      created_at: meta.retrieved_at,
      committed_at: meta.retrieved_at,
      parts: [part],
      pages: 1,
      posts: posts.length,
      partial_errors: 0,
      newest_id: null,
    };
    const manifestKey = await commitLandingBatch(lake, landing);
    const manifest = await engine.processBatch(
      lake,
      { manifestKey, manifest: landing },
      { info() {}, update() {} },
    );

    const flattener = new BatchFlattener(where.batchId);
    flattener.addLine(landingLine(meta, JSON.stringify(response)), part.key, 1);
    const expected = flattener.finish();

    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const root = fileURLToPath(ws.lakeUri);
      for (const table of TABLE_NAMES) {
        assert.equal(manifest.rows[table], expected[table].length, `${table} rows`);
        if (expected[table].length === 0) continue;
        const files = manifest.files
          .filter((f) => f.table === table)
          .map((f) => `'${path.join(root, f.key)}'`);
        const cols = TABLES[table].columns;
        const textCols = cols.flatMap(([c, k], i) => (k === 'text' ? [[c, i] as const] : []));
        const got = (
          await conn.runAndReadAll(
            `SELECT ${textCols.map(([c]) => `"${c}"`).join(', ')} FROM read_parquet([${files.join(', ')}]) ORDER BY ALL`,
          )
        ).getRows();
        const want = expected[table]
          .map((row) => textCols.map(([, i]) => (row[i] === null ? null : String(row[i]).toWellFormed())))
          .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
        assert.deepEqual(
          [...got].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
          want,
          `${table}: text columns round-trip exactly`,
        );
      }
      const tweets = manifest.files
        .filter((f) => f.table === 'tweets')
        .map((f) => `'${path.join(root, f.key)}'`);
      const rows = (
        await conn.runAndReadAll(
          `SELECT tweet_id::VARCHAR, text, like_count, created_date::VARCHAR FROM read_parquet([${tweets.join(', ')}]) ORDER BY tweet_id`,
        )
      ).getRows();
      assert.deepEqual(
        rows.map((r) => [r[0], Number(r[2]), r[3]]),
        posts.map((p, i) => [p.id, i * 1_000_000_007, `2026-11-1${i}`]),
      );
      assert.ok(String(rows[3]![1]).includes('\ufffd'), 'a lone surrogate becomes U+FFFD');
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
