import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { runWarehouseContract } from '../warehouse-contract.js';
import { DuckDBWarehouse } from './duckdb-warehouse.js';

runWarehouseContract('duckdb', async (dir) =>
  DuckDBWarehouse.open(`duckdb://${path.join(mkdtempSync(path.join(dir, 'wh-')), 'w.duckdb')}`),
);
