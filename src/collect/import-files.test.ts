import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type RunningEmulator, startEmulator } from '../emulator/index.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { load } from '../load/index.js';
import { listLandingBatches, processPending } from '../process/index.js';
import { LakeStoppingAfterManifests } from '../testing/stopping-lake.js';
import { type TempWorkspace, tempWorkspace } from '../testing/temp-workspace.js';
import { factRows, fingerprint, query } from '../testing/warehouse-fingerprint.js';
import { importFiles } from './import-files.js';
import { SEARCH_FIELDS } from './search-params.js';

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are API JSON
type Json = Record<string, any>;

const manifestsIn = async (lake: LocalLake) => (await listLandingBatches(lake)).map((b) => b.manifest);

const NOW = '2026-11-20T12:00:00.000Z';

/** What twarc2 writes for a search: each API response on its own line, with `__twarc` added. */
async function twarcPages(em: RunningEmulator, q: string, pages: number): Promise<Json[]> {
  const out: Json[] = [];
  let token: string | undefined;
  for (let i = 0; i < pages; i++) {
    const params = new URLSearchParams({ query: q, max_results: '100', ...SEARCH_FIELDS });
    if (token) params.set('next_token', token);
    const url = `${em.url}/2/tweets/search/recent?${params}`;
    const page = (await (await fetch(url, { headers: { authorization: 'Bearer t' } })).json()) as Json;
    page.__twarc = {
      url: `https://api.x.com/2/tweets/search/recent?${params}`,
      version: '2.14.0',
      retrieved_at: '2026-11-20T12:00:01+00:00',
    };
    out.push(page);
    token = page.meta.next_token;
  }
  return out;
}

/**
 * Folds expansions into each post the way twarc2 `flatten` does: recursively, `author_id` gains
 * `author`, `in_reply_to_user_id` gains `in_reply_to_user`, `media_keys` gains `media`, `geo` is
 * merged with its place, mentions with their users, referenced posts with their (expanded) posts.
 */
function flatten(page: Json): Json[] {
  const byKey = (list: Json[] | undefined, key: string) =>
    new Map<string, Json>((list ?? []).map((x) => [x[key], x]));
  const users = byKey(page.includes?.users, 'id');
  const usersByName = byKey(page.includes?.users, 'username');
  const media = byKey(page.includes?.media, 'media_key');
  const places = byKey(page.includes?.places, 'id');
  const tweets = byKey(page.includes?.tweets, 'id');
  const expand = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(expand);
    if (typeof v !== 'object' || v === null) return v;
    const o: Json = {};
    for (const [k, x] of Object.entries(v)) o[k] = expand(x);
    // Like twarc2, an expansion the response did not include becomes {}.
    if (o.author_id) o.author = users.get(o.author_id) ?? {};
    if (o.in_reply_to_user_id) o.in_reply_to_user = users.get(o.in_reply_to_user_id) ?? {};
    if (o.media_keys) o.media = o.media_keys.map((k: string) => media.get(k) ?? {});
    if (o.geo?.place_id) o.geo = { ...o.geo, ...places.get(o.geo.place_id) };
    if (o.mentions) o.mentions = o.mentions.map((m: Json) => ({ ...m, ...usersByName.get(m.username) }));
    if (o.referenced_tweets)
      o.referenced_tweets = o.referenced_tweets.map((r: Json) => ({ ...r, ...(tweets.get(r.id) ?? {}) }));
    return o;
  };
  for (const [id, t] of tweets) tweets.set(id, expand(structuredClone(t)) as Json);
  return (expand(structuredClone(page.data)) as Json[]).map((t) => ({ ...t, __twarc: page.__twarc }));
}

async function pipeline(ws: TempWorkspace, files: string[]) {
  const lake = new LocalLake(ws.lakeUri);
  const settings = ws.settings('http://unused.invalid');
  const imported = await importFiles(lake, files);
  await processPending(settings, lake);
  await load(settings, lake);
  return imported;
}

