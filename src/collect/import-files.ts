import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';
import { DEFAULT_BATCH_POSTS } from '../config/settings.js';
import { ConfigError } from '../core/errors.js';
import { jsonText } from '../core/json-text.js';
import { type Progress, silentProgress } from '../core/progress.js';
import type { Lake } from '../lake/lake.js';
import type { Lease } from '../lake/lease.js';
import { landingBatchPrefix, newBatchId, quarantinePrefix } from '../lake/zones.js';
import { loadCheckpoint, saveCheckpoint, withCheckpointLease } from './checkpoint.js';
import { type ImportFormat, isPage, isPost, twarcMeta, unflattenPosts } from './import-posts.js';
import { landingLine } from './landing-line.js';
import {
  commitLandingBatch,
  committedLandingBatch,
  type PartInfo,
  writeLandingPart,
} from './landing-writer.js';

export const IMPORT_SOURCE = 'import';
const LINES_PER_PART = 500;
const POSTS_PER_PAGE = 100;

export interface ImportResult {
  file: string;
  format: ImportFormat | 'empty';
  /** The last batch landed. */
  batchId: string | null;
  /** Every batch the file landed as (a large file is split into batches of bounded size). */
  batches: string[];
  posts: number;
  pages: number;
  quarantined: number;
  /** Already imported (same bytes): nothing done. */
  skipped: boolean;
}

type Json = Record<string, unknown>;

/**
 * Imports collections made with other tools into landing under source `import`: twarc2 output
 * (one API response per line, kept byte for byte), twarc2 `flatten` output (one post per line)
 * and JSON arrays of v2 posts (both regrouped into pages of 100, the original file kept beside
 * them). Lines that are not JSON or not posts go to quarantine with their reason. A file is
 * recognised by its SHA-256, so importing it again does nothing.
 */
export async function importFiles(
  lake: Lake,
  files: readonly string[],
  progress: Progress = silentProgress,
  options: { maxBatchPosts?: number } = {},
): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  const maxBatchPosts = options.maxBatchPosts ?? DEFAULT_BATCH_POSTS;
  for (const file of files) results.push(await importFile(lake, path.resolve(file), progress, maxBatchPosts));
  return results;
}

