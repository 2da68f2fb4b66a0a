import type { Settings } from '../config/settings.js';
import { mapLimit } from '../core/map-limit.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { getJson, type Lake, type LakeObject, type LocalCopy } from '../lake/lake.js';
import { isProcessedManifestKey, manifestBatchId, PROCESSED_MANIFESTS } from '../lake/zones.js';
import type { ProcessedManifest } from '../process/processed-manifest.js';
import { openWarehouse } from './open-warehouse.js';
import { copiesFromLake, type LoadResult, type Warehouse } from './warehouse.js';

export interface LoadSummary {
  warehouse: string;
  batches: number;
  skipped: number;
  rows: Record<string, number>;
  /** Rows new to the warehouse, per table. */
  inserted: Record<string, number>;
  /** The batches' notes (see `LoadResult.notes`), each also shown as it happens. */
  notes: string[];
}

/**
 * Every committed processed batch's manifest, oldest first; `listing` is the processed zone's (or
 * its `_manifests/`), when already made.
 */
export async function listProcessedManifests(
  lake: Lake,
  listing?: readonly LakeObject[],
): Promise<{ key: string; manifest: ProcessedManifest }[]> {
  const keys = (listing ?? (await lake.list(PROCESSED_MANIFESTS))).filter((o) =>
    isProcessedManifestKey(o.key),
  );
  const manifests = await mapLimit(keys, 16, ({ key }) => getJson<ProcessedManifest>(lake, key));
  const out: { key: string; manifest: ProcessedManifest }[] = [];
  for (const [i, manifest] of manifests.entries()) if (manifest) out.push({ key: keys[i]!.key, manifest });
  return out;
}

/**
 * The load stage: every processed batch not yet in `etl_loads` is loaded into the warehouse,
 * one transaction per batch. Loading again changes nothing.
 */
export async function load(
  settings: Settings,
  lake: Lake,
  options: { progress?: Progress } = {},
): Promise<LoadSummary> {
  const progress = options.progress ?? silentProgress;
  const warehouse = await openWarehouse(settings.warehouse, settings.warehouseOptions);
  try {
    return await loadInto(warehouse, lake, progress);
  } finally {
    await warehouse.close();
  }
}

export async function loadInto(warehouse: Warehouse, lake: Lake, progress: Progress): Promise<LoadSummary> {
  await warehouse.migrate();
  const loaded = await warehouse.loadedBatches();
  // Only the manifests of batches not loaded yet are read (the batch id is in the key): a run's
  // requests grow with the work pending, not with the lake's history.
  const listing = (await lake.list(PROCESSED_MANIFESTS)).filter((o) => isProcessedManifestKey(o.key));
  const unloaded = listing.filter((o) => !loaded.has(manifestBatchId(o.key)));
  const manifests = await listProcessedManifests(lake, unloaded);
  const pending = manifests.filter((m) => !loaded.has(m.manifest.batch_id));
  const summary: LoadSummary = {
    warehouse: warehouse.uri,
    batches: 0,
    skipped: listing.length - pending.length,
    rows: {},
    inserted: {},
    notes: [],
  };
  for (const [i, { manifest }] of pending.entries()) {
    progress.update(`load: batch ${i + 1}/${pending.length} (${manifest.batch_id})`);
    if (copiesFromLake(warehouse)) {
      // The warehouse reads the batch from the lake itself (Redshift COPY): nothing to download.
      add(summary, await warehouse.loadBatchFromLake(manifest, lake), progress);
      continue;
    }
    // One batch's files at a time (bounded scratch space), downloaded in parallel.
    const copies: (readonly [string, LocalCopy])[] = [];
    try {
      await mapLimit(manifest.files, 8, async (f) => {
        copies.push([f.key, await lake.localCopy(f.key)]);
      });
      add(
        summary,
        await warehouse.loadBatch(manifest, new Map(copies.map(([k, c]) => [k, c.path]))),
        progress,
      );
    } finally {
      await Promise.all(copies.map(([, c]) => c.release()));
    }
  }
  return summary;
}

/** Adds a batch's result to the summary; its notes are shown now. */
function add(summary: LoadSummary, result: LoadResult, progress: Progress): void {
  if (!result.loaded) {
    summary.skipped++;
    return;
  }
  summary.batches++;
  for (const n of result.notes ?? []) {
    progress.info(n);
    summary.notes.push(n);
  }
  for (const [t, n] of Object.entries(result.rows)) summary.rows[t] = (summary.rows[t] ?? 0) + n;
  for (const [t, n] of Object.entries(result.inserted)) summary.inserted[t] = (summary.inserted[t] ?? 0) + n;
}

export { openWarehouse } from './open-warehouse.js';
export type { Warehouse } from './warehouse.js';
