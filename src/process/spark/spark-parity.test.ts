import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { collect } from '../../collect/index.js';
import { landingLine } from '../../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../../collect/landing-writer.js';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { LocalLake } from '../../lake/local/local-lake.js';
import { TABLE_NAMES } from '../../schema/tables.js';
import { type TempWorkspace, tempWorkspace } from '../../testing/temp-workspace.js';
import { DuckDBEngine } from '../duckdb/duckdb-engine.js';
import { processPending } from '../index.js';
import { SparkEngine } from './spark-engine.js';

const NOW = '2026-11-20T12:00:00.000Z';

/** Every row of a processed table, as text, sorted: the order-insensitive comparison. */
async function tableRows(lakeDir: string, table: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const glob = path.join(lakeDir, 'lake', 'processed', table, '**', '*.parquet');
    const r = await conn.runAndReadAll(
      `SELECT * FROM read_parquet('${glob}', hive_partitioning = false, union_by_name = false)`,
    );
    return r
      .getRows()
      .map((row) => JSON.stringify(row.map((v) => (v === null ? null : String(v)))))
      .sort();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function quarantine(lakeDir: string): Promise<string[]> {
  const lake = new LocalLake(`file://${path.join(lakeDir, 'lake')}`);
  const out: string[] = [];
  for (const o of await lake.list('quarantine/process/'))
    if (o.key.endsWith('records.jsonl'))
      for (const line of (await lake.get(o.key))!.toString().split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as { reason: string; part: string; line: number; raw: string };
        // The detail after ':' is each runtime's own parser message; the category must agree.
        out.push(JSON.stringify([r.reason.split(':')[0], r.part, r.line, r.raw]));
      }
  return out.sort();
}

describe('Spark engine parity with DuckDB (same landing batches, same tables and quarantine)', () => {
  let em: RunningEmulator;
  let duck: TempWorkspace;
  let spark: TempWorkspace;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 23 });
    duck = tempWorkspace();
    const lake = new LocalLake(duck.lakeUri);
    const settings = duck.settings(em.url);
    // Overlapping queries: the same posts in several batches; the corpus has astral characters,
    // note_tweet, edits, HTML entities and partial errors.
    await collect(settings, lake, { queries: ['#AI OR #data'] });
    await collect(settings, lake, { queries: ['#AI OR 日本語 OR climate'], maxPosts: 1500 });
    const meta = {
      retrieved_at: NOW,
      endpoint: '/2/tweets/search/recent',
      query: 'x',
      request_url: 'http://e/x',
      status: 200,
    };
    const where = {
      source: 'search_recent',
      ingestDate: '2026-11-20',
      batchId: '20261120T120000000Z-badbad',
    };
    const good = await writeLandingPart(lake, where, 0, [
      landingLine(
        meta,
        JSON.stringify({
          data: [
            {
              id: '2123747899645166210',
              text: 'fine &amp; dandy 🙂 #Ok',
              created_at: NOW,
              entities: { hashtags: [{ start: 17, end: 20, tag: 'Ok' }] },
            },
          ],
          includes: { users: [{ name: 'no id' }] },
        }),
      ),
    ]);
    const broken = await writeLandingPart(lake, where, 1, ['placeholder']);
    await lake.put(broken.key, gzipSync('{"a":1}\n').subarray(0, 12));
    broken.sha256 = '';
    const mixed = await writeLandingPart(lake, where, 2, [
      'this is not json',
      '{"no":"response"}',
      landingLine(
        meta,
        JSON.stringify({
          data: [
            { text: 'no id here' },
            { id: 'abc', text: 'bad id' },
            { id: '2123747899645166211', text: 'dup', created_at: NOW },
          ],
        }),
      ),
      landingLine(
        { ...meta, retrieved_at: '2026-11-20T12:00:05.000Z' },
        JSON.stringify({ data: [{ id: '2123747899645166211', text: 'dup, later', created_at: NOW }] }),
      ),
    ]);
    const gone = await writeLandingPart(lake, where, 3, [landingLine(meta, '{"data":[]}')]);
    await lake.delete(gone.key);
    await commitLandingBatch(lake, {
      batch_id: where.batchId,
      source: where.source,
      ingest_date: where.ingestDate,
      endpoint: meta.endpoint,
      query: 'x',
      created_at: NOW,
      committed_at: NOW,
      parts: [good, broken, mixed, gone],
      pages: 3,
      posts: 5,
      partial_errors: 0,
      newest_id: null,
    });
    spark = tempWorkspace();
    cpSync(path.join(duck.dir, 'lake'), path.join(spark.dir, 'lake'), { recursive: true });
    await processPending(settings, lake, { engine: new DuckDBEngine() });
    await processPending(spark.settings(em.url), new LocalLake(spark.lakeUri), { engine: new SparkEngine() });
  });
  after(async () => {
    duck?.remove();
    spark?.remove();
    await em?.close();
  });

  for (const table of TABLE_NAMES)
    it(`${table}: identical rows`, async () => {
      const a = await tableRows(duck.dir, table);
      const b = await tableRows(spark.dir, table);
      assert.ok(a.length > 0, `${table} has rows`);
      assert.equal(b.length, a.length, `${table}: row count`);
      const missing = a.filter((r) => !b.includes(r)).slice(0, 3);
      assert.deepEqual(missing, [], `${table}: rows DuckDB wrote that Spark did not`);
    });

  it('identical quarantine and reconciliation', async () => {
    assert.deepEqual(await quarantine(spark.dir), await quarantine(duck.dir));
    const manifests = async (dir: string) => {
      const lake = new LocalLake(`file://${path.join(dir, 'lake')}`);
      const out: Record<string, unknown> = {};
      for (const o of await lake.list('processed/_manifests/')) {
        const m = JSON.parse((await lake.get(o.key))!.toString());
        out[m.batch_id] = { stats: m.stats, rows: m.rows, quarantined: m.quarantined, files: m.files.length };
        assert.equal(m.engine, dir === spark.dir ? 'spark' : 'duckdb');
      }
      return out;
    };
    assert.deepEqual(await manifests(spark.dir), await manifests(duck.dir));
  });
});
