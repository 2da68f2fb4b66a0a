import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusMatches, parseFaults, type RunningEmulator, startEmulator } from '../emulator/index.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { listLandingBatches } from '../process/index.js';
import { cli, finish, killAfter } from '../testing/cli-child.js';
import { type TempWorkspace, tempWorkspace } from '../testing/temp-workspace.js';
import { factRows, fingerprint } from '../testing/warehouse-fingerprint.js';

const NOW = '2026-11-20T12:00:00.000Z';

/** Two collect commands that between them use every paged source. */
function commands(ws: TempWorkspace, em: RunningEmulator): string[][] {
  const ids = corpusMatches(em.corpus, 'data', Date.parse(NOW))
    .slice(0, 250)
    .map((p) => p.id);
  const file = path.join(ws.dir, 'ids.txt');
  writeFileSync(file, `${ids.join('\n')}\n`);
  return [
    ['collect', '--query', '#AI OR #climate OR data', '--user', em.corpus.user(1).username, '--ids', file],
    [
      'collect',
      '--archive',
      '--query',
      'the OR data OR #AI',
      '--start-time',
      '2026-10-01T00:00:00Z',
      '--end-time',
      '2026-10-08T00:00:00Z',
    ],
  ];
}

async function finishAll(ws: TempWorkspace, url: string, cmds: string[][]) {
  for (const args of [...cmds, ['process'], ['load']]) {
    const r = await finish(cli(ws, url, args));
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
  }
}

describe('collect: crash safety under faults', () => {
  let clean: RunningEmulator;
  let faulty: RunningEmulator;
  before(async () => {
    clean = await startEmulator({ now: NOW, seed: 13 });
    // The same corpus, paced to 4 requests a second per endpoint, with a random fault on 15% of requests.
    faulty = await startEmulator({
      now: NOW,
      seed: 13,
      rateLimit: { limit: 4, windowMs: 1000 },
      faults: parseFaults('random:0.15', 7),
    });
  });
  after(async () => {
    await clean.close();
    await faulty.close();
  });

  it('20 random SIGKILLs across collect (search, archive, timeline, look-up) end with exactly the uninterrupted warehouse', async () => {
    const baseline = tempWorkspace();
    const ws = tempWorkspace();
    try {
      await finishAll(baseline, clean.url, commands(baseline, clean));
      // Small landing batches, so kills also land between a full batch's commit and the next one.
      writeFileSync(path.join(ws.dir, 'tweetpipe.config.json'), JSON.stringify({ batchPosts: 300 }));
      const cmds = commands(ws, faulty);
      let kills = 0;
      for (let i = 0; kills < 20 && i < 40; i++)
        kills += Number(
          await killAfter(ws, faulty.url, cmds[i % 2]!, 300 + Math.floor(Math.random() * 1500)),
        );
      assert.equal(kills, 20, 'collect was killed 20 times');
      await finishAll(ws, faulty.url, cmds);
      const a = await fingerprint(baseline);
      assert.ok(a.ids.length > 500);
      assert.deepEqual(await fingerprint(ws), a);
      assert.deepEqual(await factRows(ws), await factRows(baseline));
      const batches = async (w: TempWorkspace) => (await listLandingBatches(new LocalLake(w.lakeUri))).length;
      assert.ok((await batches(ws)) > (await batches(baseline)) + 5, 'long collections were split');
      // Faults really happened, and were absorbed.
      const faults = faulty.requests.filter((r) => r.status === 0 || r.status >= 500 || r.status === 429);
      assert.ok(faults.length >= 5, `${faults.length} faults injected`);
    } finally {
      baseline.remove();
      ws.remove();
    }
  });
});
