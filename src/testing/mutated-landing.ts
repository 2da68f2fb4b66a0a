import { gunzipSync } from 'node:zlib';
import { collect } from '../collect/index.js';
import { landingLine } from '../collect/landing-line.js';
import { commitLandingBatch, writeLandingPart } from '../collect/landing-writer.js';
import type { Settings } from '../config/settings.js';
import type { Lake } from '../lake/lake.js';

// biome-ignore lint/suspicious/noExplicitAny: landing lines are untrusted JSON, mutated at random.
type Json = any;

/** Numbers JSON.stringify cannot write (1e400, 2**53 + 1, -0, 100.0), put in after it. */
const RAW_NUMBERS: Record<string, string> = {
  __N1e400__: '1e400',
  __N2p53__: '9007199254740993',
  __Nneg0__: '-0',
  __N100__: '100.0',
  __N1e_7__: '1e-7',
  __Nbig__: '123456789012345678901234',
};
const VALUES: unknown[] = [
  ...[null, true, false, 0, -1, 1.5, 2.5, 3.5, 1e20, 3e9, '12', '', 'x', 'İSTANBUL', [], {}, [1], { a: 1 }],
  ...['2026-11-20T12:00:00Z', '2026-11-20T12:00:00', '2026-02-30T00:00:00Z', '١٢٣', '2123747899645166399'],
  ...Object.keys(RAW_NUMBERS),
];
const INSERTS = [
  ...['&amp;', '&lt;', '\u0085', '\u0000', '\u0007', 'İ', 'Σ', 'e\u0301', '😀', '\t', '\u2028', '\u3000'],
  ...[' ', '  ', '@x_1', '#y', 'https://t.co/z ', 'ＡＩ', '\ufeff', 'ß'],
];
/** Kept as they are when a batch should stay clean enough for DuckDB's SQL path. */
const KEYS_KEPT = new Set(['id', 'media_key', 'created_at', 'retrieved_at']);

/**
 * Batches made by mutating real emulator pages at random (seeded): values swapped for others of
 * any type or for numbers only raw JSON can hold, keys dropped, odd characters put into strings.
 * About half the batches only touch scalars other than ids and times, so DuckDB's SQL path takes
 * them; the others go to the TypeScript flattener. The engines must agree on every one of them:
 * this is how the bugs behind the nasty and tricky landings' later cases were found.
 */
export async function writeMutatedLanding(
  settings: Settings,
  lake: Lake,
  options: { seed: number; batches: number; rate?: number; now: string },
): Promise<void> {
  const rate = options.rate ?? 0.02;
  let state = options.seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0; // mulberry32
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

  const before = new Set((await lake.list('landing/')).map((o) => o.key));
  await collect(settings, lake, { queries: ['#AI OR #data OR climate OR 日本語'], maxPosts: 400 });
  const pages: Json[] = [];
  for (const o of await lake.list('landing/'))
    if (o.key.endsWith('.jsonl.gz') && !before.has(o.key))
      for (const line of gunzipSync((await lake.get(o.key))!)
        .toString()
        .split('\n'))
        if (line.trim()) pages.push(JSON.parse(line));

  let scalarsOnly = false;
  const mutate = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(mutate);
    if (value !== null && typeof value === 'object') {
      const out: Json = {};
      for (const [key, v] of Object.entries(value)) {
        if (scalarsOnly && KEYS_KEPT.has(key)) out[key] = v;
        else if (random() < (scalarsOnly ? rate / 6 : rate / 2)) continue;
        else if (
          random() < (scalarsOnly ? rate / 3 : rate) &&
          (!scalarsOnly || v === null || typeof v !== 'object')
        )
          out[key] = pick(VALUES);
        else out[key] = mutate(v);
      }
      return out;
    }
    if (typeof value === 'string' && random() < rate * 5) {
      const chars = Array.from(value); // (never between the halves of a surrogate pair)
      chars.splice(Math.floor(random() * (chars.length + 1)), 0, pick(INSERTS));
      return chars.join('');
    }
    return value;
  };

  for (let b = 0; b < options.batches; b++) {
    const batchId = `20261120T13${String(b).padStart(2, '0')}00000Z-mutated${options.seed}`;
    const where = { source: 'search_recent', ingestDate: '2026-11-20', batchId };
    scalarsOnly = random() < 0.6;
    const lines: string[] = [];
    const count = 2 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const { response, ...meta } = pick(pages);
      const retrievedAt =
        random() < 0.3
          ? pick([options.now, '2026-11-20T12:00:01.5Z', '2026-11-20T11:59:59Z'])
          : meta.retrieved_at;
      let body = JSON.stringify(mutate(response));
      for (const [marker, raw] of Object.entries(RAW_NUMBERS)) body = body.replaceAll(`"${marker}"`, raw);
      lines.push(landingLine({ ...meta, retrieved_at: retrievedAt }, body));
    }
    const part = await writeLandingPart(lake, where, 0, lines);
    await commitLandingBatch(lake, {
      batch_id: batchId,
      source: where.source,
      ingest_date: where.ingestDate,
      endpoint: '/2/tweets/search/recent',
      query: 'mutated',
      created_at: options.now,
      committed_at: options.now,
      parts: [part],
      pages: count,
      posts: 0,
      partial_errors: 0,
      newest_id: null,
    });
  }
}
