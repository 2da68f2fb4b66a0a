const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const MAX_INT = 0x7fffffff;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / 700) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  for (; d > ((BASE - T_MIN) * T_MAX) >> 1; k += BASE) d = Math.floor(d / (BASE - T_MIN));
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + 38));
}

function digitOf(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 22; // 0-9 are 26-35
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  return BASE;
}

/**
 * RFC 3492's decoding of a Punycode label (without its `xn--`), or null where it does not decode:
 * what UTS #46 checks before it keeps an `xn--` label. `new URL` leaves that check to the
 * runtime's own parser, and Node.js 26 keeps `xn--zz`, which Node.js 20 refuses.
 */
export function decodePunycode(input: string): string | null {
  const out: number[] = [];
  const dash = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(dash, 0); j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return null;
    out.push(c);
  }
  let n = 128;
  let i = 0;
  let bias = 72;
  for (let k = dash > 0 ? dash + 1 : 0; k < input.length; ) {
    const before = i;
    let w = 1;
    for (let t = BASE; ; t += BASE) {
      if (k >= input.length) return null;
      const digit = digitOf(input.charCodeAt(k++));
      if (digit >= BASE || digit > Math.floor((MAX_INT - i) / w)) return null;
      i += digit * w;
      const threshold = t <= bias ? T_MIN : t >= bias + T_MAX ? T_MAX : t - bias;
      if (digit < threshold) break;
      if (w > Math.floor(MAX_INT / (BASE - threshold))) return null;
      w *= BASE - threshold;
    }
    bias = adapt(i - before, out.length + 1, before === 0);
    if (Math.floor(i / (out.length + 1)) > MAX_INT - n) return null;
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > 0x10ffff) return null;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}
