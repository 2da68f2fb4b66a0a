/** 12345 → "12,345". */
export function n(value: number | bigint | unknown): string {
  return Number(value ?? 0).toLocaleString('en-US');
}

/** "a 1 · b 2" for non-zero entries, in the given order. */
export function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(' · ');
}

/** Pads a stage label so the summary lines align. */
export function label(name: string): string {
  return name.padEnd(9);
}

export { plural } from '../core/plural.js';

/** 1536 → "1.5 KiB". */
export function bytes(count: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `batch ID`, or `N batches (FIRST … LAST)` when a collection was split into several. */
export function batchesText(batches: readonly string[]): string {
  if (batches.length <= 1) return `batch ${batches[0] ?? '(none)'}`;
  return `${batches.length} batches (${batches[0]} … ${batches.at(-1)})`;
}
