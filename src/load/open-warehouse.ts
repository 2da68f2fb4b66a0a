import { ConfigError } from '../core/errors.js';
import type { Warehouse } from './warehouse.js';

/** Warehouse implementations by URI scheme, imported only when used. */
const ADAPTERS: Record<string, (uri: string) => Promise<Warehouse>> = {
  duckdb: async (uri) => (await import('./duckdb/duckdb-warehouse.js')).DuckDBWarehouse.open(uri),
  postgres: async (uri) => (await import('./postgres/postgres-warehouse.js')).PostgresWarehouse.open(uri),
  postgresql: async (uri) => (await import('./postgres/postgres-warehouse.js')).PostgresWarehouse.open(uri),
};

/** Opens the warehouse at `uri` (`duckdb://PATH` or `postgres://…`). */
export async function openWarehouse(uri: string): Promise<Warehouse> {
  const scheme = uri.split(':')[0] ?? '';
  const open = ADAPTERS[scheme];
  if (!open)
    throw new ConfigError('TWEETPIPE_WAREHOUSE', `no warehouse implementation for "${scheme}://" URIs`);
  return open(uri);
}
