import { existsSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { redactUri } from '../core/redact-uri.js';
import { openWarehouse } from './open-warehouse.js';
import { STAR_TABLES } from './star-schema.js';
import { WarehouseInUseError, type WarehouseOptions } from './warehouse.js';

/** What `status` says of the warehouse. */
export interface WarehouseStatus {
  uri: string;
  /** Null (with `rows`) while the warehouse has no star schema yet, or could not be read. */
  batches_loaded: number | null;
  rows: Record<string, number> | null;
  /** Why the warehouse could not be read (another process holds the DuckDB file, the server is down…); null when it could. */
  unavailable: string | null;
}

/**
 * Reads what the warehouse holds without changing it: opened read-only, never migrated (a
 * warehouse no load has created stays uncreated). A warehouse that cannot be read right now —
 * a DuckDB file another process has open (a `load` running, a notebook), a server that is down —
 * is reported with the reason instead of failing the whole status; a bad setting still fails.
 */
export async function warehouseStatus(uri: string, options: WarehouseOptions): Promise<WarehouseStatus> {
  const status: WarehouseStatus = {
    uri: redactUri(uri),
    batches_loaded: null,
    rows: null,
    unavailable: null,
  };
  if (uri.startsWith('duckdb://') && !existsSync(uri.slice('duckdb://'.length))) return status;
  try {
    const warehouse = await openWarehouse(uri, { ...options, readOnly: true });
    try {
      const [created] = await warehouse.query(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'etl_loads' ` +
          'AND table_schema = current_schema() AND table_catalog = current_database()',
      );
      if (Number(created?.n ?? 0) === 0) return status;
      const rows: Record<string, number> = {};
      for (const t of [...STAR_TABLES.map((s) => s.name), 'dim_date'])
        rows[t] = Number((await warehouse.query(`SELECT count(*) AS c FROM "${t}"`))[0]?.c ?? 0);
      status.batches_loaded = (await warehouse.loadedBatches()).size;
      status.rows = rows;
    } finally {
      await warehouse.close();
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // (status's line names the warehouse already: "in use by…", not "warehouse X is in use by…")
    status.unavailable =
      error instanceof WarehouseInUseError
        ? error.reason
        : ((error as Error).message.split('\n')[0] ?? String(error));
  }
  return status;
}
