import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { cleanText, normalizeText } from '../clean/clean-text.js';
import { str, toId } from '../flatten-batch.js';
import { quoteString } from './duckdb-sql.js';
import {
  HAS_LOWER_CASE_EXCEPTION,
  LOWER_CASE_EXCEPTIONS,
  MACROS,
  NFC_INERT,
  NFC_UNSAFE,
  WORD,
} from './landing-sql.js';

describe('NFC_INERT', () => {
  it('holds only code points NFC leaves alone in any text made of them (JavaScript Unicode data)', () => {
    // Code points that can combine with the one before them: those after the first in any
    // canonical decomposition (combining marks, Hangul vowels and finals, and the like).
    const combining = new Set<number>();
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const parts = [...String.fromCodePoint(cp).normalize('NFD')];
      for (let i = 1; i < parts.length; i++) combining.add(parts[i]!.codePointAt(0)!);
    }
    const bad: string[] = [];
    for (const [from, to] of NFC_INERT) {
      for (let cp = from; cp <= to; cp++) {
        const c = String.fromCodePoint(cp);
        const changed = c.normalize('NFC') !== c || combining.has(cp);
        // A non-zero combining class shows as reordering next to U+0301 (230) or U+0334 (1).
        const reorders =
          c.normalize('NFD') === c &&
          (`\u0301${c}`.normalize('NFD') !== `\u0301${c}` || `${c}\u0334`.normalize('NFD') !== `${c}\u0334`);
        if (changed || reorders) bad.push(cp.toString(16));
      }
    }
    assert.deepEqual(bad.slice(0, 20), []);
  });
});

/** The code points of a list of ranges. */
const codePoints = (list: readonly (readonly [number, number])[]): number[] =>
  list.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));

/** `fn` on a connection to a new in-memory DuckDB, closed afterwards. */
async function withDuckDB<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Code point `cp` (a column of `range(1, 1114112)`) as text, `instead` at the surrogates' places. */
const charOf = (instead: string, around = (c: string) => c) =>
  `CASE WHEN cp BETWEEN 55296 AND 57343 THEN ${quoteString(instead)} ELSE ${around('chr(CAST(cp AS INTEGER))')} END`;

describe('NFC_UNSAFE', () => {
  it("holds every code point where DuckDB's NFC is not JavaScript's, none of them NFC_INERT", async () => {
    // Each code point alone, next to marks of combining class 1 and 230 on either side (a class
    // DuckDB does not know shows as another order), and each composite decomposed (a composition
    // DuckDB does not know: the composite and its parts, but the old marks of U+0300-U+036F, which
    // compose only with the new letter before them). Code points JavaScript holds unassigned or
    // private, or NFC_INERT, are as DuckDB takes a code point it does not know: left alone.
    const texts: string[] = [];
    const owners: number[][] = [];
    const inert = new Set(codePoints(NFC_INERT));
    for (let cp = 1; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (inert.has(cp) || /\p{Cn}|\p{Co}/u.test(c)) continue;
      for (const text of [c, `a${c}\u0334`, `a\u0301${c}`, `a${c}\u0301`, `a\u0334${c}`]) {
        texts.push(text);
        owners.push([cp]);
      }
      const nfd = c.normalize('NFD');
      if (nfd !== c) {
        texts.push(nfd);
        owners.push([cp, ...[...nfd].map((p) => p.codePointAt(0)!).filter((p) => p < 0x300 || p > 0x36f)]);
      }
    }
    await withDuckDB(async (conn) => {
      await conn.run('CREATE TABLE t (i INTEGER, s VARCHAR)');
      const appender = await conn.createAppender('t');
      texts.forEach((text, i) => {
        appender.appendInteger(i);
        appender.appendVarchar(text);
        appender.endRow();
      });
      appender.closeSync();
      const result = await conn.runAndReadAll(
        'SELECT i, CAST(to_json(nfc_normalize(s)) AS VARCHAR) FROM t ORDER BY i',
      );
      const differ = new Set<number>();
      for (const [i, nfc] of result.getRows() as [number, string][]) {
        if (texts[i]!.normalize('NFC') !== JSON.parse(nfc)) for (const cp of owners[i]!) differ.add(cp);
      }
      assert.deepEqual(
        [...differ].sort((a, b) => a - b).map((cp) => cp.toString(16)),
        codePoints(NFC_UNSAFE).map((cp) => cp.toString(16)),
      );
      assert.deepEqual(
        codePoints(NFC_UNSAFE).filter((cp) => inert.has(cp)),
        [],
      );
    });
  });
});

describe('WORD', () => {
  it("matches the code points JavaScript's [\\p{L}\\p{N}_] matches, and no other", async () => {
    await withDuckDB(async (conn) => {
      const result = await conn.runAndReadAll(
        `SELECT cp FROM range(1, 1114112) t(cp) WHERE regexp_full_match(${charOf(' ')}, ${quoteString(WORD)}) ORDER BY cp`,
      );
      const sql = result.getRows().map(([cp]) => Number(cp));
      const js: number[] = [];
      for (let cp = 1; cp <= 0x10ffff; cp++) {
        if ((cp < 0xd800 || cp > 0xdfff) && /^[\p{L}\p{N}_]$/u.test(String.fromCodePoint(cp))) js.push(cp);
      }
      assert.equal(sql.length, js.length);
      assert.deepEqual(sql.filter((cp, i) => cp !== js[i]).slice(0, 10), []);
    });
  });
});

