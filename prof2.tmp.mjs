import { DuckDBConnection } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
const { LocalLake } = await import('./dist/src/lake/local/local-lake.js');
const { load } = await import('./dist/src/load/index.js');
const agg = new Map();
for (const m of ['run', 'runAndReadAll']) {
  const orig = DuckDBConnection.prototype[m];
  DuckDBConnection.prototype[m] = async function (sql, ...a) {
    const t = performance.now(); try { return await orig.call(this, sql, ...a); } finally {
      const k = sql.replace(/read_parquet\(\[[^\]]*\]\)/g, 'RP').slice(0, 70); const d = performance.now() - t;
      agg.set(k, (agg.get(k) ?? 0) + d);
    }
  };
}
const w = '/tmp/prof/wh.duckdb'; rmSync(w, {force: true}); rmSync(w + '.wal', {force: true});
const t = performance.now();
const s = await load({ warehouse: 'duckdb://' + w }, new LocalLake('file:///work/main/.tweetpipe-bench/run'));
console.log('total', ((performance.now() - t) / 1000).toFixed(1), Object.values(s.rows).reduce((a, b) => a + b));
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1000).toFixed(2).padStart(7), k);
