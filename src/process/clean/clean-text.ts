import { decodePunycode } from './decode-punycode.js';

const HTML_ENTITY = /&(amp|lt|gt);/g;
const HTML_CHARS: Record<string, string> = { amp: '&', lt: '<', gt: '>' };
// C0 controls except tab (\x09) and newline (\x0a).
const C0_CONTROLS = /[\x00-\x08\x0b-\x1f]/g;

/**
 * The contract's `text` rule: HTML entities `&amp;` `&lt;` `&gt;` decoded in one pass (so
 * `&amp;lt;` becomes `&lt;`), Unicode NFC, C0 control characters other than newline and tab removed.
 */
export function cleanText(raw: string): string {
  let text = raw.includes('&') ? raw.replace(HTML_ENTITY, (_, name: string) => HTML_CHARS[name]!) : raw;
  text = text.normalize('NFC');
  return C0_CONTROLS.test(text) ? text.replace(C0_CONTROLS, '') : text;
}

const RT_PREFIX = /^rt @[\p{L}\p{N}_]+:\s*/u;
const URLS = /https?:\/\/\S+/gu;
const MENTIONS = /@[\p{L}\p{N}_]+/gu;
const SPACES = /\s+/gu;

/** The contract's `text_normalized`: lower-cased; leading `RT @x:`, URLs and mentions removed; white space collapsed. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(RT_PREFIX, '')
    .replace(URLS, ' ')
    .replace(MENTIONS, ' ')
    .replace(SPACES, ' ')
    .trim();
}

/** `tag_normalized`: NFKC, lower-case (so `#ＡＩ` and `#ai` agree). */
export function normalizeTag(tag: string): string {
  return tag.normalize('NFKC').toLowerCase();
}

const SPECIAL_SCHEMES = new Set(['ftp:', 'file:', 'http:', 'https:', 'ws:', 'wss:']);
// What a decoded `xn--` label may not be: empty, controls, format (but the joiners) or unassigned
// code points, spaces.
const NOT_A_LABEL = /^$|^\p{M}|(?![\u200c\u200d])[\p{C}\p{Z}]/u;

/**
 * The host of a URL without `www.`, lower-case; null when it does not parse. The host is
 * `new URL`'s (the WHATWG URL Standard), except that an `xn--` label must decode to a valid
 * label, as UTS #46 requires: not every Node.js checks it (26 keeps `xn--zz`, 20 does not).
 */
export function urlDomain(url: string | undefined | null): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const host = parsed.hostname.toLowerCase();
  if (SPECIAL_SCHEMES.has(parsed.protocol))
    for (const label of host.split('.')) {
      if (!label.startsWith('xn--')) continue;
      const decoded = decodePunycode(label.slice(4));
      if (decoded === null || NOT_A_LABEL.test(decoded) || decoded !== decoded.normalize('NFC').toLowerCase())
        return null;
    }
  return host.replace(/^www\./, '') || null;
}
