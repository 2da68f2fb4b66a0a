// RFC 3339 date-time: seconds required, fraction optional, a zone required.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z, the range every engine and warehouse holds. */
const FIRST_MS = -62_135_596_800_000;
const LAST_MS = 253_402_300_799_999;

/**
 * The contract's timestamps (`created_at`, `retrieved_at`): an RFC 3339 date-time as X and the
 * collector write it (`2026-11-20T12:00:00.000Z`; any zone offset, fractions cut to milliseconds)
 * between the years 1 and 9999 UTC, as epoch milliseconds; null for anything else. Not
 * `Date.parse`: it reads a time without a zone in the machine's local time zone, rolls 30 February
 * over into March and takes `11/20/2026`, so the same landing gave other rows on another machine.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 9, 10].map(
    (i) => Number(m[i] ?? 0),
  ) as [number, number, number, number, number, number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (year < 1 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return null;
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // (Date.UTC would read years 1-99 as 1901-1999)
  utc.setUTCHours(hour, minute, second, ms);
  const t = utc.getTime() - offset;
  return t >= FIRST_MS && t <= LAST_MS ? t : null;
}
