import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Lake } from '../lake/lake.js';
import type { LandingBatch } from './engine.js';
import type { BatchFlattener } from './flatten-batch.js';

/**
 * Feeds every line of a landing batch's parts to `flattener`. A part that is missing, fails its
 * checksum or is not valid gzip is quarantined whole (its bytes kept) and the rest goes on.
 * Returns the quarantined parts' bytes by key.
 */
const PREFETCH = 4;

export async function readLandingBatch(
  lake: Lake,
  batch: LandingBatch,
  flattener: BatchFlattener,
): Promise<Map<string, Buffer>> {
  const badParts = new Map<string, Buffer>();
  const parts = batch.manifest.parts;
  // Up to PREFETCH parts are downloaded ahead while one is parsed (a remote lake's latency hides
  // behind the work); memory stays bounded by the window.
  const fetches = new Map<number, Promise<Buffer | undefined>>();
  const fetchAhead = (from: number) => {
    for (let i = from; i < Math.min(parts.length, from + PREFETCH); i++) {
      if (!fetches.has(i)) {
        const pending = lake.get(parts[i]!.key);
        pending.catch(() => {}); // awaited in order below; never an unhandled rejection meanwhile
        fetches.set(i, pending);
      }
    }
  };
  for (const [index, part] of parts.entries()) {
    fetchAhead(index);
    const bytes = await fetches.get(index)!;
    fetches.delete(index);
    if (bytes === undefined) {
      flattener.quarantinePart('part file named in the manifest is missing', part.key);
      continue;
    }
    const mismatch = checksumMismatch(part, bytes);
    if (mismatch) {
      flattener.quarantinePart(`checksum mismatch (${mismatch})`, part.key);
      badParts.set(part.key, bytes);
      continue;
    }
    let text: string;
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch (error) {
      flattener.quarantinePart(`corrupt gzip: ${(error as Error).message}`, part.key);
      badParts.set(part.key, bytes);
      continue;
    }
    let line = 0;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      line++;
      flattener.addLine(text.slice(start, end), part.key, line);
      start = end + 1;
    }
  }
  return badParts;
}

/** How a part's bytes differ from the SHA-256 its manifest gives (`manifest …, file …`), or undefined. */
export function checksumMismatch(part: { sha256?: string }, bytes: Uint8Array): string | undefined {
  if (!part.sha256) return undefined;
  const sha = createHash('sha256').update(bytes).digest('hex');
  return sha === part.sha256 ? undefined : `manifest ${part.sha256.slice(0, 12)}…, file ${sha.slice(0, 12)}…`;
}