describe('LOWER_CASE_EXCEPTIONS', () => {
  it("holds every code point whose lower case in DuckDB is not JavaScript's, and no other", async () => {
    // (each code point's lower case as JSON text: reading a lone U+FEFF back drops it)
    await withDuckDB(async (conn) => {
      const result = await conn.runAndReadAll(
        'SELECT cp, CAST(to_json(lower(chr(CAST(cp AS INTEGER)))) AS VARCHAR) FROM range(1, 1114112) t(cp) ' +
          'WHERE cp < 55296 OR cp > 57343 ORDER BY cp',
      );
      const differ: number[] = [];
      for (const [cp, lower] of result.getRows() as [bigint, string][]) {
        const c = String.fromCodePoint(Number(cp));
        if (c.toLowerCase() !== JSON.parse(lower)) differ.push(Number(cp));
      }
      // Σ lowers alike alone; only at a word's end (final sigma) does JavaScript differ.
      assert.notEqual('AΣ'.toLowerCase(), 'aσ');
      const listed = codePoints(LOWER_CASE_EXCEPTIONS);
      assert.deepEqual(
        differ.map((cp) => cp.toString(16)),
        listed.filter((cp) => cp !== 0x3a3).map((cp) => cp.toString(16)),
      );
      // The RE2 class finds each of them in a text.
      const found = await conn.runAndReadAll(
        `SELECT count(*) FROM range(1, 1114112) t(cp) ` +
          `WHERE regexp_matches(${charOf('a', (c) => `'a' || ${c} || 'b'`)}, ${quoteString(HAS_LOWER_CASE_EXCEPTION)})`,
      );
      assert.equal(Number(found.getRows()[0]![0]), listed.length);
    });
  });
});

describe('MACROS', () => {
  /** Each value through a macro in DuckDB (`sql` of the literal), in order. */
  async function through(macro: string, literals: string[]): Promise<unknown[]> {
    return withDuckDB(async (conn) => {
      for (const m of MACROS) await conn.run(m);
      const values = literals.map((v, i) => `(${i}, ${v})`).join(', ');
      const result = await conn.runAndReadAll(
        `SELECT ${macro}(v) FROM (VALUES ${values}) AS t(i, v) ORDER BY i`,
      );
      return result.getRows().map(([v]) => (typeof v === 'bigint' ? String(v) : v));
    });
  }

  /** A text as an SQL expression, any character included (a literal cannot hold NUL). */
  const sqlText = (text: string) => `(CAST(${quoteString(JSON.stringify(text))} AS JSON) ->> '$')`;

  it('tp_norm gives normalizeText, at every edge its shortcuts skip', async () => {
    const texts = [
      '',
      ' ',
      'plain',
      ' lead and trail ',
      '\tTabbed\t',
      'a\u00a0\u00a0b\u3000c\ufeff',
      'RT @Ann_1: hello  there',
      'rt @ann:\n\nnext',
      'rt @: not a prefix',
      'x rt @ann: not at the start',
      'see https://t.co/x and http://a.example/b?c=d, then ftp://no',
      'no scheme :// here, https:// alone',
      'mail a@b.example and @ and @@bob @ÄÖ_9!',
      'url@https://x.example/@ann end',
      '  @ann  ',
    ];
    // (text with `LOWER_CASE_EXCEPTIONS` is normalized in TypeScript, never by tp_norm)
    assert.deepEqual(await through('tp_norm', texts.map(sqlText)), texts.map(normalizeText));
  });

  it('tp_clean gives cleanText: entities, NFC and control characters, alone and together', async () => {
    const texts = [
      'plain ascii',
      'Q&amp;A &lt;b&gt; &amp;lt; &amp',
      'tab\tand\nnewline stay, \u0007bell and \u001besc go',
      'cafe\u0301 composes',
      'cafe\u0301 and \u0000nul\u000b together',
      '\u1100\u1161 jamo, ภาษาไทย, देवनागरी',
      'emoji 🔥👩‍👩‍👧 ✨ 𝕏 — “quotes”',
      '&amp;\u0301',
      '',
    ];
    assert.deepEqual(await through('tp_clean', texts.map(sqlText)), texts.map(cleanText));
  });

  // JSON values as landing lines hold them, and what `str` and `toId` make of them.
  const json = [
    '"plain"',
    '"say \\"hi\\" \\u00e9\\n"',
    '""',
    '12',
    'true',
    'null',
    '{"a": "b"}',
    '["x"]',
    '"12"',
    '"0012"',
    '"9223372036854775807"',
    '"9223372036854775808"',
    '"-1"',
    '"+1"',
    '" 1"',
    '"1e3"',
    '"1_000"',
    '"0x1F"',
    '"12345678901234567890"',
  ];
  const asJson = json.map((j) => `CAST(${quoteString(j)} AS JSON)`);

  it('tp_str takes a JSON string (escapes decoded) and nothing else, as `str` does', async () => {
    assert.deepEqual(
      await through('tp_str', asJson),
      json.map((j) => str(JSON.parse(j))),
    );
  });

  it('tp_id takes a decimal 64-bit ID sent as a JSON string, as `toId` does', async () => {
    const id = (v: string | null) => (v === null ? null : String(BigInt(v)));
    assert.deepEqual(
      await through('tp_id', asJson),
      json.map((j) => id(toId(JSON.parse(j)))),
    );
  });
});
