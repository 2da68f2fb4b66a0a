/** Keys of the lake's zones, as `shared/design/data-model.md` lays them out. */

export const LANDING = 'landing';
export const PROCESSED = 'processed';
export const QUARANTINE = 'quarantine';
export const STATE = '_state';
export const MANIFEST = '_manifest.json';

export function landingBatchPrefix(source: string, ingestDate: string, batchId: string): string {
  return `${LANDING}/${source}/ingest_date=${ingestDate}/${batchId}`;
}

/** Where a landing batch's manifest lives (written last, it makes the batch visible). */
export function landingManifestKey(source: string, ingestDate: string, batchId: string): string {
  return `${landingBatchPrefix(source, ingestDate, batchId)}/${MANIFEST}`;
}

export function landingPartKey(source: string, ingestDate: string, batchId: string, part: number): string {
  return `${landingBatchPrefix(source, ingestDate, batchId)}/part-${String(part).padStart(5, '0')}.jsonl.gz`;
}

/** Where the processed batches' manifests live, one folder per batch. */
export const PROCESSED_MANIFESTS = `${PROCESSED}/_manifests/`;

/** Where a processed batch's manifest lives (it names every Parquet file of the batch). */
export function processedManifestKey(batchId: string): string {
  return `${PROCESSED_MANIFESTS}${batchId}/${MANIFEST}`;
}

/** Whether `key` is a batch's manifest (landing or processed, by the prefix it was listed under). */
export function isManifestKey(key: string): boolean {
  return key.endsWith(`/${MANIFEST}`);
}

/** Whether `key`, from a listing of the processed zone, is a processed batch's manifest. */
export function isProcessedManifestKey(key: string): boolean {
  return key.startsWith(PROCESSED_MANIFESTS) && isManifestKey(key);
}

/**
 * The batch a manifest key belongs to: the folder holding `_manifest.json`, for landing
 * (`landing/…/<batch_id>/_manifest.json`) and processed (`processed/_manifests/<batch_id>/_manifest.json`)
 * manifests alike. Lets a stage pass over the batches it has done without reading their manifests.
 */
export function manifestBatchId(key: string): string {
  const parts = key.split('/');
  return parts[parts.length - 2] ?? '';
}

export function quarantinePrefix(stage: string, batchId: string): string {
  return `${QUARANTINE}/${stage}/${batchId}`;
}

export function checkpointKey(endpoint: string, queryHash: string): string {
  return `${STATE}/checkpoints/${endpoint}/${queryHash}.json`;
}

/** Where the lease on some work lives (`lease.ts`): `checkpoints/<endpoint>/<hash>`, `process`. */
export function leasePrefix(name: string): string {
  return `${STATE}/leases/${name}`;
}

export function runLogKey(stage: string, startedAt: string): string {
  return `${STATE}/runs/${stage}/${startedAt.replace(/[:.]/g, '')}.json`;
}

/** A sortable, unique batch id: UTC time to the millisecond plus random hex. */
export function newBatchId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, '0')}`;
}
