import type { LandingManifest } from '../collect/landing-writer.js';
import type { Settings } from '../config/settings.js';
import { mapLimit } from '../core/map-limit.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { getJson, type Lake, type LakeObject } from '../lake/lake.js';
import { withLease } from '../lake/lease.js';
import {
  isManifestKey,
  LANDING,
  manifestBatchId,
  PROCESSED_MANIFESTS,
  processedManifestKey,
} from '../lake/zones.js';
import { TABLE_NAMES } from '../schema/tables.js';
import { recordSummaries } from './batch-summaries.js';
import type { Engine, LandingBatch } from './engine.js';
import type { ProcessedManifest } from './processed-manifest.js';

export interface ProcessSummary {
  batches: number;
  posts_read: number;
  rows: Record<string, number>;
  quarantined: number;
  duplicates: number;
  partial_errors: number;
}

/** Committed landing batches (those with a manifest), oldest first; `listing` is the landing zone's, when already made. */
export async function listLandingBatches(
  lake: Lake,
  listing?: readonly LakeObject[],
): Promise<LandingBatch[]> {
  const keys = (listing ?? (await lake.list(`${LANDING}/`))).filter((o) => isManifestKey(o.key));
  const manifests = await mapLimit(keys, 16, ({ key }) => getJson<LandingManifest>(lake, key));
  const out: LandingBatch[] = [];
  for (const [i, manifest] of manifests.entries())
    if (manifest) out.push({ manifestKey: keys[i]!.key, manifest });
  return out.sort((a, b) => (a.manifest.batch_id < b.manifest.batch_id ? -1 : 1));
}

/**
 * Landing batches with no processed manifest yet. Only their manifests are read: the batches done
 * are known from the two listings (the batch id is in each manifest's key), so a run's requests
 * grow with the work pending, not with the lake's history (hourly collection of two queries
 * leaves some 17,500 batches a year, a GET each on S3 for every run that read them all).
 */
export async function pendingLandingBatches(lake: Lake): Promise<LandingBatch[]> {
  return (await findPending(lake)).pending;
}

/** The pending batches, and the processed manifests' listing they were told from. */
async function findPending(lake: Lake): Promise<{ pending: LandingBatch[]; processed: LakeObject[] }> {
  const processed = await lake.list(PROCESSED_MANIFESTS);
  const done = new Set(processed.map((o) => o.key));
  const isDone = (key: string) => done.has(processedManifestKey(manifestBatchId(key)));
  const listing = (await lake.list(`${LANDING}/`)).filter((o) => !(isManifestKey(o.key) && isDone(o.key)));
  const pending = await listLandingBatches(lake, listing);
  return { pending: pending.filter((b) => !done.has(processedManifestKey(b.manifest.batch_id))), processed };
}

/**
 * The process stage: every committed landing batch not yet processed becomes processed tables.
 * One process at a time per lake (the `process` lease; a second gets a `BusyError`).
 */
export function processPending(
  settings: Settings,
  lake: Lake,
  options: { progress?: Progress; engine?: Engine; signal?: AbortSignal } = {},
): Promise<ProcessSummary> {
  return withLease(lake, 'process', 'process', (lease) =>
    processLeased(settings, lake, options, () => lease.assertHeld()),
  );
}

async function processLeased(
  _settings: Settings,
  lake: Lake,
  options: { progress?: Progress; engine?: Engine; signal?: AbortSignal },
  assertHeld: () => void,
): Promise<ProcessSummary> {
  const progress = options.progress ?? silentProgress;
  const engine = options.engine ?? new (await import('./duckdb/duckdb-engine.js')).DuckDBEngine();
  const summary: ProcessSummary = {
    batches: 0,
    posts_read: 0,
    rows: Object.fromEntries(TABLE_NAMES.map((t) => [t, 0])),
    quarantined: 0,
    duplicates: 0,
    partial_errors: 0,
  };
  try {
    const { pending, processed } = await findPending(lake);
    const postsOf = new Map(pending.map((b) => [b.manifest.batch_id, b.manifest.posts]));
    const done = new Map<string, { processed: ProcessedManifest; posts: number }>();
    const manifests = engine.processBatches
      ? engine.processBatches(lake, pending, progress, options.signal)
      : (async function* () {
          for (const batch of pending) yield await engine.processBatch(lake, batch, progress);
        })();
    progress.update(`process: ${pending.length} ${pending.length === 1 ? 'batch' : 'batches'} to process`);
    for await (const manifest of manifests) {
      assertHeld();
      summary.batches++;
      done.set(manifest.batch_id, { processed: manifest, posts: postsOf.get(manifest.batch_id) ?? 0 });
      progress.update(`process: ${summary.batches}/${pending.length} done (batch ${manifest.batch_id})`);
      summary.posts_read += manifest.stats.posts_read;
      summary.quarantined += manifest.quarantined;
      summary.duplicates += manifest.stats.posts_duplicate;
      summary.partial_errors += manifest.stats.partial_errors;
      for (const t of TABLE_NAMES) summary.rows[t] = (summary.rows[t] ?? 0) + manifest.rows[t];
    }
    assertHeld();
    // What `status` sums, kept a month per object (`batch-summaries.ts`); a cache: when it cannot
    // be written, status reads the manifests instead and the next run records it.
    await recordSummaries(lake, processed, done, progress).catch((error: Error) =>
      progress.info(
        `process: batch summaries for status not recorded (${error.message}); the next run records them`,
      ),
    );
  } finally {
    if (!options.engine) await engine.close();
  }
  return summary;
}

export type { Engine } from './engine.js';
