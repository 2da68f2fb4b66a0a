import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../core/errors.js';
import { runLakeContract } from '../lake-contract.js';
import { LocalLake } from './local-lake.js';

runLakeContract(
  'local',
  async () => new LocalLake(pathToFileURL(mkdtempSync(path.join(tmpdir(), 'lake-'))).href),
);

describe('local lake: a folder that cannot hold it', () => {
  it('names TWEETPIPE_LAKE when a part of its path is a file, for reads and writes alike', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lake-'));
    writeFileSync(path.join(dir, 'data'), 'a file, not a folder');
    const lake = new LocalLake(pathToFileURL(path.join(dir, 'data', 'lake')).href);
    for (const op of [
      () => lake.put('landing/x.json', '{}'),
      () => lake.putIfAbsent('_state/leases/process', '{}'),
      () => lake.list('landing/'),
      () => lake.get('landing/x.json'),
      () => lake.scratch('process'),
    ]) {
      await assert.rejects(op(), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.equal(error.setting, 'TWEETPIPE_LAKE');
        assert.match(error.message, /cannot be used: a part of its path is a file, not a folder \(ENOTDIR/);
        return true;
      });
    }
  });

  it('names it when a folder stands where an object of the lake goes; a missing object is no error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lake-'));
    const lake = new LocalLake(pathToFileURL(dir).href);
    mkdirSync(path.join(dir, 'landing', 'x.json'), { recursive: true });
    await assert.rejects(
      lake.put('landing/x.json', '{}'),
      /TWEETPIPE_LAKE: .* a folder is where a file of the lake should be/,
    );
    assert.equal(await lake.get('landing/missing.json'), undefined);
    await assert.rejects(lake.localCopy('landing/missing.json'), { code: 'ENOENT' });
  });
});
