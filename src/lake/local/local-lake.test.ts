import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runLakeContract } from '../lake-contract.js';
import { LocalLake } from './local-lake.js';

runLakeContract(
  'local',
  async () => new LocalLake(pathToFileURL(mkdtempSync(path.join(tmpdir(), 'lake-'))).href),
);
