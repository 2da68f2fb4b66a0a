import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Lake } from './lake.js';

/** The contract every `Lake` honours; `make` returns an empty lake. */
export function runLakeContract(name: string, make: () => Promise<Lake>): void {
  describe(`Lake contract: ${name}`, () => {
    it('puts, gets, overwrites and deletes objects', async () => {
      const lake = await make();
      assert.equal(await lake.get('a/b.txt'), undefined);
      await lake.put('a/b.txt', 'one');
      await lake.put('a/b.txt', 'two');
      assert.equal((await lake.get('a/b.txt'))!.toString(), 'two');
      await lake.delete('a/b.txt');
      assert.equal(await lake.get('a/b.txt'), undefined);
    });

    it('writes an object only where none is, one winner among racing writers', async () => {
      const lake = await make();
      assert.equal(await lake.putIfAbsent('_state/x/1.json', 'first'), true);
      assert.equal(await lake.putIfAbsent('_state/x/1.json', 'second'), false);
      assert.equal((await lake.get('_state/x/1.json'))!.toString(), 'first');
      const racers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => lake.putIfAbsent('_state/x/2.json', `racer ${i}`)),
      );
      assert.equal(racers.filter(Boolean).length, 1);
      const winner = racers.indexOf(true);
      assert.equal((await lake.get('_state/x/2.json'))!.toString(), `racer ${winner}`);
      assert.deepEqual(
        (await lake.list('_state/x/')).map((o) => o.key),
        ['_state/x/1.json', '_state/x/2.json'],
        'no temporary object is left behind',
      );
    });

    it('lists by prefix, sorted, with sizes, and hides its scratch space', async () => {
      const lake = await make();
      await lake.put('landing/x/2.json', '22');
      await lake.put('landing/x/1.json', '1');
      await lake.put('landing/y.json', 'y');
      await lake.put('processed/z.json', 'z');
      const scratch = await lake.scratch('job');
      writeFileSync(path.join(scratch.path, 'tmp'), 'x');
      assert.deepEqual(await lake.list('landing/x/'), [
        { key: 'landing/x/1.json', size: 1 },
        { key: 'landing/x/2.json', size: 2 },
      ]);
      assert.deepEqual(
        (await lake.list('landing/')).map((o) => o.key),
        ['landing/x/1.json', 'landing/x/2.json', 'landing/y.json'],
      );
      assert.equal((await lake.list('')).length, 4);
      await scratch.release();
    });

    it('moves local files in and gives local copies out', async () => {
      const lake = await make();
      const scratch = await lake.scratch('job');
      const file = path.join(scratch.path, 'f.bin');
      writeFileSync(file, Buffer.from([1, 2, 3]));
      await lake.putFile('processed/t/f.bin', file);
      const copy = await lake.localCopy('processed/t/f.bin');
      assert.deepEqual([...(await import('node:fs')).readFileSync(copy.path)], [1, 2, 3]);
      await copy.release();
      await scratch.release();
    });

    it('copies objects within the lake, replacing the target and keeping the source', async () => {
      const lake = await make();
      await lake.put('_spark/runs/r/t/part-0.parquet', Buffer.from([7, 8, 9]));
      await lake.put('processed/t/f.parquet', 'old');
      await lake.copy('_spark/runs/r/t/part-0.parquet', 'processed/t/f.parquet');
      assert.deepEqual([...(await lake.get('processed/t/f.parquet'))!], [7, 8, 9]);
      assert.deepEqual([...(await lake.get('_spark/runs/r/t/part-0.parquet'))!], [7, 8, 9]);
      await assert.rejects(lake.copy('_spark/runs/r/missing', 'processed/t/g.parquet'));
      assert.equal(await lake.get('processed/t/g.parquet'), undefined);
    });

    it('refuses keys that would escape the lake', async () => {
      const lake = await make();
      await assert.rejects(lake.put('../escape', 'x'));
      await assert.rejects(lake.put('/abs', 'x'));
    });
  });
}
