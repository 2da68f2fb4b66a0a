import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type RunningEmulator, startEmulator } from '../emulator/index.js';
import { LocalLake } from '../lake/local/local-lake.js';
import { load } from '../load/index.js';
import { processPending } from '../process/index.js';
import { type TempWorkspace, tempWorkspace } from '../testing/temp-workspace.js';
import { factRows, fingerprint, query } from '../testing/warehouse-fingerprint.js';
import { importFiles } from './import-files.js';
import { SEARCH_FIELDS } from './search-params.js';

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are API JSON
type Json = Record<string, any>;

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

/** Folds expansions into each post the way twarc2 `flatten` does. */
function flatten(page: Json): Json[] {
  const users = new Map<string, Json>((page.includes?.users ?? []).map((u: Json) => [u.id, u]));
  const tweets = new Map((page.includes?.tweets ?? []).map((t: Json) => [t.id, t]));
  const media = new Map((page.includes?.media ?? []).map((m: Json) => [m.media_key, m]));
  const places = new Map<string, Json>((page.includes?.places ?? []).map((p: Json) => [p.id, p]));
  return page.data.map((t: Json) => {
    const post: Json = structuredClone(t);
    post.author = users.get(t.author_id);
    if (t.in_reply_to_user_id) post.in_reply_to_user = users.get(t.in_reply_to_user_id);
    if (t.referenced_tweets)
      post.referenced_tweets = t.referenced_tweets.map((r: Json) => {
        const full = tweets.get(r.id) as Json | undefined;
        return full ? { type: r.type, ...full, author: users.get(full.author_id) } : r;
      });
    if (t.attachments?.media_keys)
      post.attachments = {
        ...t.attachments,
        media: t.attachments.media_keys.map((k: string) => media.get(k)),
      };
    if (t.geo?.place_id) post.geo = { ...places.get(t.geo.place_id), ...t.geo };
    if (t.entities?.mentions)
      post.entities.mentions = t.entities.mentions.map((m: Json) => ({ ...(users.get(m.id) ?? {}), ...m }));
    post.__twarc = page.__twarc;
    return post;
  });
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
});
