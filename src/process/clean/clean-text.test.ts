import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EntityAnchor } from './anchor-entities.js';
import { cleanText, normalizeTag, normalizeText, urlDomain } from './clean-text.js';
import { decodePunycode } from './decode-punycode.js';
import { placeEntities } from './place-entities.js';

describe('cleanText', () => {
  it('decodes &amp; &lt; &gt; in one pass', () => {
    assert.equal(cleanText('Q&amp;A &lt;3 -&gt; &amp;lt;b&amp;gt;'), 'Q&A <3 -> &lt;b&gt;');
  });
  it('normalizes to NFC', () => {
    assert.equal(cleanText('cafe\u0301'), 'caf\u00e9');
  });
  it('removes C0 controls but keeps newline and tab', () => {
    assert.equal(cleanText('a\u0000b\u0007c\r\nd\te'), 'abc\nd\te');
  });
});

describe('normalizeText', () => {
  it('drops the RT prefix, URLs and mentions, lower-cases and collapses space', () => {
    assert.equal(normalizeText('RT @Some_One: Hello  @you see https://t.co/abc\n\nNOW'), 'hello see now');
  });
  it('keeps non-Latin scripts and emoji', () => {
    assert.equal(normalizeText('データ 😀 البيانات'), 'データ 😀 البيانات');
  });
});

describe('normalizeTag and urlDomain', () => {
  it('folds full-width and case with NFKC', () => {
    assert.equal(normalizeTag('ＡＩ'), 'ai');
    assert.equal(normalizeTag('DataEngineering'), 'dataengineering');
  });
  it('takes the host without www', () => {
    assert.equal(urlDomain('https://www.Example.com/x?y'), 'example.com');
    assert.equal(urlDomain('not a url'), null);
  });
  it('refuses an xn-- label that is not Punycode of a valid label, whichever Node.js parses the URL', () => {
    assert.equal(urlDomain('https://xn--bcher-kva.example/'), 'xn--bcher-kva.example');
    assert.equal(urlDomain('https://Bücher.example/'), 'xn--bcher-kva.example');
    for (const url of ['https://xn--zz.example/', 'https://xn--a.com/', 'https://xn--.com/'])
      assert.equal(urlDomain(url), null, url);
    assert.equal(urlDomain('foo://xn--zz/'), 'xn--zz', 'an opaque host is not IDNA');
  });
  it('decodes Punycode as RFC 3492 does', () => {
    assert.equal(decodePunycode('bcher-kva'), 'bücher');
    assert.equal(decodePunycode('wgv71a119e'), '日本語');
    assert.equal(decodePunycode('ls8h'), '💩');
    assert.equal(decodePunycode('mxacdxn-'), 'mxacdxn'); // basic code points only
    assert.equal(decodePunycode('egbpdaj6bu4bxfgehfvwxn'), 'ليهمابتكلموشعربي؟'); // RFC 3492 7.1 (A)
    for (const bad of ['zz', '0', '-', 'bcher-kva!', 'zzzzzzzzzzzzzzz'])
      assert.equal(decodePunycode(bad), null, bad);
  });
});

describe('EntityAnchor', () => {
  it('counts code points, so astral characters before an entity count once', () => {
    const text = '😀🚀 #data 👩‍💻 @bob';
    const a = new EntityAnchor(text);
    assert.deepEqual(a.place('#data', 3, 8), [3, 8]);
    // 👩‍💻 is three code points (woman, ZWJ, laptop).
    assert.deepEqual(a.place('@bob', 13, 17), [13, 17]);
    assert.equal([...text].slice(13, 17).join(''), '@bob');
  });
  it('re-anchors offsets that cleaning shifted (&amp; decoded, NFD composed)', () => {
    const raw = 'R&amp;D cafe\u0301 #AI';
    const clean = cleanText(raw);
    // Offsets X would give over the escaped, decomposed text.
    const [start, end] = new EntityAnchor(clean).place('#AI', 15, 18);
    assert.equal([...clean].slice(start, end).join(''), '#AI');
    assert.equal(start, 9);
  });
  it('gives repeated tags distinct positions, nearest first', () => {
    const a = new EntityAnchor('#x and #x');
    assert.deepEqual(a.place('#x', 7, 9), [7, 9]);
    assert.deepEqual(a.place('#x', 0, 2), [0, 2]);
  });
  it('keeps the given offsets, clamped, when the surface form is absent', () => {
    assert.deepEqual(new EntityAnchor('short').place('#missing', 2, 10), [2, 5]);
  });
  it('returns for an empty surface (it used to search for ever) and ignores offsets that are not finite', () => {
    assert.deepEqual(new EntityAnchor('abc').place('', 1, 2), [1, 2]);
    assert.deepEqual(new EntityAnchor('a #x').place('#x', Number.POSITIVE_INFINITY, undefined), [2, 4]);
  });
});

describe('placeEntities', () => {
  it('takes entities with a non-empty surface only, in order of a numeric start', () => {
    const placed = placeEntities('#b #a', {
      hashtags: [{ start: 3, tag: 'a' }, { start: '9', tag: 'b' }, { start: 1, tag: '' }, { tag: 7 }],
      urls: [{ start: 0, end: 0, url: '' }],
    });
    assert.deepEqual(
      placed.hashtags.map((p) => [p.entity.tag, p.index, p.start, p.end]),
      [
        ['b', 1, 0, 2],
        ['a', 0, 3, 5],
      ],
    );
    assert.deepEqual(placed.urls, []);
  });
});
