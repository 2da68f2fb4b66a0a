import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestamp } from './parse-timestamp.js';

const iso = (value: unknown) => {
  const t = parseTimestamp(value);
  return t === null ? null : new Date(t).toISOString();
};

describe('parseTimestamp', () => {
  it('reads RFC 3339 date-times: X and the collector write them with Z; offsets and fractions', () => {
    assert.equal(parseTimestamp('2026-11-20T12:00:00.000Z'), Date.parse('2026-11-20T12:00:00.000Z'));
    assert.equal(iso('2026-11-20T12:00:00Z'), '2026-11-20T12:00:00.000Z');
    assert.equal(iso('2026-11-20T12:00:01.5Z'), '2026-11-20T12:00:01.500Z');
    assert.equal(iso('2026-11-20T12:00:01.123999999Z'), '2026-11-20T12:00:01.123Z', 'cut to milliseconds');
    assert.equal(iso('2026-11-20T17:30:00+05:30'), '2026-11-20T12:00:00.000Z');
    assert.equal(iso('2026-11-20T04:00:00-08:00'), '2026-11-20T12:00:00.000Z');
    assert.equal(iso('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000Z', 'a leap day');
    assert.equal(iso('0050-01-01T00:00:00Z'), '0050-01-01T00:00:00.000Z', 'not 1950');
    assert.equal(iso('9999-12-31T23:59:59.999Z'), '9999-12-31T23:59:59.999Z');
  });

  it('refuses what Date.parse would read in the local time zone, roll over, or guess', () => {
    for (const value of [
      '2026-11-20T12:00:00', // no zone: Date.parse takes the machine's local time
      '2026-11-20', // a date, not a time
      '11/20/2026',
      'Fri, 20 Nov 2026 12:00:00 GMT',
      '2026-02-30T00:00:00Z', // Date.parse: 2 March
      '2025-02-29T00:00:00Z',
      '2026-11-20T24:00:00Z',
      '2026-11-20T23:59:60Z',
      '2026-13-01T00:00:00Z',
      '2026-11-20T12:00Z',
      '2026-11-20 12:00:00Z',
      '2026-11-20T12:00:00.Z',
      '2026-11-20T12:00:00+0530',
      '2026-11-20T12:00:00+24:00',
      '+002026-11-20T12:00:00Z',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00+00:01', // before the year 1 in UTC
      '9999-12-31T23:59:59-00:01', // after 9999
      ' 2026-11-20T12:00:00Z',
      '٢٠٢٦-11-20T12:00:00Z',
    ])
      assert.equal(parseTimestamp(value), null, value);
    for (const value of [1795176000000, 2026, null, undefined, {}, ['2026-11-20T12:00:00Z']])
      assert.equal(parseTimestamp(value), null, String(value));
  });
});
