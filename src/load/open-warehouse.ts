import { ConfigError } from '../core/errors.js';
import type { Warehouse, WarehouseOptions } from './warehouse.js';

type Open = (uri: string, options: WarehouseOptions) => Promise<Warehouse>;
const redshift: Open = async (uri, options) =>
  (await import('./redshift/redshift-warehouse.js')).RedshiftWarehouse.open(uri, options);

/** Warehouse implementations by URI scheme, imported only when used. */
const ADAPTERS: Record<string, Open> = {
  duckdb: async (uri, options) =>
    (await import('./duckdb/duckdb-warehouse.js')).DuckDBWarehouse.open(uri, { readOnly: options.readOnly }),
  postgres: async (uri, options) =>
    (await import('./postgres/postgres-warehouse.js')).PostgresWarehouse.open(uri, options),
  postgresql: async (uri, options) =>
    (await import('./postgres/postgres-warehouse.js')).PostgresWarehouse.open(uri, options),
  redshift,
  'redshift-data': redshift,
};

/** Opens the warehouse at `uri` (`duckdb://PATH`, `postgres://…`, `redshift://…` or `redshift-data://…`). */
export async function openWarehouse(uri: string, options: WarehouseOptions = {}): Promise<Warehouse> {
  const scheme = uri.split(':')[0] ?? '';
  const open = ADAPTERS[scheme];
  if (!open)
    throw new ConfigError('TWEETPIPE_WAREHOUSE', `no warehouse implementation for "${scheme}://" URIs`);
  return open(uri, options);
}
