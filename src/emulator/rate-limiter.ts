export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets, as in `x-rate-limit-reset`. */
  reset: number;
}

/** Fixed windows per key, like X's per-endpoint limits (450 requests / 15 minutes for app-only recent search). */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key` and says whether it is allowed. */
  take(key: string): RateDecision {
    const now = this.now();
    let w = this.#windows.get(key);
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    const allowed = w.count < this.limit;
    if (allowed) w.count++;
    return {
      allowed,
      limit: this.limit,
      remaining: this.limit - w.count,
      reset: Math.ceil((w.start + this.windowMs) / 1000),
    };
  }
}