async function importFile(
  lake: Lake,
  file: string,
  progress: Progress,
  maxBatchPosts: number,
): Promise<ImportResult> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (error) {
    throw new ConfigError(
      'import',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const hash = await sha256File(file);
  const name = path.basename(file);
  return withCheckpointLease(lake, IMPORT_SOURCE, hash, `import ${name}`, (lease) =>
    importLeased(lake, file, name, info, hash, progress, maxBatchPosts, lease),
  );
}

async function importLeased(
  lake: Lake,
  file: string,
  name: string,
  info: Awaited<ReturnType<typeof stat>>,
  hash: string,
  progress: Progress,
  maxBatchPosts: number,
  lease: Lease,
): Promise<ImportResult> {
  const cp = await loadCheckpoint(lake, IMPORT_SOURCE, hash);
  if (cp.complete) {
    return {
      file,
      format: 'empty',
      batchId: cp.last_batch?.batch_id ?? null,
      batches: [],
      posts: 0,
      pages: 0,
      quarantined: 0,
      skipped: true,
    };
  }
  cp.label = name;
  const fallbackTime = info.mtime.toISOString();
  const fileUrl = pathToFileURL(file).href;
  const quarantine: Json[] = [];
  // Pages an earlier, interrupted import of this file committed: read again, not landed again.
  cp.imported ??= { pages: 0, batches: [], open: null };
  const done = cp.imported;
  if (done.open) {
    const committed = await committedLandingBatch(lake, {
      source: IMPORT_SOURCE,
      ingestDate: done.open.ingest_date,
      batchId: done.open.batch_id,
    });
    if (committed) {
      done.pages += committed.pages;
      done.batches.push(committed.batch_id);
    }
    done.open = null;
  }
  let skip = done.pages;
  let batch = newImportBatch();
  let lines: string[] = [];
  let pending: Json[] = [];
  let posts = 0;
  let pages = 0;
  let format: ImportResult['format'] = 'empty';
  let keepOriginal = false;

  const flushPart = async () => {
    if (lines.length === 0) return;
    if (batch.parts.length === 0) {
      // Recorded before its first part lands, so a stop after its manifest is written is recognised.
      done.open = { batch_id: batch.where.batchId, ingest_date: batch.where.ingestDate };
      await saveCheckpoint(lake, cp);
    }
    batch.parts.push(await writeLandingPart(lake, batch.where, batch.parts.length, lines));
    lines = [];
    progress.update(`import: ${name}: ${posts.toLocaleString('en-US')} posts`);
  };
  const commitBatch = async (last: boolean) => {
    lease.assertHeld();
    await flushPart();
    const prefix = landingBatchPrefix(IMPORT_SOURCE, batch.where.ingestDate, batch.where.batchId);
    // The original file and the quarantined lines go with the last batch (already there when an
    // earlier run committed every page).
    if (last && keepOriginal && batch.parts.length > 0)
      await lake.put(`${prefix}/original/${name}.gz`, gzipSync(await readFile(file)));
    if (last && quarantine.length > 0 && (batch.parts.length > 0 || done.batches.length === 0)) {
      await lake.put(
        `${quarantinePrefix('import', batch.where.batchId)}/records.jsonl`,
        `${quarantine.map((q) => JSON.stringify(q)).join('\n')}\n`,
      );
    }
    if (batch.parts.length > 0) {
      await commitLandingBatch(lake, {
        batch_id: batch.where.batchId,
        source: IMPORT_SOURCE,
        ingest_date: batch.where.ingestDate,
        endpoint: IMPORT_SOURCE,
        query: name,
        created_at: batch.createdAt,
        committed_at: new Date().toISOString(),
        parts: batch.parts,
        pages: batch.pages,
        posts: batch.posts,
        partial_errors: 0,
        newest_id: null,
      });
      done.pages += batch.pages;
      done.batches.push(batch.where.batchId);
      done.open = null;
      cp.last_batch = {
        batch_id: batch.where.batchId,
        committed_at: new Date().toISOString(),
        posts: batch.posts,
        pages: batch.pages,
      };
    }
    // A file with nothing to land or quarantine leaves no checkpoint: it is "empty" each time it
    // is given, not "already imported" (its content hash is every empty file's).
    if (last && done.batches.length === 0 && quarantine.length === 0) return;
    if (last) cp.complete = true;
    await saveCheckpoint(lake, cp);
    if (!last) batch = newImportBatch();
  };
  const land = async (body: string, count: number, meta: { retrievedAt?: string; url?: string }) => {
    posts += count;
    pages++;
    if (skip > 0) {
      skip--;
      return;
    }
    // A large file lands as several batches, each small enough for process to take whole; a full
    // batch is committed when the next page comes, so the last batch is never empty.
    if (batch.posts >= maxBatchPosts) await commitBatch(false);
    const endpoint = meta.url ? new URL(meta.url).pathname : IMPORT_SOURCE;
    lines.push(
      landingLine(
        {
          retrieved_at: meta.retrievedAt ?? fallbackTime,
          endpoint,
          query: null,
          request_url: meta.url ?? fileUrl,
          status: 200,
        },
        body,
      ),
    );
    batch.posts += count;
    batch.pages++;
    if (lines.length >= LINES_PER_PART) await flushPart();
  };
  const flushPosts = async () => {
    if (pending.length === 0) return;
    const meta = twarcMeta(pending[0]!);
    await land(jsonText(unflattenPosts(pending)), pending.length, { retrievedAt: meta.retrievedAt });
    pending = [];
  };
  const takeObject = async (value: unknown, lineNo: number, raw: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      quarantine.push({ reason: 'not a JSON object', file: name, line: lineNo, raw: raw.slice(0, 10_000) });
      return;
    }
    const v = value as Json;
    if (isPage(v)) {
      if (format === 'empty') format = 'twarc2';
      const data = v.data;
      await land(raw, Array.isArray(data) ? data.length : data ? 1 : 0, twarcMeta(v));
    } else if (isPost(v)) {
      if (format === 'empty') format = 'twarc2-flatten';
      keepOriginal = true;
      pending.push(v);
      if (pending.length >= POSTS_PER_PAGE) await flushPosts();
    } else {
      quarantine.push({
        reason: 'neither an X API v2 page nor a post (no "data", no "id" and "text")',
        file: name,
        line: lineNo,
        raw: raw.slice(0, 10_000),
      });
    }
  };

  const { head, firstLine } = await peek(file);
  if (head === '[' || (head === '{' && !parses(firstLine))) {
    // A whole-file JSON document: an array of posts, or one saved response (pretty-printed).
    const text = await readText(file);
    let whole: unknown;
    try {
      whole = JSON.parse(text);
    } catch {
      whole = undefined;
    }
    if (Array.isArray(whole)) {
      format = 'json-array';
      keepOriginal = true;
      for (const [i, item] of whole.entries()) {
        if (typeof item === 'object' && item !== null && isPost(item as Json)) {
          pending.push(item as Json);
          if (pending.length >= POSTS_PER_PAGE) await flushPosts();
        } else
          quarantine.push({
            reason: 'array item is not a post (needs "id" and "text")',
            file: name,
            item: i,
            raw: jsonText(item).slice(0, 10_000),
          });
      }
    } else if (whole !== undefined && head === '{') {
      format = 'json-page';
      await takeObject(whole, 1, jsonText(whole));
    } else {
      await readLines(file, takeObject, quarantine, name);
    }
  } else {
    await readLines(file, takeObject, quarantine, name);
  }
  await flushPosts();
  await commitBatch(true);
  return {
    file,
    format,
    batchId: done.batches.at(-1) ?? null,
    batches: done.batches,
    posts,
    pages,
    quarantined: quarantine.length,
    skipped: false,
  };
}

