import { FatalError } from '../core/errors.js';
import { getJson, type Lake, putJson } from '../lake/lake.js';
import { STATE } from '../lake/zones.js';
import type { Budget } from './budget.js';
import type { XClient } from './x-client.js';

/**
 * Turns a username into its numeric ID with `/2/users/by/username/:username` (one user read),
 * remembered in the lake's state so it is paid for once. Numeric IDs pass through.
 * Returns undefined when the budget does not allow the look-up.
 */
export async function resolveUser(
  lake: Lake,
  client: XClient,
  user: string,
  budget: Budget,
): Promise<{ id: string; label: string } | undefined> {
  const name = user.replace(/^@/, '');
  if (/^\d{1,19}$/.test(name)) return { id: name, label: `user ${name}` };
  const key = `${STATE}/users/${name.toLowerCase()}.json`;
  const saved = await getJson<{ id: string; username: string }>(lake, key);
  if (saved) return { id: saved.id, label: `@${saved.username}` };
  if (!budget.canReadUser()) return undefined;
  const response = await client.get(`/2/users/by/username/${encodeURIComponent(name)}`, {});
  budget.chargeUser();
  const data = response.json.data as { id?: string; username?: string } | undefined;
  if (!data?.id) {
    const errors = response.json.errors as { detail?: string }[] | undefined;
    throw new FatalError(`@${name}: ${errors?.[0]?.detail ?? 'no such user'} Check the username.`);
  }
  await putJson(lake, key, { id: data.id, username: data.username ?? name });
  return { id: data.id, label: `@${data.username ?? name}` };
}
