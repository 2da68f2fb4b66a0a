import { parentPort, workerData } from 'node:worker_threads';
import { RetryableError } from '../../core/errors.js';
import type { LakeOptions } from '../../lake/lake.js';
import { openLake } from '../../lake/open-lake.js';
import type { LandingBatch } from '../engine.js';
import { DuckDBEngine } from './duckdb-engine.js';

/** A worker thread that processes the landing batches it is sent, one at a time, with its own DuckDB. */
const lake = await openLake(workerData.lakeUri as string, workerData.lakeOptions as LakeOptions);
// 1 GB lets DuckDB flatten a 300,000-post batch itself (13.5 s, peak RSS 1.3 GB, spilling to
// disk); at 512 MB a 200,000-post batch ran out and went to the TypeScript flattener (13.0 s,
// 1.6 GB). A 100,000-post batch uses about half of it.
const engine = new DuckDBEngine({
  threads: 1,
  memoryLimit: '1GB',
  workers: 1,
  flattenInDuckDB: workerData.flattenInDuckDB as boolean,
});
const progress = { info: (m: string) => parentPort!.postMessage({ info: m }), update: () => {} };
parentPort!.on('message', async (batch: LandingBatch | null) => {
  if (batch === null) {
    await engine.close();
    process.exit(0);
  }
  try {
    parentPort!.postMessage({ manifest: await engine.processBatch(lake, batch, progress) });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message, retryable: error instanceof RetryableError });
  }
});