/** A landing batch being filled by an import. */
function newImportBatch() {
  const now = new Date();
  return {
    where: { source: IMPORT_SOURCE, ingestDate: now.toISOString().slice(0, 10), batchId: newBatchId(now) },
    createdAt: now.toISOString(),
    parts: [] as PartInfo[],
    posts: 0,
    pages: 0,
  };
}

async function readLines(
  file: string,
  take: (value: unknown, lineNo: number, raw: string) => Promise<void>,
  quarantine: Json[],
  name: string,
): Promise<void> {
  const input = createReadStream(file);
  const rl = createInterface({
    input: file.endsWith('.gz') ? input.pipe(createGunzip()) : input,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of rl) {
    n++;
    const raw = line.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      quarantine.push({
        reason: `not valid JSON (${(error as Error).message})`,
        file: name,
        line: n,
        raw: raw.slice(0, 10_000),
      });
      continue;
    }
    await take(value, n, raw);
  }
}

async function readText(file: string): Promise<string> {
  const bytes = await readFile(file);
  return (file.endsWith('.gz') ? (await import('node:zlib')).gunzipSync(bytes) : bytes).toString('utf8');
}

/** The first non-blank character and the first line (up to 1 MiB) of a file. */
async function peek(file: string): Promise<{ head: string; firstLine: string }> {
  const input = createReadStream(file, file.endsWith('.gz') ? {} : { end: 1 << 20 });
  const rl = createInterface({ input: file.endsWith('.gz') ? input.pipe(createGunzip()) : input });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    rl.close();
    input.destroy();
    return { head: line.trimStart()[0] ?? '', firstLine: line };
  }
  return { head: '', firstLine: '' };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 32);
}
