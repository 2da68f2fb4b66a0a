import type { LandingManifest } from '../collect/landing-writer.js';
import { mapLimit } from '../core/map-limit.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { getJson, type Lake, type LakeObject } from '../lake/lake.js';
import { isProcessedManifestKey, manifestBatchId, STATE } from '../lake/zones.js';
import type { ProcessedManifest } from './processed-manifest.js';

/** What `status` needs of one processed batch, from its landing and processed manifests. */
export interface BatchSummary {
  /** Posts the landing batch holds (its manifest's `posts`). */
  posts: number;
  /** Rows per processed table. */
  rows: Record<string, number>;
  quarantined: number;
}

const PREFIX = `${STATE}/summaries/`;

/** A month of batches per object (batch ids start with their UTC time: `20261202T…` is `202612`). */
export function summaryKey(batchId: string): string {
  const month = /^\d{6}/.exec(batchId)?.[0] ?? 'other';
  return `${PREFIX}${month}.json`;
}

interface SummaryFile {
  batches: Record<string, BatchSummary>;
}

/**
 * The summaries of processed batches, by batch id. `process` keeps them (`recordSummaries`), so
 * `status` reads a dozen objects a year instead of two manifests per batch ever collected.
 */
export async function readSummaries(lake: Lake): Promise<Map<string, BatchSummary>> {
  const out = new Map<string, BatchSummary>();
  for (const file of (await readSummaryFiles(lake)).values())
    for (const [id, s] of Object.entries(file.batches)) out.set(id, s);
  return out;
}

/** Every month's object that reads as summaries, by key (one that does not is left out). */
async function readSummaryFiles(lake: Lake): Promise<Map<string, SummaryFile>> {
  const keys = (await lake.list(PREFIX)).filter((o) => o.key.endsWith('.json'));
  const files = await mapLimit(keys, 16, async ({ key }) => [key, await readSummaryFile(lake, key)] as const);
  return new Map(files.filter((f): f is readonly [string, SummaryFile] => f[1] !== undefined));
}

/**
 * Adds summaries for the processed batches that have none: `done` (this run's, manifests in hand)
 * and any other listed in `processedListing` (a lake processed before summaries existed, or a run
 * that stopped before recording), whose manifests are read once. Only the process stage calls
 * this, under its lease, so no two writers race for a month's object.
 */
export async function recordSummaries(
  lake: Lake,
  processedListing: readonly LakeObject[],
  done: ReadonlyMap<string, { processed: ProcessedManifest; posts: number }>,
  progress: Progress = silentProgress,
): Promise<void> {
  const files = await readSummaryFiles(lake);
  const known = new Set([...files.values()].flatMap((f) => Object.keys(f.batches)));
  const added = new Map<string, BatchSummary>();
  for (const [id, { processed, posts }] of done) added.set(id, summaryOf(processed, posts));
  const missing = processedListing.filter((o) => {
    if (!isProcessedManifestKey(o.key)) return false;
    const id = manifestBatchId(o.key);
    return !known.has(id) && !added.has(id);
  });
  if (missing.length > 0)
    progress.update(
      `process: summarizing ${missing.length} earlier batches for status (once; they had no summary)`,
    );
  await mapLimit(missing, 16, async ({ key }) => {
    const processed = await getJson<ProcessedManifest>(lake, key);
    if (!processed) return;
    // (a landing batch since removed counts no posts: status counts posts of listed landing batches only)
    const landing = await getJson<LandingManifest>(lake, processed.landing_manifest);
    added.set(processed.batch_id, summaryOf(processed, landing?.posts ?? 0));
  });
  if (added.size === 0) return;
  // Each month's object as read above, with its new entries (one that could not be read had its
  // batches read from their manifests: all are in `added`).
  const changed = new Set<string>();
  for (const [id, s] of added) {
    const key = summaryKey(id);
    if (!files.has(key)) files.set(key, { batches: {} });
    files.get(key)!.batches[id] = s;
    changed.add(key);
  }
  // (compact: a month of hourly batches is some 1,500 entries)
  for (const key of changed) await lake.put(key, JSON.stringify(files.get(key)));
}

/**
 * A month's summaries; undefined when absent or not readable as summaries (a cache: its batches
 * are then read from their manifests, and `recordSummaries` writes it anew).
 */
async function readSummaryFile(lake: Lake, key: string): Promise<SummaryFile | undefined> {
  const body = await lake.get(key);
  if (body === undefined) return undefined;
  try {
    const file = JSON.parse(body.toString('utf8')) as SummaryFile;
    const ok = (s: BatchSummary) =>
      typeof s?.posts === 'number' &&
      typeof s.quarantined === 'number' &&
      typeof s.rows === 'object' &&
      s.rows !== null;
    if (typeof file?.batches !== 'object' || file.batches === null || !Object.values(file.batches).every(ok))
      return undefined;
    return file;
  } catch {
    return undefined; // not JSON
  }
}

function summaryOf(processed: ProcessedManifest, posts: number): BatchSummary {
  return { posts, rows: { ...processed.rows }, quarantined: processed.quarantined };
}
