import type { Settings } from '../config/settings.js';
import { ConfigError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { XClient } from './x-client.js';

export interface DayCount {
  day: string;
  posts: number;
}

export interface Estimate {
  query: string;
  archive: boolean;
  days: DayCount[];
  posts: number;
  /** Posts × the post price: the least collecting them costs. */
  postsUsd: number;
  /** With one author per post at the user price (expansions), an upper bound for new authors. */
  withAuthorsUsd: number;
}

/**
 * Volume per day and what collecting it would cost, from `/2/tweets/counts/recent` (7 days) or
 * `/2/tweets/counts/all` (with `archive`, paged by 31 days). Counts are not billed as post reads.
 */
export async function estimate(
  settings: Settings,
  query: string,
  options: { archive?: boolean; startTime?: string; endTime?: string; progress?: Progress },
): Promise<Estimate> {
  if (!settings.bearerToken)
    throw new ConfigError('X_BEARER_TOKEN', `is not set; it is needed to call ${settings.apiUrl}`);
  const archive = options.archive ?? settings.archive;
  const client = new XClient({
    baseUrl: settings.apiUrl,
    bearer: settings.bearerToken,
    progress: options.progress,
  });
  const path = archive ? '/2/tweets/counts/all' : '/2/tweets/counts/recent';
  const byDay = new Map<string, number>();
  let token: string | undefined;
  do {
    const r = await client.get(path, {
      query,
      granularity: 'day',
      start_time: options.startTime ?? settings.startTime,
      end_time: options.endTime ?? settings.endTime,
      next_token: token,
    });
    for (const b of (r.json.data ?? []) as { start: string; tweet_count: number }[]) {
      const day = b.start.slice(0, 10);
      byDay.set(day, (byDay.get(day) ?? 0) + b.tweet_count);
    }
    const meta = (r.json.meta ?? {}) as { next_token?: string };
    token = meta.next_token;
    options.progress?.update(`estimate: ${byDay.size} days counted`);
  } while (token);
  const days = [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, posts]) => ({ day, posts }));
  const posts = days.reduce((n, d) => n + d.posts, 0);
  return {
    query,
    archive,
    days,
    posts,
    postsUsd: posts * settings.prices.postRead,
    withAuthorsUsd: posts * (settings.prices.postRead + settings.prices.userRead),
  };
}
