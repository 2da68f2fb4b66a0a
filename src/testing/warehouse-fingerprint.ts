import { openWarehouse } from '../load/index.js';
import type { TempWorkspace } from './temp-workspace.js';

/** Runs one query on the workspace's DuckDB warehouse. */
export async function query(ws: TempWorkspace, sql: string) {
  const wh = await openWarehouse(`duckdb://${ws.warehousePath}`);
  try {
    return await wh.query(sql);
  } finally {
    await wh.close();
  }
}

/** A fingerprint of the warehouse: row counts per table and the exact set of match posts. */
export async function fingerprint(ws: TempWorkspace) {
  const tables = [
    'fact_tweets',
    'dim_users',
    'dim_media',
    'dim_places',
    'dim_date',
    'bridge_tweet_hashtags',
    'bridge_tweet_cashtags',
    'tweet_mentions',
    'tweet_urls',
    'tweet_references',
    'tweet_media',
  ];
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await query(ws, `SELECT count(*) AS c FROM ${t}`))[0]!.c);
  const ids = (
    await query(
      ws,
      "SELECT tweet_id::VARCHAR AS id FROM fact_tweets WHERE collected_via = 'match' ORDER BY 1",
    )
  ).map((r) => r.id);
  return { counts, ids };
}
