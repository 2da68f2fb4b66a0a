import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { LocalLake } from '../../lake/local/local-lake.js';
import { TABLE_NAMES } from '../../schema/tables.js';
import {
  manifestSummaries,
  quarantineRows,
  tableRows,
  twinWorkspaces,
  writeNastyLanding,
} from '../../testing/engine-parity.js';
import { writeMutatedLanding } from '../../testing/mutated-landing.js';
import type { TempWorkspace } from '../../testing/temp-workspace.js';
import { writeTrickyLanding } from '../../testing/tricky-landing.js';
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
    [duck, spark] = await twinWorkspaces(em.url, async (settings, lake) => {
      await writeNastyLanding(settings, lake, NOW);
      await writeTrickyLanding(lake);
      await writeMutatedLanding(settings, lake, { seed: 1, batches: 6, now: NOW });
    });
    await processPending(duck.settings(em.url), new LocalLake(duck.lakeUri), { engine: new DuckDBEngine() });
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
    const fromSpark = await manifestSummaries(spark.dir);
    const fromDuckDB = await manifestSummaries(duck.dir);
    assert.deepEqual([...fromSpark.engines], ['spark']);
    assert.deepEqual([...fromDuckDB.engines], ['duckdb']);
    assert.deepEqual(fromSpark.batches, fromDuckDB.batches);
  });
});
