/** A small deterministic PRNG (mulberry32) keyed by integers, so every post is a pure function of (seed, slot). */
export class Random {
  #state: number;
  constructor(...keys: number[]) {
    let h = 0x811c9dc5;
    for (const key of keys) {
      // Mix both halves so slot numbers above 2^32 still differ.
      h = Math.imul(h ^ (key >>> 0), 0x01000193);
      h = Math.imul(h ^ Math.floor(key / 0x100000000), 0x01000193);
    }
    this.#state = h >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Lower-case alphanumerics, for t.co slugs and media file names. */
  slug(length: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}
