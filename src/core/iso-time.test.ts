import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoTimeMs } from './iso-time.js';

describe('isoTimeMs', () => {
  it('reads the forms X takes, in any zone, to the millisecond', () => {
    const at = (iso: string) => new Date(iso).getTime();
    assert.equal(isoTimeMs('2026-01-31T00:00:00Z'), at('2026-01-31T00:00:00.000Z'));
    assert.equal(isoTimeMs('2026-01-31T10:15Z'), at('2026-01-31T10:15:00.000Z'));
    assert.equal(isoTimeMs('2026-01-31T10:15:30.1234567Z'), at('2026-01-31T10:15:30.123Z'));
    assert.equal(isoTimeMs('2026-01-31T01:30:00+02:30'), at('2026-01-30T23:00:00.000Z'));
    assert.equal(isoTimeMs('2026-01-31T23:00:00-05:00'), at('2026-02-01T04:00:00.000Z'));
    assert.equal(isoTimeMs('2024-02-29T00:00:00Z'), at('2024-02-29T00:00:00.000Z'));
    assert.equal(isoTimeMs('0050-06-01T00:00:00Z'), Date.parse('0050-06-01T00:00:00Z'));
    assert.equal(isoTimeMs('2026-01-31', { dateOnly: true }), at('2026-01-31T00:00:00.000Z'));
  });

  it('refuses days and times that do not exist, where Date.parse rolls them over', () => {
    for (const raw of [
      '2026-02-29T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T12:60:00Z',
      '2026-01-01T12:00:60Z',
      '2026-01-01T12:00:00+24:00',
    ]) {
      assert.equal(isoTimeMs(raw, { dateOnly: true }), undefined, raw);
    }
    assert.ok(!Number.isNaN(Date.parse('2026-02-30T00:00:00Z')), 'Date.parse takes 30 February');
  });

  it('refuses what is not an ISO time: no zone, a bare year, other formats; a bare date unless allowed', () => {
    for (const raw of [
      '2026',
      '2026-01',
      'Dec 1 2026',
      '2026-01-31T00:00:00',
      '2026-01-31 00:00:00Z',
      ' 2026-01-31T00:00:00Z',
      '',
    ])
      assert.equal(isoTimeMs(raw, { dateOnly: true }), undefined, raw);
    assert.equal(isoTimeMs('2026-01-31'), undefined);
  });
});
