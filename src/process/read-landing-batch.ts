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
export async function readLandingBatch(
  lake: Lake,
  batch: LandingBatch,
  flattener: BatchFlattener,
): Promise<Map<string, Buffer>> {
  const badParts = new Map<string, Buffer>();
  for (const part of batch.manifest.parts) {
    const bytes = await lake.get(part.key);
    if (bytes === undefined) {
      flattener.quarantinePart('part file named in the manifest is missing', part.key);
      continue;
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (part.sha256 && sha !== part.sha256) {
      flattener.quarantinePart(
        `checksum mismatch (manifest ${part.sha256.slice(0, 12)}…, file ${sha.slice(0, 12)}…)`,
        part.key,
      );
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
