import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempWorkspace } from '../../testing/temp-workspace.js';
import { cutUtf8, fitTextBytes } from './fit-text-bytes.js';

describe('cutUtf8', () => {
  it('keeps the longest prefix that fits, never splitting a character', () => {
    assert.equal(cutUtf8('abc', 3), 'abc');
    assert.equal(cutUtf8('abcd', 3), 'abc');
    assert.equal(cutUtf8('aé', 2), 'a'); // é is 2 bytes: 3 in all
    assert.equal(cutUtf8('aデ', 3), 'a'); // デ is 3 bytes
    assert.equal(cutUtf8('a😀b', 5), 'a😀'); // 😀 is 4 bytes (a surrogate pair in JavaScript)
    assert.equal(cutUtf8('a😀b', 4), 'a');
    assert.equal(cutUtf8('😀', 3), '');
  });
});

describe('fitTextBytes', () => {
  it('rewrites only the files with a value too long, cutting just those values, rows and types unchanged', async () => {
    const ws = tempWorkspace();
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const short = path.join(ws.dir, 'short.parquet');
      const long = path.join(ws.dir, 'long.parquet');
      await conn.run(
        `COPY (SELECT 1::BIGINT AS id, 'ok' AS text, NULL::VARCHAR AS note, DATE '2026-11-20' AS d) TO '${short}' (FORMAT parquet)`,
      );
      await conn.run(
        `COPY (SELECT * FROM (VALUES (2::BIGINT, repeat('デ', 5), 'x', DATE '2026-11-20'), (3, 'fine', repeat('é', 9), DATE '2026-11-21'), (4, 'b', NULL, NULL), (5, chr(65279) || repeat('a', 12), NULL, NULL)) t(id, text, note, d)) ` +
          `TO '${long}' (FORMAT parquet)`,
      );
      const fitted = await fitTextBytes([short, long], ['text', 'note'], 10, ws.dir);
      assert.deepEqual([...fitted.keys()], [long]);
      assert.equal(fitted.get(long)!.cut, 3);
      const copy = fitted.get(long)!.path;
      // (text as hex: @duckdb/node-api's own decoding would drop a leading U+FEFF)
      const rows = (
        await conn.runAndReadAll(`SELECT id, hex(encode(text)), note, d::VARCHAR FROM '${copy}'`)
      ).getRows();
      const hex = (text: string) => Buffer.from(text).toString('hex').toUpperCase();
      assert.deepEqual(rows, [
        [2n, hex('デデデ'), 'x', '2026-11-20'],
        [3n, hex('fine'), 'ééééé', '2026-11-21'],
        [4n, hex('b'), null, null],
        [5n, hex('\ufeffaaaaaaa'), null, null],
      ]);
      const types = async (f: string) =>
        (await conn.runAndReadAll(`DESCRIBE SELECT * FROM '${f}'`)).getRows().map((r) => [r[0], r[1]]);
      assert.deepEqual(await types(copy), await types(long));
    } finally {
      conn.closeSync();
      db.closeSync();
      ws.remove();
    }
  });
});
