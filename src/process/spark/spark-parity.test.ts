import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { LocalLake } from '../../lake/local/local-lake.js';
import { TABLE_NAMES } from '../../schema/tables.js';
import { quarantineRows, tableRows, writeNastyLanding } from '../../testing/engine-parity.js';
import { type TempWorkspace, tempWorkspace } from '../../testing/temp-workspace.js';
import { DuckDBEngine } from '../duckdb/duckdb-engine.js';
import { processPending } from '../index.js';
import { SparkEngine } from './spark-engine.js';

const NOW = '2026-11-20T12:00:00.000Z';

describe('Spark engine parity with DuckDB (same landing batches, same tables and quarantine)', () => {
  let em: RunningEmulator;
  let duck: TempWorkspace;
  let spark: TempWorkspace;
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 23 });
    duck = tempWorkspace();
    const lake = new LocalLake(duck.lakeUri);
    const settings = duck.settings(em.url);
    await writeNastyLanding(settings, lake, NOW);
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
    assert.deepEqual(await quarantineRows(spark.dir), await quarantineRows(duck.dir));
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
