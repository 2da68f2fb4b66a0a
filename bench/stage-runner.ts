import type { Settings } from '../src/config/settings.js';
import { LocalLake } from '../src/lake/local/local-lake.js';
import { load } from '../src/load/index.js';
import { processPending } from '../src/process/index.js';

/** Runs one stage in this process and prints its wall time, summary and peak RSS as JSON. */
const [stage, lakeUri, warehouse] = process.argv.slice(2) as [string, string, string];
const settings = { lake: lakeUri, warehouse } as Settings;
const lake = new LocalLake(lakeUri);
const started = performance.now();
const summary =
  stage === 'process'
    ? await processPending(settings, lake)
    : stage === 'process-spark'
      ? await processPending(settings, lake, {
          engine: new (await import('../src/process/spark/spark-engine.js')).SparkEngine(),
        })
      : await load(settings, lake);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, summary, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
