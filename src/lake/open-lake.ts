import { ConfigError } from '../core/errors.js';
import type { Lake, LakeOptions } from './lake.js';

/** The lake implementations, chosen by URI scheme and imported only when used. */
const ADAPTERS: Record<string, (uri: string, options: LakeOptions) => Promise<Lake>> = {
  'file:': async (uri) => new (await import('./local/local-lake.js')).LocalLake(uri),
  's3:': async (uri, options) => new (await import('./s3/s3-lake.js')).S3Lake(uri, options),
};

/** Opens the lake at `uri` (`file://PATH` or `s3://BUCKET/PREFIX`). */
export async function openLake(uri: string, options: LakeOptions = {}): Promise<Lake> {
  const scheme = `${uri.split(':')[0]}:`;
  const make = ADAPTERS[scheme];
  if (!make) throw new ConfigError('TWEETPIPE_LAKE', `no lake implementation for "${scheme}//" URIs`);
  return make(uri, options);
}
