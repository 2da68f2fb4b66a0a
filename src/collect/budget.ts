/** Prices per resource read, in US dollars (X's pay-per-use list by default). */
export interface Prices {
  postRead: number;
  userRead: number;
}

export const DEFAULT_PRICES: Prices = { postRead: 0.005, userRead: 0.01 };

/** What one response cost. */
export interface Charge {
  usd: number;
  posts: number;
  users: number;
}

/**
 * Tracks posts and money spent in one run and says how large the next page may be so that
 * neither `maxPosts` nor `maxCostUsd` is exceeded. X bills every post and user returned (in
 * `data` and in `includes`), once per resource per UTC day; this meter counts the same way
 * within the run, so its figure is an upper bound of what X charges.
 */
export class Budget {
  postsLeft: number;
  spentUsd = 0;
  postsRead = 0;
  usersRead = 0;
  /** Set when a limit stopped collection: says which. */
  stoppedBy: 'max-posts' | 'max-cost-usd' | null = null;
  /** Posts and dollars the source being collected may still take (`shareAmong`; undefined: all that is left). */
  #shareLeft: number | undefined;
  #shareUsdLeft: number | undefined;
  readonly #seen = new Map<string, Set<string>>();
  /** Worst extra reads per matched post seen so far (referenced posts, users). */
  #refsPerPost = 1;
  #usersPerPost = 2;

  constructor(
    maxPosts: number,
    readonly maxCostUsd: number | undefined,
    readonly prices: Prices = DEFAULT_PRICES,
  ) {
    this.postsLeft = maxPosts;
  }

  /** Estimated worst cost of a page of `n` posts with expansions. */
  worstCost(n: number): number {
    return n * (this.prices.postRead * (1 + this.#refsPerPost) + this.prices.userRead * this.#usersPerPost);
  }

  /**
   * Lets the next source take only its share of what the run has left: that divided among
   * `sources` (it and the ones after it). One with fewer new posts leaves the rest to those after.
   */
  shareAmong(sources: number): void {
    this.#shareLeft = Math.ceil(this.postsLeft / sources);
    this.#shareUsdLeft =
      this.maxCostUsd === undefined ? undefined : (this.maxCostUsd - this.spentUsd) / sources;
  }

  /** Sources may take all that is left again. */
  endShares(): void {
    this.#shareLeft = undefined;
    this.#shareUsdLeft = undefined;
  }

  /**
   * How many results to ask for next, between `min` and `max`; 0 when a limit is reached (then
   * `stoppedBy` names it) or the source's share is used up (then `stoppedBy` stays null: once a
   * limit of the run is reached, every later call is stopped by it).
   */
  pageSize(min: number, max: number): number {
    if (this.postsLeft <= 0) {
      this.stoppedBy = 'max-posts';
      return 0;
    }
    const left = Math.min(this.postsLeft, this.#shareLeft ?? Number.POSITIVE_INFINITY);
    if (left <= 0) return 0;
    // (X takes no fewer than `min`: a run with fewer posts left than that asks for `min`)
    const wanted = Math.max(min, Math.min(max, left));
    if (this.maxCostUsd === undefined) return wanted;
    const affordable = (usd: number) => Math.floor(usd / this.worstCost(1) + 1e-9);
    const inRun = affordable(this.maxCostUsd - this.spentUsd);
    if (inRun < min) {
      this.stoppedBy = 'max-cost-usd';
      return 0;
    }
    const inShare = this.#shareUsdLeft === undefined ? inRun : affordable(this.#shareUsdLeft);
    if (inShare < min) return 0;
    return Math.min(wanted, inRun, inShare);
  }

  /** Whether a single user look-up still fits the budget. */
  canReadUser(): boolean {
    if (this.maxCostUsd === undefined || this.spentUsd + this.prices.userRead <= this.maxCostUsd + 1e-9)
      return true;
    this.stoppedBy = 'max-cost-usd';
    return false;
  }

  /** Counts what a response returned and what it costs; `matched` posts count against `maxPosts`. */
  charge(json: Record<string, unknown>, at: Date = new Date()): Charge {
    const day = at.toISOString().slice(0, 10);
    let seen = this.#seen.get(day);
    if (!seen) {
      this.#seen.clear();
      seen = new Set();
      this.#seen.set(day, seen);
    }
    const includes = (json.includes ?? {}) as Record<string, unknown>;
    const data = Array.isArray(json.data) ? json.data : json.data ? [json.data] : [];
    const posts = [...data, ...asArray(includes.tweets)].filter(isObject);
    const users = asArray(includes.users).filter(isObject);
    let newPosts = 0;
    let newUsers = 0;
    for (const p of posts) {
      const key = `t${String(p.id ?? '')}`;
      if (!seen.has(key)) {
        seen.add(key);
        newPosts++;
      }
    }
    for (const u of users) {
      const key = `u${String(u.id ?? '')}`;
      if (!seen.has(key)) {
        seen.add(key);
        newUsers++;
      }
    }
    if (data.length > 0) {
      this.#refsPerPost = Math.max(this.#refsPerPost, (posts.length - data.length) / data.length);
      this.#usersPerPost = Math.max(this.#usersPerPost, users.length / data.length);
    }
    const usd = newPosts * this.prices.postRead + newUsers * this.prices.userRead;
    this.spentUsd += usd;
    if (this.#shareUsdLeft !== undefined) this.#shareUsdLeft -= usd;
    this.postsRead += newPosts;
    this.usersRead += newUsers;
    this.postsLeft -= data.length;
    if (this.#shareLeft !== undefined) this.#shareLeft -= data.length;
    return { usd, posts: newPosts, users: newUsers };
  }

  /** Counts a single user look-up (`/2/users/by/username/…`). */
  chargeUser(): void {
    this.spentUsd += this.prices.userRead;
    if (this.#shareUsdLeft !== undefined) this.#shareUsdLeft -= this.prices.userRead;
    this.usersRead++;
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** `$1.23` (cents) or `$0.005` below a cent. */
export function formatUsd(usd: number): string {
  return usd !== 0 && Math.abs(usd) < 0.01 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}
