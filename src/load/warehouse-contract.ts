import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import { FatalError } from '../core/errors.js';
import type { Lake } from '../lake/lake.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { DuckDBEngine } from '../process/duckdb/duckdb-engine.js';
import type { ProcessedManifest } from '../process/processed-manifest.js';
import { tempWorkspace } from '../testing/temp-workspace.js';
import { STAR_TABLES } from './star-schema.js';
import { copiesFromLake, type Warehouse } from './warehouse.js';

/** A post as X returns it, with `tags` as hashtags at their offsets in its text. */
export const post = (id: string, likes: number, tags: string[]) => ({
  id,
  text: `post ${tags.map((t) => `#${t}`).join(' ')}`,
  created_at: '2026-11-19T08:00:00.000Z',
  author_id: '42',
  public_metrics: {
    like_count: likes,
    retweet_count: 0,
    reply_count: 0,
    quote_count: 0,
    impression_count: 1,
    bookmark_count: 0,
  },
  entities: {
    hashtags: tags.map((tag, i) => ({
      start: 5 + i * (tag.length + 2),
      end: 6 + tag.length + i * (tag.length + 2),
      tag,
    })),
  },
});

/** One landing batch of a single response, processed by `engine` into `lake`. */
export async function processedBatch(
  lake: Lake,
  engine: DuckDBEngine,
  batchId: string,
  retrievedAt: string,
  response: unknown,
) {
  const where = { source: 'search_recent', ingestDate: '2026-11-20', batchId };
  const meta = {
    retrieved_at: retrievedAt,
    endpoint: '/2/tweets/search/recent',
    query: 'q',
    request_url: 'u',
    status: 200,
  };
  const part = await writeLandingPart(lake, where, 0, [landingLine(meta, JSON.stringify(response))]);
  const manifest = {
    batch_id: batchId,
    source: where.source,
    ingest_date: where.ingestDate,
    endpoint: meta.endpoint,
    query: 'q',
    created_at: retrievedAt,
    committed_at: retrievedAt,
    parts: [part],
    pages: 1,
    posts: 1,
    partial_errors: 0,
    newest_id: null,
  };
  const manifestKey = await commitLandingBatch(lake, manifest);
  return engine.processBatch(lake, { manifestKey, manifest }, { info() {}, update() {} });
}

async function localFiles(lake: Lake, manifest: ProcessedManifest): Promise<Map<string, string>> {
  return new Map(
    await Promise.all(manifest.files.map(async (f) => [f.key, (await lake.localCopy(f.key)).path] as const)),
  );
}

/**
 * The contract every `Warehouse` honours, run against each implementation that can run here.
 * `make` returns a fresh, empty warehouse.
 */
