import { isoTimeMs } from '../core/iso-time.js';
import { snowflakeId, snowflakeTime } from '../core/snowflake.js';
import { invalidRequest, type Problem } from './problems.js';

/** The time and ID bounds of a search-like request, validated as X validates them. */
export interface RequestWindow {
  /** Inclusive lower bound on `created_at` (epoch ms). */
  lower: number;
  /** Exclusive upper bound on `created_at` (epoch ms). */
  upper: number;
  /** Only IDs greater than this. */
  since: bigint;
  /** Only IDs smaller than this (also the page cursor). */
  until: bigint;
}

export interface WindowRules {
  nowMs: number;
  /** Oldest time the endpoint serves (recent search: now − 7 days). */
  oldestMs: number;
  /** `start_time` when none is given (full-archive search: 30 days before `end_time`). */
  defaultStartMs?: (upper: number) => number;
  /** Whether `since_id` must be newer than `oldestMs` (recent search only). */
  sinceWithinWindow: boolean;
  /** Name of the cursor parameter. */
  tokenParam: 'next_token' | 'pagination_token';
}

/** Encodes a page cursor: opaque to clients, like X's `next_token`. */
export function encodeToken(lastId: string): string {
  return `tp${BigInt(lastId).toString(36)}`;
}

function decodeToken(token: string): bigint | undefined {
  if (!/^tp[0-9a-z]{1,14}$/.test(token)) return undefined;
  let n = 0n;
  for (const c of token.slice(2)) n = n * 36n + BigInt(Number.parseInt(c, 36));
  return n;
}

/** Reads `start_time`, `end_time`, `since_id`, `until_id` and the cursor; a Problem when one is invalid. */
export function readWindow(params: URLSearchParams, rules: WindowRules): RequestWindow | Problem {
  const { nowMs, oldestMs } = rules;
  let upper = nowMs + 1;
  const end = params.get('end_time');
  if (end !== null) {
    const t = isoTimeMs(end);
    if (t === undefined)
      return invalidRequest(`Invalid 'end_time':'${end}'. 'end_time' must be a valid ISO 8601 timestamp.`, {
        end_time: [end],
      });
    if (t > nowMs - 10_000) {
      return invalidRequest(
        `Invalid 'end_time':'${end}'. 'end_time' must be a minimum of 10 seconds prior to the request time.`,
        { end_time: [end] },
      );
    }
    upper = t;
  }
  let lower = rules.defaultStartMs ? Math.max(oldestMs, rules.defaultStartMs(upper)) : oldestMs;
  const start = params.get('start_time');
  if (start !== null) {
    const t = isoTimeMs(start);
    if (t === undefined)
      return invalidRequest(
        `Invalid 'start_time':'${start}'. 'start_time' must be a valid ISO 8601 timestamp.`,
        { start_time: [start] },
      );
    if (t < oldestMs) {
      return invalidRequest(
        `Invalid 'start_time':'${start}'. 'start_time' must be on or after ${new Date(oldestMs).toISOString()}`,
        { start_time: [start] },
      );
    }
    lower = t;
  }
  if (upper <= lower)
    return invalidRequest(`Invalid 'end_time':'${end}'. 'end_time' must be after 'start_time'.`, {
      end_time: [end ?? ''],
    });

  const sinceRaw = params.get('since_id');
  const untilRaw = params.get('until_id');
  for (const [name, raw] of [
    ['since_id', sinceRaw],
    ['until_id', untilRaw],
  ] as const) {
    if (raw !== null && !/^\d{1,19}$/.test(raw))
      return invalidRequest(`The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$`, {
        [name]: [raw],
      });
  }
  if (sinceRaw !== null && rules.sinceWithinWindow && snowflakeTime(sinceRaw) < oldestMs) {
    return invalidRequest(
      `Invalid 'since_id':'${sinceRaw}'. 'since_id' must be a tweet id created after ${new Date(oldestMs).toISOString()}. Please use a 'since_id' that is larger than ${snowflakeId(oldestMs, 0)}`,
      { since_id: [sinceRaw] },
    );
  }
  const since = sinceRaw === null ? -1n : BigInt(sinceRaw);
  let until = untilRaw === null ? 1n << 63n : BigInt(untilRaw);
  const tokenRaw = params.get(rules.tokenParam) ?? params.get('next_token');
  if (tokenRaw !== null) {
    const cursor = decodeToken(tokenRaw);
    if (cursor === undefined)
      return invalidRequest(`The \`${rules.tokenParam}\` query parameter value [${tokenRaw}] is not valid`, {
        [rules.tokenParam]: [tokenRaw],
      });
    if (cursor < until) until = cursor;
  }
  return { lower, upper, since, until };
}

/** Validates `max_results` against the endpoint's range. */
export function readMaxResults(
  params: URLSearchParams,
  min: number,
  max: number,
  fallback: number,
): number | Problem {
  const raw = params.get('max_results') ?? String(fallback);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    return invalidRequest(
      `The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`,
      { max_results: [raw] },
    );
  }
  return n;
}

/** Refuses parameters the endpoint does not know, as X does. */
export function checkParams(params: URLSearchParams, allowed: readonly string[]): Problem | undefined {
  for (const key of params.keys()) {
    if (!allowed.includes(key))
      return invalidRequest(`The query parameter [${key}] is not one of [${allowed.join(',')}]`, {
        [key]: [params.get(key) ?? ''],
      });
  }
  return undefined;
}

export function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'status' in x && 'body' in x;
}
