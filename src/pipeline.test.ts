import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { collect } from './collect/index.js';
import { landingLine } from './collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from './collect/landing-writer.js';
import { corpusMatches, type RunningEmulator, startEmulator } from './emulator/index.js';
import { LocalLake } from './lake/local/local-lake.js';
import { load } from './load/index.js';
import { processPending } from './process/index.js';
import { BIN, cli, finish, killAfter, killWhen } from './testing/cli-child.js';
import { type TempWorkspace, tempWorkspace } from './testing/temp-workspace.js';
import { fingerprint, query } from './testing/warehouse-fingerprint.js';

const NOW = '2026-11-20T12:00:00.000Z';
const QUERY = '#AI OR #climate';

async function wholeRun(ws: TempWorkspace, apiUrl: string, queries: string[]) {
  const settings = ws.settings(apiUrl);
  const lake = new LocalLake(ws.lakeUri);
  const collected = await collect(settings, lake, { queries });
  const processed = await processPending(settings, lake);
  const loaded = await load(settings, lake);
  return { collected, processed, loaded };
}

describe('pipeline end to end: emulator → local lake → DuckDB warehouse', () => {
  let em: RunningEmulator;
  let baseline: TempWorkspace;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 11 });
    baseline = tempWorkspace();
    await wholeRun(baseline, em.url, [QUERY, 'lang:ja data OR #データ']);
  });
  after(async () => {
    baseline.remove();
    await em.close();
  });

  it('holds every matching post of the corpus exactly once, with its author and hashtags', async () => {
    const expected = corpusMatches(em.corpus, QUERY, em.clock());
    assert.ok(expected.length > 1000);
    const rows = await query(
      baseline,
      `SELECT t.tweet_id::VARCHAR AS id, t.author_id::VARCHAR AS author, t.collected_via AS via,
              coalesce(list_sort(list(h.tag) FILTER (WHERE h.tag IS NOT NULL)), []) AS tags
       FROM fact_tweets t LEFT JOIN bridge_tweet_hashtags h USING (tweet_id) GROUP BY ALL`,
    );
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    for (const post of expected) {
      const row = byId.get(post.id);
      assert.ok(row, `post ${post.id} is in the warehouse`);
      assert.equal(row.via, 'match');
      assert.equal(row.author, post.author.id);
      const tags = (post.note?.entities ?? post.entities).hashtags.map((h) => h.tag).sort();
      assert.deepEqual([...(row.tags as string[])].sort(), tags, `hashtags of ${post.id}`);
    }
    const dupes = await query(baseline, 'SELECT count(*) - count(DISTINCT tweet_id) AS d FROM fact_tweets');
    assert.equal(Number(dupes[0]!.d), 0);
    const usersOk = await query(
      baseline,
      'SELECT count(*) AS c FROM fact_tweets t LEFT JOIN dim_users u ON u.user_id = t.author_id WHERE u.user_id IS NULL',
    );
    assert.equal(Number(usersOk[0]!.c), 0, 'every author is in dim_users');
  });

  it('adds nothing when run again, and loading again changes nothing', async () => {
    const before = await fingerprint(baseline);
    const again = await wholeRun(baseline, em.url, [QUERY, 'lang:ja data OR #データ']);
    assert.equal(again.collected.posts, 0);
    assert.equal(again.processed.batches, 0);
    assert.equal(again.loaded.batches, 0);
    assert.deepEqual(await fingerprint(baseline), before);
  });

  it('loads a post seen in two batches once, with the freshest counters', async () => {
    const ws = tempWorkspace();
    try {
      const settings = ws.settings(em.url);
      const lake = new LocalLake(ws.lakeUri);
      await collect(settings, lake, { queries: ['#AI'] });
      await collect(settings, lake, { queries: ['#AI -is:retweet'] }); // overlaps the first query
      await processPending(settings, lake);
      const summary = await load(settings, lake);
      assert.equal(summary.batches, 2);
      assert.ok(summary.rows.fact_tweets! > summary.inserted.fact_tweets!, 'some posts were in both batches');
      const d = await query(ws, 'SELECT count(*) - count(DISTINCT tweet_id) AS d FROM fact_tweets');
      assert.equal(Number(d[0]!.d), 0);
      const rows = await query(
        ws,
        'SELECT max(batch_id) = min(batch_id) AS same FROM fact_tweets GROUP BY tweet_id HAVING count(*) > 1',
      );
      assert.equal(rows.length, 0);
    } finally {
      ws.remove();
    }
  });

  it('quarantines a corrupt gzip part, a non-JSON line and a post without id; the rest loads', async () => {
    const ws = tempWorkspace();
    try {
      const settings = ws.settings(em.url);
      const lake = new LocalLake(ws.lakeUri);
      const page = await fetch(
        `${em.url}/2/tweets/search/recent?query=%23AI&max_results=20&tweet.fields=created_at,author_id,entities`,
        {
          headers: { authorization: 'Bearer t' },
        },
      );
      const body = await page.text();
      const meta = {
        retrieved_at: NOW,
        endpoint: '/2/tweets/search/recent',
        query: '#AI',
        request_url: 'x',
        status: 200,
      };
      const where = {
        source: 'search_recent',
        ingestDate: '2026-11-20',
        batchId: '20261120T120000000Z-badbad',
      };
      const good = await writeLandingPart(lake, where, 0, [landingLine(meta, body)]);
      const broken = await writeLandingPart(lake, where, 1, ['placeholder']);
      const corrupt = gzipSync('{"a":1}\n').subarray(0, 12);
      await lake.put(broken.key, corrupt);
      broken.sha256 = '';
      const mixed = await writeLandingPart(lake, where, 2, [
        'this is not json',
        landingLine(
          meta,
          JSON.stringify({
            data: [{ text: 'no id here' }, { id: '2123747899645166210', text: 'fine', created_at: NOW }],
          }),
        ),
      ]);
      await commitLandingBatch(lake, {
        batch_id: where.batchId,
        source: where.source,
        ingest_date: where.ingestDate,
        endpoint: meta.endpoint,
        query: '#AI',
        created_at: NOW,
        committed_at: NOW,
        parts: [good, broken, mixed],
        pages: 3,
        posts: 22,
        partial_errors: 0,
        newest_id: null,
      });
      const processed = await processPending(settings, lake);
      assert.equal(processed.quarantined, 3);
      const records = (await lake.get(`quarantine/process/${where.batchId}/records.jsonl`))!
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(records.map((r) => r.reason.split(':')[0]).sort(), [
        'corrupt gzip',
        'line is not valid JSON',
        'post without id',
      ]);
      assert.ok(
        await lake.get(`quarantine/process/${where.batchId}/parts/part-00001.jsonl.gz`),
        'the corrupt part is kept',
      );
      assert.equal(records.find((r) => r.reason === 'post without id').raw, '{"text":"no id here"}');
      await load(settings, lake);
      const n = await query(ws, 'SELECT count(*) AS c FROM fact_tweets');
      assert.equal(Number(n[0]!.c), 21);
    } finally {
      ws.remove();
    }
  });

  it('SIGKILLed at random moments during collect and load, then re-run, ends with exactly the uninterrupted result', async () => {
    // Same seed and frozen clock as the baseline, but paced to 8 requests a second, so a collect
    // run lasts several seconds and every kill lands in the middle of it.
    const paced = await startEmulator({ now: NOW, seed: 11, rateLimit: { limit: 8, windowMs: 1000 } });
    const ws = tempWorkspace();
    try {
      const queries = ['--query', QUERY, '--query', 'lang:ja data OR #データ'];
      let kills = 0;
      for (let i = 0; i < 6; i++)
        kills += Number(
          await killAfter(ws, paced.url, ['collect', ...queries], 300 + Math.floor(Math.random() * 1200)),
        );
      assert.ok(kills >= 5, `collect was really killed (${kills} of 6)`);
      const collected = await finish(cli(ws, paced.url, ['collect', ...queries]));
      assert.equal(collected.code, 0, collected.err);
      const processed = await finish(cli(ws, paced.url, ['process']));
      assert.equal(processed.code, 0, processed.err);
      // Kill load while it writes: once DuckDB's write-ahead log exists, a transaction is under way.
      // Later rounds start with the killed run's log still there, so they die during recovery.
      const wal = `${ws.warehousePath}.wal`;
      kills = 0;
      for (let i = 0; i < 3; i++)
        kills += Number(await killWhen(ws, paced.url, ['load'], () => existsSync(wal)));
      assert.ok(kills >= 1, 'load was killed while writing');
      const loaded = await finish(cli(ws, paced.url, ['load']));
      assert.equal(loaded.code, 0, loaded.err);
      assert.deepEqual(await fingerprint(ws), await fingerprint(baseline));
    } finally {
      ws.remove();
      await paced.close();
    }
  });

  it('says why a stage had nothing to do: an empty zone, or every batch already done', async () => {
    const empty = tempWorkspace();
    try {
      const loaded = await finish(cli(empty, em.url, ['load']));
      assert.equal(loaded.code, 0, loaded.err);
      assert.match(
        loaded.out,
        /nothing to load: the processed zone holds no batches yet \(`tweetpipe process`/,
      );
    } finally {
      empty.remove();
    }
    const again = await finish(cli(baseline, em.url, ['load']));
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /nothing new to load \(\d+ batches already loaded\)/);
  });

  it('status counts the records import quarantined, and gives its report as one JSON line with --json', async () => {
    const ws = tempWorkspace();
    try {
      const file = path.join(ws.dir, 'bad.jsonl');
      writeFileSync(file, 'not json\n{"also": "not a post"\n');
      const imported = await finish(cli(ws, em.url, ['import', file]));
      assert.equal(imported.code, 0, imported.err);
      assert.match(imported.out, /no posts in a known format; 2 bad lines quarantined/);
      // An empty file is empty each time, and leaves no checkpoint behind.
      const empty = path.join(ws.dir, 'empty.jsonl');
      writeFileSync(empty, '\n');
      for (let i = 0; i < 2; i++) {
        const run = await finish(cli(ws, em.url, ['import', empty]));
        assert.equal(run.code, 0, run.err);
        assert.match(run.out, /empty, nothing to import/);
      }
      const status = await finish(cli(ws, em.url, ['status']));
      assert.equal(status.code, 0, status.err);
      assert.match(status.out, /quarantine {2}\S+ \S+, 2 records in 1 file\n/);
      // The same report as one JSON line, for scripts.
      const json = await finish(cli(ws, em.url, ['--json', 'status']));
      assert.equal(json.code, 0, json.err);
      const report = JSON.parse(json.out);
      assert.equal(report.stage, 'status');
      assert.deepEqual(report.lake.quarantine.records, 2);
      assert.deepEqual(report.lake.landing, { bytes: 0, batches: 0, posts: 0, not_processed: 0 });
      assert.deepEqual(
        report.checkpoints.map((c: { label: string; endpoint: string; complete: boolean }) => [
          c.label,
          c.endpoint,
          c.complete,
        ]),
        [['bad.jsonl', 'import', true]],
      );
      assert.deepEqual(report.warehouse.batches_loaded, null, 'no warehouse file yet');
      assert.equal(report.last_runs.load, null);
    } finally {
      ws.remove();
    }
    // A loaded workspace: the warehouse's rows as the warehouse itself counts them.
    const loaded = JSON.parse((await finish(cli(baseline, em.url, ['--json', 'status']))).out);
    const [facts] = await query(baseline, 'SELECT count(*) AS n FROM fact_tweets');
    assert.equal(loaded.warehouse.rows.fact_tweets, Number(facts!.n));
    assert.ok(loaded.warehouse.batches_loaded > 0);
    assert.equal(loaded.lake.landing.not_processed, 0);
  });

  it('status reports the rest when another process holds the warehouse, and a load waits for a brief hold', async () => {
    const before = await fingerprint(baseline);
    // Another process holds the DuckDB file (this one: a notebook, say, or a load on another lake).
    const holder = await DuckDBInstance.create(baseline.warehousePath);
    const held = await holder.connect();
    let holding = true;
    const release = () => {
      if (!holding) return;
      held.closeSync();
      holder.closeSync();
      holding = false;
    };
    try {
      const status = await finish(cli(baseline, em.url, ['status']));
      assert.equal(status.code, 0, status.err);
      assert.match(status.out, /^Lake {8}file:/m, 'the lake is reported');
      assert.match(
        status.out,
        /^ {2}"#AI OR #climate": since_id \d+, last batch/m,
        'the checkpoints are reported',
      );
      assert.match(
        status.out,
        /^Warehouse {3}duckdb:\S+: cannot be read now: in use by another process \(.+, PID \d+\)$/m,
        'saying why once, without naming the file again',
      );
      const json = JSON.parse((await finish(cli(baseline, em.url, ['--json', 'status']))).out);
      assert.match(
        json.warehouse.unavailable,
        /^in use by another process \(.+, PID \d+\)$/,
        'naming the process',
      );
      assert.equal(json.warehouse.rows, null);
      assert.ok(json.lake.landing.batches > 0);
      // A load started now waits for the file, which is let go of a moment later.
      const loading = finish(cli(baseline, em.url, ['load']));
      await new Promise((r) => setTimeout(r, 1_000));
      release();
      const loaded = await loading;
      assert.equal(loaded.code, 0, loaded.err);
      assert.match(loaded.out, /nothing new to load/);
    } finally {
      release();
    }
    // status only reads: the file is as it was (no migration, no write).
    assert.equal((await finish(cli(baseline, em.url, ['status']))).code, 0);
    assert.deepEqual(await fingerprint(baseline), before);
  });

  it('fails fast on bad configuration, naming the setting', async () => {
    const ws = tempWorkspace();
    try {
      const child = spawn(process.execPath, [BIN, 'collect', '--query', 'x'], {
        cwd: ws.dir,
        env: { ...process.env, TWEETPIPE_LAKE: 'ftp://nowhere', X_BEARER_TOKEN: 'x' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const result = await finish(child);
      assert.equal(result.code, 2);
      assert.match(result.err, /TWEETPIPE_LAKE: unsupported scheme/);
      // A warehouse that cannot be opened stops a run before it collects anything.
      const noWarehouse = await finish(
        spawn(process.execPath, [BIN, 'run'], {
          cwd: ws.dir,
          env: {
            ...process.env,
            TWEETPIPE_WAREHOUSE: `duckdb://${BIN}/warehouse.duckdb`,
            X_BEARER_TOKEN: '',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      assert.equal(noWarehouse.code, 2, noWarehouse.err);
      assert.match(
        noWarehouse.err,
        /TWEETPIPE_WAREHOUSE: cannot make the folder of .*: a part of its path is a file/,
      );
      assert.ok(!existsSync(path.join(ws.dir, 'data', 'lake', 'landing')), 'nothing collected');
      // A lake whose folder cannot be one (a file in its path): the setting, not "unexpected error".
      writeFileSync(path.join(ws.dir, 'data'), 'a file');
      for (const command of [['collect', '--query', 'x'], ['process'], ['status']]) {
        const inFile = await finish(
          spawn(process.execPath, [BIN, ...command], {
            cwd: ws.dir,
            env: { ...process.env, TWEETPIPE_LAKE: 'file://./data/lake', X_BEARER_TOKEN: 'x' },
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        );
        assert.equal(inFile.code, 2, `${command.join(' ')}: ${inFile.err}`);
        assert.match(
          inFile.err,
          /TWEETPIPE_LAKE: file:.* cannot be used: a part of its path is a file, not a folder/,
        );
      }
      // Flags too, before any request; the emulator's address when it cannot listen there.
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const takenPort = (taken.address() as AddressInfo).port;
      try {
        for (const [args, pattern] of [
          [['collect', '--query', '  '], /--query: must not be empty/],
          [['emulator', '--port', '99999'], /--port: must be 0-65535/],
          [['emulator', '--now', '2026'], /--now: "2026" is not an ISO 8601 time/],
          [['emulator', '--now', '2026-02-30T00:00:00Z'], /--now: .* is not an ISO 8601 time/],
          [
            ['collect', '--query', 'x', '--start-time', '2026-04-31'],
            /--start-time: .* is not an ISO 8601 time/,
          ],
          [['emulator', '--port', String(takenPort)], /--port: 127\.0\.0\.1:\d+ is already in use/],
          [
            ['emulator', '--host', '192.0.2.1', '--port', '0'],
            /--host: 192\.0\.2\.1 is not an address of this machine/,
          ],
        ] as const) {
          const bad = await finish(cli(ws, 'http://127.0.0.1:9', [...args]));
          assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.err}`);
          assert.match(bad.err, pattern);
        }
      } finally {
        taken.close();
      }
    } finally {
      ws.remove();
    }
  });
});
