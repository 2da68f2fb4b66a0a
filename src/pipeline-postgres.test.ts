import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { collect } from './collect/index.js';
import { type RunningEmulator, startEmulator } from './emulator/index.js';
import { LocalLake } from './lake/local/local-lake.js';
import { load } from './load/index.js';
import { processPending } from './process/index.js';
import { BIN, cli, finish } from './testing/cli-child.js';
import { startPostgres, type TestPostgres } from './testing/postgres-server.js';
import { type TempWorkspace, tempWorkspace } from './testing/temp-workspace.js';
import { factRows, fingerprint, query } from './testing/warehouse-fingerprint.js';

const NOW = '2026-11-20T12:00:00.000Z';
const QUERIES = ['#AI OR #climate', 'lang:ja data OR #データ'];

describe('pipeline end to end: emulator → local lake → PostgreSQL warehouse', () => {
  let em: RunningEmulator;
  let pg: TestPostgres;
  let ws: TempWorkspace;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 8, rateLimit: false });
    pg = await startPostgres();
    ws = tempWorkspace();
  });
  after(async () => {
    ws.remove();
    await pg.stop();
    await em.close();
  });

  it('a load SIGKILLed at random moments, then re-run, ends with exact counts', async () => {
    const kws = tempWorkspace();
    try {
      const settings = kws.settings(em.url);
      const lake = new LocalLake(kws.lakeUri);
      await collect(settings, lake, { queries: QUERIES });
      await collect(settings, lake, { queries: ['#AI -is:retweet'] }); // a third, overlapping batch
      await processPending(settings, lake);
      await load(settings, lake); // the DuckDB reference
      const uri = await pg.newDatabase();
      let kills = 0;
      for (const ms of [150, 400, 700, 1000, 1400]) {
        const child = spawn(process.execPath, [BIN, 'load'], {
          cwd: kws.dir,
          env: { ...process.env, TWEETPIPE_LAKE: kws.lakeUri, TWEETPIPE_WAREHOUSE: uri },
          stdio: 'ignore',
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), ms);
        const signal = await new Promise((r) => child.on('close', (_code, sig) => r(sig)));
        clearTimeout(timer);
        if (signal === 'SIGKILL') kills++;
      }
      assert.ok(kills > 0, 'at least one load was killed mid-way');
      await load({ ...settings, warehouse: uri }, lake);
      assert.deepEqual(await fingerprint(uri), await fingerprint(kws));
      const dupes = await query(uri, 'SELECT count(*) - count(DISTINCT tweet_id) AS d FROM fact_tweets');
      assert.equal(Number(dupes[0]!.d), 0);
    } finally {
      kws.remove();
    }
  });

  it('holds exactly what the DuckDB warehouse holds, value for value; re-loading changes nothing', async () => {
    const settings = ws.settings(em.url);
    const lake = new LocalLake(ws.lakeUri);
    await collect(settings, lake, { queries: QUERIES });
    await processPending(settings, lake);
    const reference = await load(settings, lake); // DuckDB
    const uri = await pg.newDatabase();
    const loaded = await load({ ...settings, warehouse: uri }, lake);
    assert.equal(loaded.batches, 2);
    assert.deepEqual(loaded.rows, reference.rows);
    assert.deepEqual(loaded.inserted, reference.inserted);
    assert.deepEqual(await fingerprint(uri), await fingerprint(ws));
    assert.deepEqual(await factRows(uri), await factRows(ws));

    const again = await load({ ...settings, warehouse: uri }, lake);
    assert.equal(again.batches, 0);
    assert.equal(again.skipped, 2);
    assert.deepEqual(await fingerprint(uri), await fingerprint(ws));

    // status counts what the warehouse holds, as the warehouse does.
    const report = JSON.parse((await status(uri)).out);
    assert.equal(report.warehouse.batches_loaded, 2);
    assert.equal(report.warehouse.rows.fact_tweets, (await fingerprint(ws)).counts.fact_tweets);
  });

  it('status only reads: a database no load has used stays empty', async () => {
    const uri = await pg.newDatabase();
    const shown = await status(uri, []);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /^Warehouse {3}postgres:\S+: not created yet/m);
    const tables = await query(
      uri,
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    assert.equal(Number(tables[0]!.n), 0, 'no table was created');
  });

  /** `tweetpipe status` on the workspace's lake and the warehouse at `uri` (`--json` unless `args` says otherwise). */
  const status = (uri: string, args = ['--json']) =>
    finish(cli(ws, em.url, [...args, 'status'], { TWEETPIPE_WAREHOUSE: uri }));
});