describe('import of existing collections', () => {
  let em: RunningEmulator;
  let pages: Json[];
  before(async () => {
    em = await startEmulator({ now: NOW, seed: 11 });
    pages = await twarcPages(em, '#AI OR #data', 3);
  });
  after(() => em.close());

  it('twarc2 output, twarc2 flatten output and JSON arrays give the same warehouse; bad lines are quarantined', async () => {
    const raw = tempWorkspace();
    const flat = tempWorkspace();
    const arr = tempWorkspace();
    try {
      const rawFile = path.join(raw.dir, 'search.jsonl');
      writeFileSync(
        rawFile,
        `${pages.map((p) => JSON.stringify(p)).join('\n')}\nnot json at all\n{"hello":"world"}\n`,
      );
      const rawResult = await pipeline(raw, [rawFile]);
      assert.equal(rawResult[0]!.format, 'twarc2');
      assert.equal(rawResult[0]!.posts, 300);
      assert.equal(rawResult[0]!.quarantined, 2);

      const flatFile = path.join(flat.dir, 'flat.jsonl.gz');
      writeFileSync(
        flatFile,
        gzipSync(
          `${pages
            .flatMap(flatten)
            .map((p) => JSON.stringify(p))
            .join('\n')}\n`,
        ),
      );
      const flatResult = await pipeline(flat, [flatFile]);
      assert.equal(flatResult[0]!.format, 'twarc2-flatten');
      assert.equal(flatResult[0]!.posts, 300);

      assert.deepEqual(await factRows(flat), await factRows(raw));
      const users = 'SELECT user_id::VARCHAR, username, followers_count FROM dim_users ORDER BY 1';
      const rawUsers = await query(raw, users);
      const flatUsers = await query(flat, users);
      // Flatten keeps authors, mentioned users and reply-to users, which is every user the pages include.
      assert.deepEqual(flatUsers, rawUsers);
      const fr = await fingerprint(raw);
      const ff = await fingerprint(flat);
      assert.deepEqual(ff.counts, fr.counts);

      const arrFile = path.join(arr.dir, 'posts.json');
      const posts = pages.flatMap((p) => p.data);
      writeFileSync(arrFile, JSON.stringify([...posts, 42], null, 2));
      const arrResult = await pipeline(arr, [arrFile]);
      assert.equal(arrResult[0]!.format, 'json-array');
      assert.equal(arrResult[0]!.posts, 300);
      assert.equal(arrResult[0]!.quarantined, 1);
      assert.deepEqual((await fingerprint(arr)).ids, fr.ids);

      const lake = new LocalLake(raw.lakeUri);
      const q = await lake.list('quarantine/import/');
      assert.equal(q.length, 1);
      assert.match((await lake.get(q[0]!.key))!.toString(), /not valid JSON/);
      const again = await importFiles(lake, [rawFile]);
      assert.equal(again[0]!.skipped, true);
      await assert.rejects(
        importFiles(lake, [path.join(raw.dir, 'missing.jsonl')]),
        /cannot read .*missing\.jsonl: ENOENT/,
      );
    } finally {
      raw.remove();
      flat.remove();
      arr.remove();
    }
  });

  it('imports a post nested deeper than JSON.stringify recurses, and quarantines such an item', async () => {
    const ws = tempWorkspace();
    try {
      const deep = `${'{"a":['.repeat(10_000)}1${']}'.repeat(10_000)}`;
      const post = (id: string) => `{"id":"${id}","text":"deep","created_at":"${NOW}","junk":${deep}}`;
      const lines = path.join(ws.dir, 'posts.jsonl');
      writeFileSync(lines, `${post('2123747899645166210')}\n`);
      const array = path.join(ws.dir, 'posts.json');
      writeFileSync(array, `[${post('2123747899645166211')},${deep}]`);
      const lake = new LocalLake(ws.lakeUri);
      const result = await importFiles(lake, [lines, array]);
      assert.deepEqual(
        result.map((r) => [r.format, r.posts, r.quarantined]),
        [
          ['twarc2-flatten', 1, 0],
          ['json-array', 1, 1],
        ],
      );
      const [record] = (await lake.get((await lake.list('quarantine/import/'))[0]!.key))!
        .toString()
        .split('\n');
      assert.equal(JSON.parse(record!).raw, deep.slice(0, 10_000));
      const processed = await processPending(ws.settings('http://127.0.0.1:1'), lake);
      assert.equal(processed.rows.tweets, 2);
    } finally {
      ws.remove();
    }
  });

  it('lands a large file as batches of bounded size; an import stopped after a batch is committed goes on from there', async () => {
    const one = tempWorkspace();
    const split = tempWorkspace();
    const stopped = tempWorkspace();
    try {
      const many = await twarcPages(em, '#AI OR #data OR the', 8);
      const lines = `${many.map((p) => JSON.stringify(p)).join('\n')}\nnot json\n`;
      const posts = many.reduce((n, p) => n + p.data.length, 0);
      assert.equal(posts, 800);
      const write = (ws: TempWorkspace) => {
        const file = path.join(ws.dir, 'search.jsonl');
        writeFileSync(file, lines);
        return file;
      };
      await pipeline(one, [write(one)]);

      const lake = new LocalLake(split.lakeUri);
      const [result] = await importFiles(lake, [write(split)], undefined, { maxBatchPosts: 300 });
      assert.equal(result!.posts, 800);
      assert.equal(result!.batches.length, 3, 'pages of 100 posts: 300 + 300 + 200');
      assert.deepEqual((await manifestsIn(lake)).map((m) => m.posts).sort(), [200, 300, 300]);
      assert.equal((await lake.list('quarantine/import/')).length, 1);
      const settings = split.settings('http://unused.invalid');
      await processPending(settings, lake);
      await load(settings, lake);
      assert.deepEqual(await factRows(split), await factRows(one));

      // The import stops right after the second batch's manifest is written.
      const file = write(stopped);
      await assert.rejects(
        importFiles(new LakeStoppingAfterManifests(stopped.lakeUri, 2), [file], undefined, {
          maxBatchPosts: 300,
        }),
        /killed/,
      );
      const stoppedLake = new LocalLake(stopped.lakeUri);
      const before = await manifestsIn(stoppedLake);
      assert.equal(before.length, 2);
      const [rerun] = await importFiles(stoppedLake, [file], undefined, { maxBatchPosts: 300 });
      assert.equal(rerun!.batches.length, 3);
      assert.deepEqual(rerun!.batches.slice(0, 2).sort(), before.map((m) => m.batch_id).sort());
      const after = await manifestsIn(stoppedLake);
      assert.deepEqual(after.map((m) => m.posts).sort(), [200, 300, 300], 'no page landed twice');
      const sett = stopped.settings('http://unused.invalid');
      await processPending(sett, stoppedLake);
      await load(sett, stoppedLake);
      assert.deepEqual(await factRows(stopped), await factRows(one));
    } finally {
      one.remove();
      split.remove();
      stopped.remove();
    }
  });
});
