import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { getJson, type Lake } from '../lake/lake.js';
import { landingManifestKey, landingPartKey } from '../lake/zones.js';

export interface PartInfo {
  key: string;
  lines: number;
  bytes: number;
  sha256: string;
}

/** The landing manifest: written last, it makes a batch visible to readers. */
export interface LandingManifest {
  batch_id: string;
  source: string;
  ingest_date: string;
  endpoint: string;
  query: string | null;
  created_at: string;
  committed_at: string;
  parts: PartInfo[];
  pages: number;
  posts: number;
  partial_errors: number;
  newest_id: string | null;
}

/** Writes one gzip JSONL part file atomically and returns what the manifest needs to know of it. */
export async function writeLandingPart(
  lake: Lake,
  where: { source: string; ingestDate: string; batchId: string },
  part: number,
  lines: string[],
): Promise<PartInfo> {
  const key = landingPartKey(where.source, where.ingestDate, where.batchId, part);
  const gz = gzipSync(`${lines.join('\n')}\n`);
  await lake.put(key, gz);
  return {
    key,
    lines: lines.length,
    bytes: gz.length,
    sha256: createHash('sha256').update(gz).digest('hex'),
  };
}

/** Writes the batch's manifest, last. Idempotent: the same content can be written again after a crash. */
export async function commitLandingBatch(lake: Lake, manifest: LandingManifest): Promise<string> {
  const key = landingManifestKey(manifest.source, manifest.ingest_date, manifest.batch_id);
  await lake.put(key, `${JSON.stringify(manifest, null, 2)}\n`);
  return key;
}

/** A landing batch's manifest, when the batch has been committed (undefined otherwise). */
export function committedLandingBatch(
  lake: Lake,
  where: { source: string; ingestDate: string; batchId: string },
): Promise<LandingManifest | undefined> {
  return getJson<LandingManifest>(lake, landingManifestKey(where.source, where.ingestDate, where.batchId));
}
