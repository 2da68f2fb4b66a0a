import { LocalLake } from '../lake/local/local-lake.js';

/** A local lake that records the key of every `get`, to see which objects a stage reads. */
export class CountingLake extends LocalLake {
  readonly gets: string[] = [];

  override async get(key: string): Promise<Buffer | undefined> {
    this.gets.push(key);
    return super.get(key);
  }

  /** The manifests read since the last call (landing and processed), then forgets them. */
  takeManifestGets(): string[] {
    const read = this.gets.filter((k) => k.endsWith('/_manifest.json'));
    this.gets.length = 0;
    return read;
  }
}
