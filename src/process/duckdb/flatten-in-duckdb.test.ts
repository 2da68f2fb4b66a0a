import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { LocalLake } from '../../lake/local/local-lake.js';
import { type ProcessedTable, TABLE_NAMES, TABLES } from '../../schema/tables.js';
import {
  manifestSummaries,
  quarantineRows,
  tableRows,
  twinWorkspaces,
  writeNastyLanding,
} from '../../testing/engine-parity.js';
import { writeMutatedLanding } from '../../testing/mutated-landing.js';
import { writeNewerUnicodeLanding } from '../../testing/newer-unicode-landing.js';
import type { TempWorkspace } from '../../testing/temp-workspace.js';
import { writeTrickyLanding } from '../../testing/tricky-landing.js';
import { processPending } from '../index.js';
import { DuckDBEngine } from './duckdb-engine.js';

const NOW = '2026-11-20T12:00:00.000Z';

describe('flattening in DuckDB gives what the TypeScript flattener gives', () => {
  let em: RunningEmulator;
  let sql: TempWorkspace;
  let ts: TempWorkspace;
  const messages: string[] = [];
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 29 });
    [sql, ts] = await twinWorkspaces(em.url, async (settings, lake) => {
      await writeNastyLanding(settings, lake, NOW);
      await writeTrickyLanding(lake);
      await writeNewerUnicodeLanding(lake);
      for (const seed of [1, 4]) await writeMutatedLanding(settings, lake, { seed, batches: 12, now: NOW });
    });
    const progress = { info: (m: string) => messages.push(m), update: (m: string) => messages.push(m) };
    await processPending(sql.settings(em.url), new LocalLake(sql.lakeUri), {
      engine: new DuckDBEngine({ workers: 1 }),
      progress,
    });
    await processPending(ts.settings(em.url), new LocalLake(ts.lakeUri), {
      engine: new DuckDBEngine({ workers: 1, flattenInDuckDB: false }),
    });
  });
  after(async () => {
    sql?.remove();
    ts?.remove();
    await em?.close();
  });

  it('DuckDB flattens the clean batches; the batches with bad input or newer Unicode go to TypeScript, saying why', () => {
    const fallbacks = messages.filter((m) => m.includes('goes to the TypeScript flattener'));
    const [mutated, others] = [
      fallbacks.filter((m) => m.includes('mutated')),
      fallbacks.filter((m) => !m.includes('mutated')),
    ];
    assert.equal(others.length, 2, others.join('\n'));
    assert.match(others[0]!, /badbad.*part .* (cannot be read|fails its checksum)/);
    assert.match(
      others[1]!,
      /newer-unicode-nfc goes .*: a text with characters newer than DuckDB's Unicode data/,
    );
    // The 24 mutated batches exercise both paths.
    assert.ok(
      mutated.length >= 4 && mutated.length <= 20,
      `${mutated.length} mutated batches went to TypeScript`,
    );
  });

  for (const table of TABLE_NAMES)
    it(`${table}: identical rows`, async () => {
      const a = await tableRows(sql.dir, table);
      const b = await tableRows(ts.dir, table);
      assert.ok(a.length > 0, `${table} has rows`);
      assert.deepEqual(
        a.filter((r) => !b.includes(r)),
        b.filter((r) => !a.includes(r)),
        `${table}: rows only one flattener wrote (left: DuckDB, right: TypeScript)`,
      );
      assert.equal(a.length, b.length);
    });

  it('counters are rounded half to even, and one its column cannot hold is NULL (both flatteners)', async () => {
    const columns = (table: string): string[] => TABLES[table as ProcessedTable].columns.map(([c]) => c);
    for (const dir of [sql.dir, ts.dir]) {
      const pick = async (table: string, key: string, names: string[]) => {
        const row = (await tableRows(dir, table))
          .map((r) => JSON.parse(r) as (string | null)[])
          .find((r) => r[0] === key && r.includes('20261120T130000000Z-tricky'));
        assert.ok(row, `${table} ${key}`);
        return names.map((n) => row[columns(table).indexOf(n)]);
      };
      const counters = [
        'like_count',
        'retweet_count',
        'reply_count',
        'quote_count',
        'impression_count',
        'bookmark_count',
      ];
      assert.deepEqual(await pick('tweets', '2123747899645166301', counters), [
        null,
        null,
        '2',
        '7',
        null,
        null,
      ]);
      assert.deepEqual(await pick('media', '3_2', ['width', 'height', 'duration_ms']), [null, '4', null]);
      assert.deepEqual(await pick('users', '12', ['followers_count', 'following_count', 'tweet_count']), [
        null,
        '2',
        '0',
      ]);
    }
  });

  it('identical quarantine and reconciliation counts', async () => {
    assert.deepEqual(await quarantineRows(sql.dir), await quarantineRows(ts.dir));
    assert.deepEqual((await manifestSummaries(sql.dir)).batches, (await manifestSummaries(ts.dir)).batches);
  });
});
