import type { Warehouse } from '../load/warehouse.js';
import { n } from './format.js';

/** Two or three answers from the warehouse, to show it holds what was collected. */
export async function warehouseAnswers(warehouse: Warehouse): Promise<string[]> {
  const lines: string[] = [];
  const tags = await warehouse.query(
    `SELECT h.tag_normalized AS tag, count(*) AS posts FROM bridge_tweet_hashtags h
     JOIN fact_tweets t ON t.tweet_id = h.tweet_id WHERE t.collected_via = 'match'
     GROUP BY 1 ORDER BY posts DESC, tag LIMIT 5`,
  );
  lines.push(
    `Top hashtags:        ${tags.map((r) => `#${r.tag} (${n(r.posts)})`).join(', ') || '(none yet)'}`,
  );
  const days = await warehouse.query(
    `SELECT d.date AS day, count(*) AS posts FROM fact_tweets t JOIN dim_date d ON d.date_key = t.date_key
     WHERE t.collected_via = 'match' GROUP BY 1 ORDER BY 1 DESC LIMIT 8`,
  );
  const dayText = days
    .reverse()
    .map((r) => `${String(r.day instanceof Date ? r.day.toISOString() : r.day).slice(5, 10)}: ${n(r.posts)}`)
    .join(', ');
  lines.push(`Posts per day:       ${dayText || '(none yet)'}`);
  const authors = await warehouse.query(
    `SELECT u.username, count(*) AS posts FROM fact_tweets t JOIN dim_users u ON u.user_id = t.author_id
     WHERE t.collected_via = 'match' GROUP BY 1 ORDER BY posts DESC, username LIMIT 5`,
  );
  lines.push(
    `Most active authors: ${authors.map((r) => `@${r.username} (${n(r.posts)})`).join(', ') || '(none yet)'}`,
  );
  return lines;
}
