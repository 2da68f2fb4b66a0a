// A date, or a date-time with minutes, optional seconds and fraction, and a zone.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|([+-])(\d{2}):(\d{2})))?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An ISO 8601 time as X's `start_time`/`end_time` take it (`2026-01-31T00:00:00Z`, any zone
 * offset, seconds and fraction optional; a bare date when `dateOnly` allows it, as midnight UTC),
 * as epoch milliseconds; undefined for anything else. Unlike `Date.parse`, a day or time that does
 * not exist (30 February, 31 April, 24:00) is refused rather than rolled over into the next, and
 * forms such as `2026` or `Dec 1 2026` are not times.
 */
export function isoTimeMs(raw: string, options: { dateOnly?: boolean } = {}): number | undefined {
  const m = ISO.exec(raw);
  if (!m || (m[4] === undefined && !options.dateOnly)) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const [offsetHours, offsetMinutes] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
  if (days === undefined || day < 1 || day > days) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day); // (Date.UTC would read the years 0-99 as 1900-1999)
  t.setUTCHours(hour, minute, second, ms);
  return t.getTime() - (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
}
