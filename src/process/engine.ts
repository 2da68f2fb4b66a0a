import type { LandingManifest } from '../collect/landing-writer.js';
import type { Progress } from '../core/progress.js';
import type { Lake } from '../lake/lake.js';
import type { ProcessedManifest } from './processed-manifest.js';

/** One landing batch to process: its manifest and where that manifest is. */
export interface LandingBatch {
  manifestKey: string;
  manifest: LandingManifest;
}

/**
 * A processing engine: turns one committed landing batch into the processed tables of the data
 * contract, writes quarantine, and commits the processed manifest last. Must be idempotent:
 * processing the same batch again yields the same rows and files.
 */
export interface Engine {
  readonly name: string;
  processBatch(lake: Lake, batch: LandingBatch, progress: Progress): Promise<ProcessedManifest>;
  /**
   * Optional: processes several batches, possibly in parallel, yielding each manifest as it is
   * committed (in any order). Engines without it get `processBatch` one batch at a time.
   */
  processBatches?(
    lake: Lake,
    batches: LandingBatch[],
    progress: Progress,
    /**
     * Aborted (with the signal's name as reason) when the command is asked to stop: an engine whose
     * work runs outside this process stops it, cleans up and rejects with `StoppedError`.
     */
    signal?: AbortSignal,
  ): AsyncIterable<ProcessedManifest>;
  close(): Promise<void>;
}
