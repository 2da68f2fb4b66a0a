import { hostname } from 'node:os';
import { BusyError, FatalError } from '../core/errors.js';
import { getJson, type Lake } from './lake.js';
import { leasePrefix } from './zones.js';

/** What a lease object in the lake says about its holder. */
export interface LeaseRecord {
  name: string;
  /** What holds it, as people read it: `collect "#ai"`, `process`. */
  what: string;
  host: string;
  pid: number;
  acquired_at: string;
  /** The last renewal plus the lease's lifetime. */
  expires_at: string;
}

export interface LeaseOptions {
  /** How long a lease lasts without renewal (default 2 minutes); the holder renews it 4 times as often. */
  ttlMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

const DEFAULT_TTL_MS = 2 * 60_000;
/** Lease objects are numbered; the highest number is the lease, lower ones are stale leftovers. */
const GEN_DIGITS = 12;
const ATTEMPTS = 5;

/**
 * A lease on some work in the lake (a collection's checkpoint, the process stage), so that two
 * tweetpipe processes never do it at once: the second is refused with a `BusyError` naming the
 * holder, instead of landing the same pages twice (and paying for them twice).
 *
 * The lease is an object under `_state/leases/<name>/`, numbered; taking one writes the next number
 * with `putIfAbsent`, so of two racing takers exactly one wins. The holder renews it every quarter
 * of its lifetime. A lease is free when it has expired, or at once when its holder was a process
 * on this host that is gone (a crash, `kill -9`); a holder that finds its lease taken over stops
 * with a `FatalError` at its next `assertHeld`.
 */
export class Lease {
  #lost: string | undefined;
  #renewing: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly lake: Lake,
    readonly record: LeaseRecord,
    private readonly gen: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.#timer = setInterval(() => {
      this.#renewing = this.#renewing.then(() => this.#renew());
    }, ttlMs / 4);
    this.#timer.unref();
  }

  /** Throws when the lease was lost (taken over after it expired); call before each write it guards. */
  assertHeld(): void {
    if (this.#lost) throw new FatalError(this.#lost);
  }

  /** Gives the lease up (nothing to do when it was lost). */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
    if (!this.#lost) await this.lake.delete(leaseKey(this.record.name, this.gen));
  }

  async #renew(): Promise<void> {
    if (this.#lost) return;
    const key = leaseKey(this.record.name, this.gen);
    try {
      const gens = await leaseGens(this.lake, this.record.name);
      if (!gens.includes(this.gen) || gens.some((g) => g > this.gen)) {
        this.#lost = `${this.record.what}: another process took this work over after this one's lease in ${this.lake.uri} lapsed; stopped before writing more`;
        return;
      }
      this.record.expires_at = new Date(this.now() + this.ttlMs).toISOString();
      await this.lake.put(key, JSON.stringify(this.record));
    } catch (error) {
      // The lake may be out of reach for a moment; the lease only counts as lost once it has expired.
      if (this.now() > Date.parse(this.record.expires_at)) {
        this.#lost = `${this.record.what}: the lease in ${this.lake.uri} could not be renewed before it expired (${(error as Error).message})`;
      }
    }
  }
}

/**
 * Takes the lease `name` for `what`, or throws `BusyError` when a live holder has it. Release it in
 * a `finally` (`withLease` does).
 */
export async function acquireLease(
  lake: Lake,
  name: string,
  what: string,
  options: LeaseOptions = {},
): Promise<Lease> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const now = options.now ?? Date.now;
  let holder: LeaseRecord | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const gens = await leaseGens(lake, name);
    const top = gens.at(-1) ?? 0;
    holder =
      top > 0 ? await getJson<LeaseRecord>(lake, leaseKey(name, top)).catch(() => undefined) : undefined;
    const at = now();
    if (holder && isLive(holder, at)) throw busy(what, holder);
    const record: LeaseRecord = {
      name,
      what,
      host: hostname(),
      pid: process.pid,
      acquired_at: new Date(at).toISOString(),
      expires_at: new Date(at + ttlMs).toISOString(),
    };
    if (await lake.putIfAbsent(leaseKey(name, top + 1), JSON.stringify(record))) {
      // Older numbers are leases that lapsed or were released while being read: leftovers.
      for (const g of gens) await lake.delete(leaseKey(name, g));
      return new Lease(lake, record, top + 1, ttlMs, now);
    }
  }
  throw holder
    ? busy(what, holder)
    : new BusyError(`${what}: another process keeps taking its lease; try again`);
}

/** Runs `fn` holding the lease `name`; the lease is released however `fn` ends. */
export async function withLease<T>(
  lake: Lake,
  name: string,
  what: string,
  fn: (lease: Lease) => Promise<T>,
  options: LeaseOptions = {},
): Promise<T> {
  const lease = await acquireLease(lake, name, what, options);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

/** The leases held right now (by live holders), for `tweetpipe status`. */
export async function liveLeases(lake: Lake, now = Date.now()): Promise<LeaseRecord[]> {
  const top = new Map<string, number>();
  for (const { key } of await lake.list(leasePrefix(''))) {
    const lease = parseLeaseKey(key);
    if (lease && lease.gen > (top.get(lease.name) ?? 0)) top.set(lease.name, lease.gen);
  }
  const held: LeaseRecord[] = [];
  for (const [name, gen] of top) {
    const record = await getJson<LeaseRecord>(lake, leaseKey(name, gen)).catch(() => undefined);
    if (record && isLive(record, now)) held.push(record);
  }
  return held;
}

/** Whether the holder still counts: not expired, and not a process of this host that is gone. */
function isLive(holder: LeaseRecord, now: number): boolean {
  if (!(now <= Date.parse(holder.expires_at))) return false;
  if (holder.host !== hostname() || holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

function busy(what: string, holder: LeaseRecord): BusyError {
  const time = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');
  const doing = holder.what === what ? '' : `${holder.what}, `;
  return new BusyError(
    `${what}: another tweetpipe process is running it (${doing}pid ${holder.pid} on ${holder.host}, since ${time(holder.acquired_at)}), ` +
      `so this one stopped before it. Run again when that one has finished; if it is gone, its lease lapses at ${time(holder.expires_at)}.`,
  );
}

async function leaseGens(lake: Lake, name: string): Promise<number[]> {
  return (await lake.list(`${leasePrefix(name)}/`))
    .map((o) => parseLeaseKey(o.key))
    .filter((lease) => lease?.name === name)
    .map((lease) => lease!.gen)
    .sort((a, b) => a - b);
}

/** `_state/leases/<name>/<number>.json` → its name and number. */
function parseLeaseKey(key: string): { name: string; gen: number } | undefined {
  const prefix = leasePrefix('');
  const match = /^(.+)\/(\d+)\.json$/.exec(key.slice(prefix.length));
  return key.startsWith(prefix) && match ? { name: match[1]!, gen: Number(match[2]) } : undefined;
}

function leaseKey(name: string, gen: number): string {
  return `${leasePrefix(name)}/${String(gen).padStart(GEN_DIGITS, '0')}.json`;
}
