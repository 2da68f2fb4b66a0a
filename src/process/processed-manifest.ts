import type { ProcessedTable } from '../schema/tables.js';
import type { BatchStats } from './flatten-batch.js';

export interface ProcessedFile {
  table: ProcessedTable;
  key: string;
  rows: number;
  bytes: number;
}

/** Written last under `processed/_manifests/<batch_id>/`: names every file of a processed batch. */
export interface ProcessedManifest {
  batch_id: string;
  engine: string;
  landing_manifest: string;
  processed_at: string;
  files: ProcessedFile[];
  rows: Record<ProcessedTable, number>;
  stats: BatchStats;
  quarantined: number;
  quarantine_key: string | null;
}
