import { ConfigError } from '../core/errors.js';
import type { Lake } from './lake.js';

/** The lake implementations, chosen by URI scheme and imported only when used. */
const ADAPTERS: Record<string, (uri: string) => Promise<Lake>> = {
  'file:': async (uri) => new (await import('./local/local-lake.js')).LocalLake(uri),
};

/** Opens the lake at `uri` (`file://...`). */
export async function openLake(uri: string): Promise<Lake> {
  const scheme = `${uri.split(':')[0]}:`;
  const make = ADAPTERS[scheme];
  if (!make) throw new ConfigError('TWEETPIPE_LAKE', `no lake implementation for "${scheme}//" URIs`);
  return make(uri);
}
