import { cpSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { collect } from '../collect/index.js';
import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import type { Settings } from '../config/settings.js';
import type { Lake } from '../lake/lake.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { type TempWorkspace, tempWorkspace } from './temp-workspace.js';
import { DEEP } from './tricky-landing.js';

/**
 * The landing batches both engines must agree on: emulator batches that overlap (the same posts
 * in several batches; astral characters, note_tweet, edits, HTML entities, partial errors), and a
 * batch with a corrupt gzip part, lines that are not JSON (`NaN`) or have no `response` or only
 * white space, posts without or with a bad `id` (`١٢٣٤`), a user without `id`, a post retrieved
 * twice, and a part missing from the lake.
 */
export async function writeNastyLanding(settings: Settings, lake: Lake, now: string): Promise<void> {
  // Overlapping queries: the same posts in several batches; the corpus has astral characters,
  // note_tweet, edits, HTML entities and partial errors.
  await collect(settings, lake, { queries: ['#AI OR #data'] });
  await collect(settings, lake, { queries: ['#AI OR 日本語 OR climate'], maxPosts: 1500 });
  const meta = {
    retrieved_at: now,
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
            created_at: now,
            entities: { hashtags: [{ start: 17, end: 20, tag: 'Ok' }] },
          },
          // Timestamps: an offset is read; no zone, 30 February and 2026 are not timestamps (the
          // post's time then comes from its id), whatever the machine's time zone.
          { id: '2123747899645166213', text: 'offset', created_at: '2026-11-20T17:30:00.25+05:30' },
          { id: '2123747899645166214', text: 'no zone', created_at: '2026-11-20T12:00:00' },
          { id: '2123747899645166215', text: 'no such day', created_at: '2026-02-30T00:00:00Z' },
          { id: '2123747899645166216', text: 'a number', created_at: 2026 },
        ],
        includes: {
          users: [
            { name: 'no id' },
            { id: '31', username: 'u31', created_at: '2026-11-20T24:00:00Z' },
            { id: '32', username: 'u32', created_at: '2020-01-02T03:04:05-01:00' },
          ],
        },
      }),
    ),
  ]);
  const broken = await writeLandingPart(lake, where, 1, ['placeholder']);
  await lake.put(broken.key, gzipSync('{"a":1}\n').subarray(0, 12));
  broken.sha256 = '';
  const mixed = await writeLandingPart(lake, where, 2, [
    'this is not json',
    '{"no":"response"}',
    landingLine({ ...meta, retrieved_at: '2026-11-20 12:00:00' }, '{"data":[]}'), // not RFC 3339
    // Numbers as JSON.parse reads them (doubles: 2**53 + 1 is 2**53, 1e400 is Infinity), and a
    // quarantined post whose raw JSON is written as JSON.stringify writes it (keys "2", "10" first).
    landingLine(
      meta,
      '{"data":[{"id":"2123747899645166217","text":"big counters","created_at":"2026-11-20T11:00:00Z",' +
        '"public_metrics":{"like_count":9007199254740993,"retweet_count":1e400,"reply_count":100.0}},' +
        '{"id":1.0,"text":"an id of 1.0","public_metrics":{"b":12345678901234567890,"10":1,"2":1e-7},"x":"\\u0001\\ud800"}]}',
    ),
    '\ufeff', // blank to JavaScript's trim(), which Python's strip() does not take for white space
    // A post and a user without an id, nested deeper than a recursive JSON writer goes: quarantined.
    landingLine(
      meta,
      `{"data":[{"text":"no id, deep","junk":${DEEP}}],"includes":{"users":[{"x":${DEEP}}]}}`,
    ),
    // NaN is not JSON, though Python's json.loads takes it
    `{"retrieved_at":"${now}","response":{"data":[{"id":"2123747899645166212","text":"NaN","public_metrics":{"like_count":NaN}}]}}`,
    landingLine(
      meta,
      JSON.stringify({
        data: [
          { text: 'no id here' },
          { id: 'abc', text: 'bad id' },
          { id: '١٢٣٤', text: 'an id in Arabic-Indic digits' },
          { id: '2123747899645166211', text: 'dup', created_at: now },
        ],
      }),
    ),
    landingLine(
      { ...meta, retrieved_at: '2026-11-20T12:00:05.000Z' },
      JSON.stringify({ data: [{ id: '2123747899645166211', text: 'dup, later', created_at: now }] }),
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
    created_at: now,
    committed_at: now,
    parts: [good, broken, mixed, gone],
    pages: 3,
    posts: 5,
    partial_errors: 0,
    newest_id: null,
  });
}

/** Copies every object of one lake into another (e.g. a local landing zone into an S3 lake). */
export async function copyLake(from: Lake, to: Lake, prefix = ''): Promise<void> {
  for (const o of await from.list(prefix)) await to.put(o.key, (await from.get(o.key))!);
}

/** Every row of a processed table, as text, sorted: the order-insensitive comparison. */
export async function tableRows(lakeDir: string, table: string): Promise<string[]> {
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

export async function quarantineRows(lakeDir: string): Promise<string[]> {
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

/** Each processed batch's reconciliation as its manifest records it, by batch id, and the engines that wrote them. */
export async function manifestSummaries(
  lakeDir: string,
): Promise<{ batches: Record<string, unknown>; engines: Set<string> }> {
  const lake = new LocalLake(`file://${path.join(lakeDir, 'lake')}`);
  const batches: Record<string, unknown> = {};
  const engines = new Set<string>();
  for (const o of await lake.list('processed/_manifests/')) {
    const m = JSON.parse((await lake.get(o.key))!.toString());
    batches[m.batch_id] = { stats: m.stats, rows: m.rows, quarantined: m.quarantined, files: m.files.length };
    engines.add(m.engine);
  }
  return { batches, engines };
}

/** Two workspaces whose lakes hold the same landing zone, written once by `write` into the first. */
export async function twinWorkspaces(
  apiUrl: string,
  write: (settings: Settings, lake: Lake) => Promise<void>,
): Promise<[TempWorkspace, TempWorkspace]> {
  const first = tempWorkspace();
  await write(first.settings(apiUrl), new LocalLake(first.lakeUri));
  const second = tempWorkspace();
  cpSync(path.join(first.dir, 'lake'), path.join(second.dir, 'lake'), { recursive: true });
  return [first, second];
}
