import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { runWarehouseContract } from '../warehouse-contract.js';
import { DuckDBWarehouse } from './duckdb-warehouse.js';

const fresh = (dir: string) => `duckdb://${path.join(mkdtempSync(path.join(dir, 'wh-')), 'w.duckdb')}`;

runWarehouseContract('duckdb', async (dir) => DuckDBWarehouse.open(fresh(dir)));
// Large warehouses compare occurrence tables with a batch post by post: the same contract holds.
runWarehouseContract('duckdb, occurrences compared per post', async (dir) =>
  DuckDBWarehouse.open(fresh(dir), { perPostFromRows: 0 }),
);
