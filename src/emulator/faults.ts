import { Random } from './random.js';

/** A fault the emulator applies to one upcoming request, for tests of a client's resilience. */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number }
  | { kind: 'rate-limit'; resetInSeconds: number }
  | { kind: 'usage-capped' }
  | { kind: 'drop' }
  | { kind: 'truncate' }
  | { kind: 'slow'; ms: number }
  | { kind: 'stream-drop'; afterMessages: number }
  | { kind: 'stream-stall'; afterMessages: number };

/** Faults to inject: a queue applied in order, then (optionally) random faults at a rate. */
export interface FaultPlan {
  queue: Fault[];
  /** Probability (0–1) that a request without a queued fault gets a random one. */
  randomRate: number;
  seed: number;
}

const HELP = `"429", "5xx", "503", "drop", "truncate", "slow:MS", "usage-capped", "stream-drop:N", "stream-stall:N", each optionally "*COUNT", or "random:RATE"`;

/**
 * Parses a fault list such as `429*3,5xx*2,slow:1500,truncate,stream-drop:5,random:0.2`.
 * Throws an Error naming the bad item (the CLI turns it into a ConfigError).
 */
export function parseFaults(spec: string, seed = 1): FaultPlan {
  const plan: FaultPlan = { queue: [], randomRate: 0, seed };
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [item, countRaw] = raw.split('*') as [string, string | undefined];
    const count = countRaw === undefined ? 1 : Number(countRaw);
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`fault "${raw}": count must be a positive integer`);
    const [kind, arg] = item.split(':') as [string, string | undefined];
    const num = (fallback: number) => {
      const n = arg === undefined ? fallback : Number(arg);
      if (!Number.isFinite(n) || n < 0) throw new Error(`fault "${raw}": "${arg}" is not a number`);
      return n;
    };
    let fault: Fault;
    if (kind === 'random') {
      plan.randomRate = num(0.1);
      if (plan.randomRate > 1) throw new Error(`fault "${raw}": the rate is between 0 and 1`);
      continue;
    }
    if (kind === '429') fault = { kind: 'rate-limit', resetInSeconds: num(1) };
    else if (kind === '5xx') fault = { kind: 'status', status: 503 };
    else if (/^5\d\d$/.test(kind)) fault = { kind: 'status', status: Number(kind) };
    else if (kind === 'drop') fault = { kind: 'drop' };
    else if (kind === 'truncate') fault = { kind: 'truncate' };
    else if (kind === 'slow') fault = { kind: 'slow', ms: num(2000) };
    else if (kind === 'usage-capped') fault = { kind: 'usage-capped' };
    else if (kind === 'stream-drop') fault = { kind: 'stream-drop', afterMessages: num(5) };
    else if (kind === 'stream-stall') fault = { kind: 'stream-stall', afterMessages: num(5) };
    else throw new Error(`fault "${raw}" is not one of ${HELP}`);
    for (let i = 0; i < count; i++) plan.queue.push(fault);
  }
  return plan;
}

/** Hands out faults: queued ones first, then random ones (never usage-capped) at the plan's rate. */
export class FaultSource {
  readonly #queue: Fault[];
  readonly #random: Random;
  constructor(readonly plan: FaultPlan = { queue: [], randomRate: 0, seed: 1 }) {
    this.#queue = [...plan.queue];
    this.#random = new Random(plan.seed, 99, 0);
  }

  push(...faults: Fault[]): void {
    this.#queue.push(...faults);
  }

  next(): Fault | undefined {
    const queued = this.#queue.shift();
    if (queued) return queued;
    if (this.plan.randomRate <= 0) return undefined;
    if (this.#random.next() >= this.plan.randomRate) return undefined;
    const pick = this.#random.int(0, 4);
    return (
      [
        { kind: 'status', status: 503 },
        { kind: 'rate-limit', resetInSeconds: 1 },
        { kind: 'drop' },
        { kind: 'truncate' },
        { kind: 'slow', ms: 300 },
      ] as const
    )[pick];
  }
}
