import { LocalLake } from '../lake/local/local-lake.js';

/**
 * A local lake whose writes to checkpoints fail once `manifests` manifests have been written: a
 * run stopped between committing a batch and recording it in its checkpoint.
 */
export class LakeStoppingAfterManifests extends LocalLake {
  #written = 0;

  constructor(
    uri: string,
    private readonly manifests: number,
  ) {
    super(uri);
  }

  override async put(key: string, body: Uint8Array | string): Promise<void> {
    if (this.#written === this.manifests && key.includes('/checkpoints/')) throw new Error('killed');
    await super.put(key, body);
    if (key.endsWith('_manifest.json')) this.#written++;
  }
}
