import { openWarehouse, type Warehouse } from '../load/index.js';
import type { TempWorkspace } from './temp-workspace.js';

const TABLES = [
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

/** A warehouse to look into: the workspace's DuckDB file, any warehouse URI, or an open warehouse. */
type Where = TempWorkspace | string | Warehouse;

const uriOf = (where: TempWorkspace | string) =>
  typeof where === 'string' ? where : `duckdb://${where.warehousePath}`;

/** Runs one query on a warehouse. */
export async function query(where: Where, sql: string) {
  if (typeof where === 'object' && 'query' in where) return where.query(sql);
  const wh = await openWarehouse(uriOf(where));
  try {
    return await wh.query(sql);
  } finally {
    await wh.close();
  }
}

/** A fingerprint of the warehouse: row counts per table and the exact set of match posts. */
export async function fingerprint(where: Where) {
  const counts: Record<string, number> = {};
  for (const t of TABLES) counts[t] = Number((await query(where, `SELECT count(*) AS c FROM ${t}`))[0]!.c);
  const ids = (
    await query(
      where,
      "SELECT tweet_id::VARCHAR AS id FROM fact_tweets WHERE collected_via = 'match' ORDER BY 1",
    )
  ).map((r) => r.id);
  return { counts, ids };
}

/** Chosen columns of every post, as strings (NULL kept), in key order: for comparing warehouses value by value. */
export async function factRows(where: Where) {
  const rows = await query(
    where,
    `SELECT tweet_id::VARCHAR AS id, text, text_normalized, lang, like_count::VARCHAR AS likes,
            date_key::VARCHAR AS day, collected_via, place_id FROM fact_tweets ORDER BY tweet_id`,
  );
  return rows.map((r) => Object.values(r).map((v) => (v === null || v === undefined ? null : String(v))));
}