export function runWarehouseContract(
  name: string,
  make: (dir: string, lake: Lake) => Promise<Warehouse>,
  options: {
    /** The lake to process the fixtures into (default: a local lake in a temporary folder). */
    lake?: () => Promise<Lake>;
    /** The warehouse takes `ALTER TABLE … ADD CONSTRAINT … CHECK`, so a real violation can be provoked. */
    checkConstraints?: boolean;
  } = {},
): void {
  describe(`Warehouse contract: ${name}`, () => {
    const ws = tempWorkspace();
    let lake: Lake = new LocalLake(ws.lakeUri);
    const engine = new DuckDBEngine({ workers: 1 });
    let early: ProcessedManifest;
    let late: ProcessedManifest;
    let later: ProcessedManifest;
    let grown: ProcessedManifest;
    /** Loads a batch the way `load` does: from the lake, or from local copies of its files. */
    const loadVia = async (wh: Warehouse, manifest: ProcessedManifest, files?: Map<string, string>) =>
      copiesFromLake(wh)
        ? wh.loadBatchFromLake(manifest, lake)
        : wh.loadBatch(manifest, files ?? (await localFiles(lake, manifest)));
    before(async () => {
      if (options.lake) lake = await options.lake();
      early = await processedBatch(lake, engine, 'b-1-early', '2026-11-20T09:00:00Z', {
        data: [post('1001', 3, ['a', 'b'])],
        includes: {
          tweets: [post('1002', 1, ['c'])],
          users: [{ id: '42', username: 'old_name', name: 'N' }],
        },
      });
      late = await processedBatch(lake, engine, 'b-2-late', '2026-11-20T10:00:00Z', {
        data: [post('1001', 9, ['a', 'b']), post('1002', 5, ['c'])],
        includes: { users: [{ id: '42', username: 'new_name', name: 'N' }] },
      });
      // 1001 again, newer, but only as a post another one references.
      later = await processedBatch(lake, engine, 'b-3-later', '2026-11-20T11:00:00Z', {
        data: [post('1003', 0, [])],
        includes: { tweets: [post('1001', 12, ['a', 'b'])] },
      });
      // 1002 again with a hashtag more (its `#c` is where it was), beside a post new to the warehouse.
      grown = await processedBatch(lake, engine, 'b-4-grown', '2026-11-20T12:00:00Z', {
        data: [post('1002', 6, ['c', 'd']), post('1004', 0, ['e'])],
      });
    });
    after(async () => {
      await engine.close();
      ws.remove();
    });

    /** The fact rows as [id, like_count, batch_id, collected_via], by id. */
    async function facts(wh: Warehouse): Promise<unknown[][]> {
      const rows = await wh.query(
        'SELECT tweet_id::VARCHAR AS id, like_count, batch_id, collected_via FROM fact_tweets ORDER BY 1',
      );
      return rows.map((r) => [r.id, Number(r.like_count), r.batch_id, r.collected_via]);
    }

    async function username42(wh: Warehouse): Promise<unknown> {
      return (await wh.query('SELECT username FROM dim_users WHERE user_id = 42'))[0]!.username;
    }

    async function count(wh: Warehouse, table: string): Promise<number> {
      return Number((await wh.query(`SELECT count(*) AS c FROM ${table}`))[0]!.c);
    }

    it('migrates idempotently and starts empty', async () => {
      const wh = await make(ws.dir, lake);
      try {
        await wh.migrate();
        await wh.migrate();
        assert.equal((await wh.loadedBatches()).size, 0);
        assert.equal(await count(wh, 'fact_tweets'), 0);
      } finally {
        await wh.close();
      }
    });

    it('keeps the latest retrieval whatever order batches load in; a match stays a match', async () => {
      const wh = await make(ws.dir, lake);
      try {
        await wh.migrate();
        assert.equal((await loadVia(wh, late)).loaded, true);
        await loadVia(wh, early);
        assert.deepEqual(await facts(wh), [
          ['1001', 9, 'b-2-late', 'match'],
          ['1002', 5, 'b-2-late', 'match'],
        ]);
        assert.equal(await username42(wh), 'new_name');
        assert.equal(await count(wh, 'bridge_tweet_hashtags'), 3);
        assert.deepEqual([...(await wh.loadedBatches())].sort(), ['b-1-early', 'b-2-late']);
        assert.equal(await count(wh, 'dim_date'), 1);
        for (const t of STAR_TABLES) {
          const keys = t.key.join(', ');
          const dupes = await wh.query(`SELECT ${keys} FROM ${t.name} GROUP BY ${keys} HAVING count(*) > 1`);
          assert.deepEqual(dupes, [], `${t.name} holds each key once`);
        }
      } finally {
        await wh.close();
      }
    });

    it('updates rows to a later retrieval; a later sighting as a reference does not demote a match', async () => {
      const wh = await make(ws.dir, lake);
      try {
        await wh.migrate();
        for (const m of [early, late, later]) assert.equal((await loadVia(wh, m)).loaded, true);
        assert.deepEqual(await facts(wh), [
          ['1001', 12, 'b-3-later', 'match'],
          ['1002', 5, 'b-2-late', 'match'],
          ['1003', 0, 'b-3-later', 'match'],
        ]);
        assert.equal(await username42(wh), 'new_name');
        assert.equal(await count(wh, 'bridge_tweet_hashtags'), 3);
      } finally {
        await wh.close();
      }
      // The other way round: an older batch that saw the post as a match still makes it one.
      const wh2 = await make(ws.dir, lake);
      try {
        await wh2.migrate();
        for (const m of [later, early]) await loadVia(wh2, m);
        assert.deepEqual((await facts(wh2))[0], ['1001', 12, 'b-3-later', 'match']);
      } finally {
        await wh2.close();
      }
    });

    it('adds the occurrences a later retrieval shows, once, beside the ones already there', async () => {
      const wh = await make(ws.dir, lake);
      try {
        await wh.migrate();
        for (const m of [early, late, grown, later]) assert.equal((await loadVia(wh, m)).loaded, true);
        const tags = await wh.query(
          'SELECT tweet_id::VARCHAR AS id, start_index, tag FROM bridge_tweet_hashtags ORDER BY 1, 2',
        );
        assert.deepEqual(
          tags.map((r) => [r.id, Number(r.start_index), r.tag]),
          [
            ['1001', 5, 'a'],
            ['1001', 8, 'b'],
            ['1002', 5, 'c'],
            ['1002', 8, 'd'],
            ['1004', 5, 'e'],
          ],
        );
      } finally {
        await wh.close();
      }
    });

    it('skips a batch already in etl_loads', async () => {
      const wh = await make(ws.dir, lake);
      try {
        await wh.migrate();
        await loadVia(wh, early);
        const again = await loadVia(wh, early);
        assert.equal(again.loaded, false);
        assert.equal(
          await count(wh, 'etl_loads'),
          Number((await wh.query("SELECT count(*) AS c FROM etl_loads WHERE batch_id = 'b-1-early'"))[0]!.c),
        );
      } finally {
        await wh.close();
      }
    });

    it('rolls a failing batch back whole, naming the batch and the table', async () => {
      const wh = await make(ws.dir, lake);
      try {
        await wh.migrate();
        const hashtagFile = late.files.find((f) => f.table === 'tweet_hashtags')!.key;
        let attempt: Promise<unknown>;
        if (copiesFromLake(wh)) {
          // A file the manifest names is missing from the lake.
          const missing = late.files.map((f) =>
            f.key === hashtagFile ? { ...f, key: `${f.key}.missing` } : f,
          );
          attempt = wh.loadBatchFromLake({ ...late, files: missing }, lake);
        } else {
          const files = await localFiles(lake, late);
          files.set(hashtagFile, `${ws.dir}/no-such-file.parquet`);
          attempt = wh.loadBatch(late, files);
        }
        const error = await attempt.catch((e: unknown) => e);
        assert.ok(error instanceof FatalError);
        assert.match(error.message, /b-2-late.*bridge_tweet_hashtags.*rolled back/);
        assert.equal(
          await count(wh, 'fact_tweets'),
          0,
          'fact rows loaded before the failure were rolled back',
        );
        assert.equal((await wh.loadedBatches()).size, 0);
      } finally {
        await wh.close();
      }
    });

    if (options.checkConstraints) {
      it('a constraint violation rolls the batch back whole; the batch loads once it is fixed', async () => {
        const wh = await make(ws.dir, lake);
        try {
          await wh.migrate();
          await wh.query(
            "ALTER TABLE bridge_tweet_hashtags ADD CONSTRAINT no_tag_c CHECK (tag_normalized <> 'c')",
          );
          const error = await loadVia(wh, late).catch((e: unknown) => e);
          assert.ok(error instanceof FatalError, String(error));
          assert.match(error.message, /b-2-late.*bridge_tweet_hashtags.*rolled back.*no_tag_c/);
          assert.equal(
            await count(wh, 'fact_tweets'),
            0,
            'rows of the tables loaded before it were rolled back',
          );
          assert.equal(await count(wh, 'dim_users'), 0);
          assert.equal((await wh.loadedBatches()).size, 0);
          await wh.query('ALTER TABLE bridge_tweet_hashtags DROP CONSTRAINT no_tag_c');
          assert.equal((await loadVia(wh, late)).loaded, true);
          assert.equal(await count(wh, 'bridge_tweet_hashtags'), 3);
          assert.equal(await count(wh, 'fact_tweets'), 2);
        } finally {
          await wh.close();
        }
      });
    }

    it('keeps one row per key when a batch repeats a key', async () => {
      const wh = await make(ws.dir, lake);
      try {
        await wh.migrate();
        // Every file twice (under a second key where local copies are used): every row twice, so
        // single-column keys (posts) and composite ones (hashtags, mentions) both repeat.
        const again = late.files.map((f) => (copiesFromLake(wh) ? f : { ...f, key: `${f.key}#again` }));
        const doubled: ProcessedManifest = {
          ...late,
          batch_id: 'b-3-doubled',
          files: [...late.files, ...again],
        };
        const files = copiesFromLake(wh) ? undefined : await localFiles(lake, late);
        for (const f of late.files) files?.set(`${f.key}#again`, files.get(f.key)!);
        const result = await loadVia(wh, doubled, files);
        assert.equal(result.rows.fact_tweets, 2);
        assert.equal(await count(wh, 'fact_tweets'), 2);
        assert.ok(result.rows.bridge_tweet_hashtags! > 0, 'the batch has hashtags');
        for (const t of STAR_TABLES) {
          const keys = t.key.map((k) => `"${k}"`).join(', ');
          const dupes = await wh.query(`SELECT ${keys} FROM ${t.name} GROUP BY ${keys} HAVING count(*) > 1`);
          assert.deepEqual(dupes, [], `${t.name} holds each key once`);
          assert.equal(await count(wh, t.name), result.rows[t.name], `${t.name}: rows counted once`);
        }
      } finally {
        await wh.close();
      }
    });
  });
}
