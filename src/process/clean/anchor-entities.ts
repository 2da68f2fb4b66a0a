/** Code points in `text` before UTF-16 offset `index`. */
function codePointsBefore(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function codePointLength(text: string): number {
  return codePointsBefore(text, text.length);
}

/**
 * Places entities in the cleaned text. X counts entity offsets in code points of its own text;
 * cleaning (HTML entities decoded, NFC, controls removed) can shift them, so each entity is
 * re-anchored on the nearest unused occurrence of its surface form (`#tag`, `@name`, the URL)
 * to the offset X gave. Offsets in the processed tables are code points of `tweets.text`.
 * When the surface form is not found, X's offsets are kept, clamped to the text.
 */
export class EntityAnchor {
  readonly #text: string;
  readonly #lower: string;
  readonly #used = new Set<number>();
  readonly #length: number;

  constructor(cleanText: string) {
    this.#text = cleanText;
    this.#lower = cleanText.toLowerCase();
    this.#length = codePointLength(cleanText);
  }

  /** `[start, end]` in code points of the cleaned text. */
  place(surface: string, hintStart: number | undefined, hintEnd: number | undefined): [number, number] {
    const needle = surface.normalize('NFC');
    const surfaceLength = codePointLength(needle);
    // X's offsets are integers: 2.5, or 1e400 (read as Infinity), is no offset.
    const hint = Number.isInteger(hintStart) ? (hintStart as number) : 0;
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    // An empty needle is found everywhere (`indexOf('', at)` past the end would loop for ever).
    const haystacks =
      needle === ''
        ? []
        : needle.length === needle.toLowerCase().length
          ? [this.#text, this.#lower]
          : [this.#text];
    for (const haystack of haystacks) {
      const target = haystack === this.#text ? needle : needle.toLowerCase();
      for (let at = haystack.indexOf(target); at >= 0; at = haystack.indexOf(target, at + 1)) {
        if (this.#used.has(at)) continue;
        const distance = Math.abs(codePointsBefore(this.#text, at) - hint);
        if (distance < bestDistance) {
          best = at;
          bestDistance = distance;
        }
      }
      if (best >= 0) break;
    }
    if (best >= 0) {
      this.#used.add(best);
      const start = codePointsBefore(this.#text, best);
      return [start, start + surfaceLength];
    }
    const start = Math.min(Math.max(0, hint), this.#length);
    const end = Math.min(
      Math.max(start, Number.isInteger(hintEnd) ? (hintEnd as number) : start + surfaceLength),
      this.#length,
    );
    return [start, end];
  }
}
