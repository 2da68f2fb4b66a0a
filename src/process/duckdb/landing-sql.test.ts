import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NFC_INERT } from './landing-sql.js';

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
