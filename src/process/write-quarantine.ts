import type { Lake } from '../lake/lake.js';
import { quarantinePrefix } from '../lake/zones.js';
import type { QuarantineRecord } from './flatten-batch.js';

/**
 * Writes a batch's quarantine: `records.jsonl` (reason, part, line, raw input) and a copy of every
 * unreadable part file. Returns the records key, or null when nothing was quarantined.
 */
export async function writeQuarantine(
  lake: Lake,
  batchId: string,
  records: QuarantineRecord[],
  badParts: Map<string, Buffer>,
): Promise<string | null> {
  if (records.length === 0) return null;
  const prefix = quarantinePrefix('process', batchId);
  for (const [key, bytes] of badParts) await lake.put(`${prefix}/parts/${key.split('/').pop()}`, bytes);
  const key = `${prefix}/records.jsonl`;
  await lake.put(key, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return key;
}
