import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Lake } from '../lake/lake.js';
import { processedManifestKey } from '../lake/zones.js';
import type { LandingBatch } from './engine.js';
import type { BatchStats, QuarantineRecord } from './flatten-batch.js';
import type { ProcessedFile, ProcessedManifest } from './processed-manifest.js';
import { writeQuarantine } from './write-quarantine.js';

/**
 * The end of every engine's batch: quarantine written, then the processed manifest last, which
 * makes the batch's files visible to load.
 */
export async function commitProcessed(
  lake: Lake,
  batch: LandingBatch,
  result: {
    engine: string;
    files: ProcessedFile[];
    rows: ProcessedManifest['rows'];
    stats: BatchStats;
    quarantine: QuarantineRecord[];
    badParts: Map<string, Buffer>;
  },
): Promise<ProcessedManifest> {
  const batchId = batch.manifest.batch_id;
  const quarantineKey = await writeQuarantine(lake, batchId, result.quarantine, result.badParts);
  const manifest: ProcessedManifest = {
    batch_id: batchId,
    engine: result.engine,
    landing_manifest: batch.manifestKey,
    processed_at: new Date().toISOString(),
    files: result.files,
    rows: result.rows,
    stats: result.stats,
    quarantined: result.quarantine.length,
    quarantine_key: quarantineKey,
  };
  await lake.put(processedManifestKey(batchId), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The Parquet files under a local folder (recursively), sorted. */
export async function listParquet(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.endsWith('.parquet')) out.push(path.join(e.parentPath ?? e.path, e.name));
  return out.sort();
}
