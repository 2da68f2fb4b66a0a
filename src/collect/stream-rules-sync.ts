import { FatalError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { XClient } from './x-client.js';

export const RULES_PATH = '/2/tweets/search/stream/rules';

export interface RuleSync {
  added: number;
  deleted: number;
  kept: number;
}

/**
 * Makes the filtered stream's rules equal to `wanted`: a rule whose tag and value both match is
 * kept; any other rule (another value under the tag, an unknown or missing tag) is deleted; the
 * missing ones are added. X refuses invalid rules with a reason, which is reported here.
 */
export async function syncStreamRules(
  client: XClient,
  wanted: readonly { value: string; tag: string }[],
  progress: Progress,
): Promise<RuleSync> {
  const current = ((await client.get(RULES_PATH, {})).json.data ?? []) as {
    id: string;
    value: string;
    tag?: string;
  }[];
  const keep = current.filter((r) => wanted.some((w) => w.tag === r.tag && w.value === r.value));
  const doomed = current.filter((r) => !keep.includes(r));
  const missing = wanted.filter((w) => !keep.some((r) => r.tag === w.tag && r.value === w.value));
  if (doomed.length > 0) {
    await client.post(RULES_PATH, {}, { delete: { ids: doomed.map((r) => r.id) } });
    for (const r of doomed)
      progress.info(`stream: deleted rule ${r.tag ? `"${r.tag}"` : '(untagged)'}: ${r.value}`);
  }
  if (missing.length > 0) {
    const r = await client.post(
      RULES_PATH,
      {},
      { add: missing.map((w) => ({ value: w.value, tag: w.tag })) },
    );
    const errors = (r.json.errors ?? []) as { value?: string; title?: string; details?: string[] }[];
    if (errors.length > 0) {
      const why = errors
        .map((e) => `"${e.value}": ${e.title}${e.details ? ` (${e.details.join('; ')})` : ''}`)
        .join(', ');
      throw new FatalError(`X refused stream rule(s) ${why}. Fix "streamRules" in the config.`);
    }
    for (const w of missing) progress.info(`stream: added rule "${w.tag}": ${w.value}`);
  }
  return { added: missing.length, deleted: doomed.length, kept: keep.length };
}
