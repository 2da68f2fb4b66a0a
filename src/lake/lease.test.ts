import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BusyError, FatalError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import { acquireLease, type LeaseRecord, liveLeases, withLease } from './lease.js';
import { LocalLake } from './local/local-lake.js';

const lakeFor = () => new LocalLake(pathToFileURL(mkdtempSync(path.join(tmpdir(), 'lease-'))).href);
const PREFIX = '_state/leases/job/';

describe('Lease', () => {
  it('refuses a second holder, naming the first, and is free again once released', async () => {
    const lake = lakeFor();
    const first = await acquireLease(lake, 'job', 'collect "a"');
    await assert.rejects(acquireLease(lake, 'job', 'collect "a"'), (error: Error) => {
      assert.ok(error instanceof BusyError);
      assert.equal((error as BusyError).exitCode, 4);
      assert.match(error.message, /^collect "a": another tweetpipe process is running it \(pid \d+ on /);
      assert.match(error.message, /lapses at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.$/);
      return true;
    });
    assert.deepEqual(
      (await liveLeases(lake)).map((r) => [r.name, r.what, r.pid]),
      [['job', 'collect "a"', process.pid]],
    );
    await first.release();
    assert.deepEqual(await lake.list(PREFIX), [], 'released: nothing left');
    assert.deepEqual(await liveLeases(lake), []);
    const again = await acquireLease(lake, 'job', 'process');
    again.assertHeld();
    await again.release();
  });

  it('lets exactly one of several racing takers have it', async () => {
    const lake = lakeFor();
    const racers = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => acquireLease(lake, 'job', `racer ${i}`)),
    );
    const won = racers.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of racers)
      if (r.status === 'rejected') assert.ok(r.reason instanceof BusyError, String(r.reason));
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLease>>>).value.release();
  });

  it('is released however the work ends', async () => {
    const lake = lakeFor();
    await assert.rejects(
      withLease(lake, 'job', 'job', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await lake.list(PREFIX), []);
  });

  it('is taken over once expired, and the old holder learns it lost it before writing more', async () => {
    const lake = lakeFor();
    const old = await acquireLease(lake, 'job', 'old', { ttlMs: 400 });
    // A taker whose clock is past the old lease's expiry (as if the old holder had gone silent).
    const later = () => Date.now() + 60_000;
    const taker = await acquireLease(lake, 'job', 'new', { ttlMs: 400, now: later });
    assert.deepEqual(
      (await lake.list(PREFIX)).map((o) => o.key),
      [`${PREFIX}000000000002.json`],
      'the lapsed lease is removed',
    );
    await sleep(250); // the old holder's next renewal finds the newer lease
    assert.throws(
      () => old.assertHeld(),
      (error: Error) => {
        assert.ok(error instanceof FatalError);
        assert.match(error.message, /^old: another process took this work over/);
        return true;
      },
    );
    await old.release();
    assert.equal((await lake.list(PREFIX)).length, 1, 'the old holder does not remove the new lease');
    taker.assertHeld();
    await taker.release();
  });

  it('keeps a live lease alive by renewing it', async () => {
    const lake = lakeFor();
    const lease = await acquireLease(lake, 'job', 'long', { ttlMs: 200 });
    const first = lease.record.expires_at;
    await sleep(450); // more than twice its lifetime
    lease.assertHeld();
    assert.ok(lease.record.expires_at > first, 'renewed');
    await assert.rejects(acquireLease(lake, 'job', 'other', { ttlMs: 200 }), BusyError);
    await lease.release();
  });

  it('is free at once when its holder was a process of this host that is gone', async () => {
    const lake = lakeFor();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const now = new Date();
    const record: LeaseRecord = {
      name: 'job',
      what: 'collect "a"',
      host: hostname(),
      pid: gone,
      acquired_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
    };
    await lake.put(`${PREFIX}000000000007.json`, JSON.stringify(record));
    const lease = await acquireLease(lake, 'job', 'collect "a"');
    assert.deepEqual(
      (await lake.list(PREFIX)).map((o) => o.key),
      [`${PREFIX}000000000008.json`],
    );
    await lease.release();
    // The same record held by a live process (this one, seen from another host) is respected.
    await lake.put(`${PREFIX}000000000009.json`, JSON.stringify({ ...record, host: 'elsewhere' }));
    await assert.rejects(acquireLease(lake, 'job', 'collect "a"'), /pid \d+ on elsewhere/);
  });
});
