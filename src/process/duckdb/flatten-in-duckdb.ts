import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { textAsJson, textFromJson } from '../../core/duckdb-text.js';
import type { ProcessedTable } from '../../schema/tables.js';
import { normalizeTag, normalizeText, urlDomain } from '../clean/clean-text.js';
import { placeEntities } from '../clean/place-entities.js';
import type { BatchStats } from '../flatten-batch.js';
import { quoteString } from './duckdb-sql.js';
import { HAS_LOWER_CASE_EXCEPTION, LANDING_COLUMNS, MACROS, USER_STRUCTURE } from './landing-sql.js';
import { stageJson } from './stage-json.js';

/** The batch flattened inside DuckDB: a SELECT per processed table, and the reconciliation counts. */
export interface DuckDBFlattened {
  selects: Record<ProcessedTable, string>;
  stats: BatchStats;
}

/** Why DuckDB's path does not apply to a batch; the TypeScript flattener then handles it. */
export interface NotFlattened {
  fallback: string;
}

/** The fields of a post the tables take besides its text, entities and dates (kept for the tweets table). */
const POST_FIELDS = [
  'author_id',
  'conversation_id',
  'in_reply_to_user_id',
  'lang',
  'source',
  'possibly_sensitive',
  'reply_settings',
  'referenced_tweets',
  'public_metrics',
  'attachments',
  'geo',
  'edit_history_tweet_ids',
];

const ENTITY_KINDS = [
  { kind: 'hashtags', field: 'tag', prefix: '#' },
  { kind: 'cashtags', field: 'tag', prefix: '$' },
  { kind: 'mentions', field: 'username', prefix: '@' },
  { kind: 'urls', field: 'url', prefix: '' },
] as const;

/** Why a batch with a text `tp_clean` cannot clean (`NFC_UNSAFE`) goes to TypeScript. */
const NEWER_UNICODE = "a text with characters newer than DuckDB's Unicode data (NFC would differ)";

/** A landing line (one API response) longer than this fails the read and goes to TypeScript. */
const MAX_LINE_BYTES = 16 * 2 ** 20;

/**
 * Flattens a landing batch with DuckDB's JSON reader: the files are parsed once into typed
 * columns and the contract's rules run as SQL (on the 1,000,000-post benchmark, about a quarter
 * less time than parsing and flattening in JavaScript, and less memory). It applies only to clean
 * input — every line a JSON object with a `response` and an ISO `retrieved_at`, every post and
 * user with a valid id, timestamps in ISO form; anything else returns `{ fallback }` so the
 * TypeScript flattener can quarantine it with its reason. Values JavaScript and DuckDB could
 * compute differently (entity offsets that cleaning shifted, lower case of `İ`/`Σ`, unusual URLs,
 * NFKC tags) are computed in TypeScript, so both paths give the same rows.
 */
export async function flattenInDuckDB(
  conn: DuckDBConnection,
  files: string[],
  batchId: string,
  scratchDir: string,
): Promise<DuckDBFlattened | NotFlattened> {
  for (const macro of MACROS) await conn.run(macro);
  const list = `[${files.map(quoteString).join(', ')}]`;
  const columns = `{${Object.entries(LANDING_COLUMNS)
    .map(([k, v]) => `${k}: ${quoteString(v)}`)
    .join(', ')}}`;
  try {
    await conn.run(
      // (whether a line is usable and its partial errors, found while the line is at hand: checked
      // afterwards without scanning the responses again)
      `CREATE OR REPLACE TEMP TABLE tp_lines AS SELECT ordinality AS ln, tp_ts(retrieved_at) AS rts, response AS r, ` +
        `response IS NULL OR rts IS NULL AS unusable, len(response.errors) AS errors ` +
        `FROM read_json(${list}, format = 'newline_delimited', columns = ${columns}, ` +
        `maximum_object_size = ${MAX_LINE_BYTES}) WITH ORDINALITY`,
    );
  } catch (error) {
    return { fallback: `DuckDB's JSON reader: ${(error as Error).message.split('\n')[0]}` };
  }
  const lines = await one(
    conn,
    `SELECT count(*), count(*) FILTER (unusable), coalesce(sum(errors), 0) FROM tp_lines`,
  );
  if (lines[1] > 0) return { fallback: 'a line without a response object or an ISO retrieved_at' };

  // Every post seen (matches, then referenced posts, in line order); the latest retrieval wins,
  // ties going to the later occurrence; a post seen as a match stays a match.
  // Only the candidates' ids and places are stored: the winners' posts are taken from the
  // parsed lines once they are known, so every post is copied once, not twice.
  const unnested = (of: (list: string) => string) =>
    `SELECT ln, rts, 0 AS kind, generate_subscripts(r.data, 1) AS pos, unnest(${of('r.data')}) AS p FROM tp_lines ` +
    `UNION ALL SELECT ln, rts, 1, generate_subscripts(r.includes.tweets, 1), unnest(${of('r.includes.tweets')}) FROM tp_lines`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE tp_cand AS SELECT ln, rts, kind, pos, tp_id(p) AS id FROM (${unnested((list) => `list_transform(${list}, x -> x.id)`)})`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE tp_win AS SELECT id, bool_or(kind = 0) AS is_match, count(*) AS seen, ` +
      `arg_max({'ln': ln, 'kind': kind, 'pos': pos}, {'rts': rts, 'ln': ln, 'kind': kind, 'pos': pos}) AS at ` +
      `FROM tp_cand GROUP BY id`,
  );
  const cand = await one(conn, `SELECT coalesce(sum(seen), 0), count(*) FILTER (id IS NULL) FROM tp_win`);
  if (cand[1] > 0) return { fallback: 'a post without a valid id' };
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE tp_posts AS SELECT id, rts, is_match, {${POST_FIELDS.map((f) => `'${f}': p.${f}`).join(', ')}} AS p, ` +
      `tp_clean(CASE WHEN tp_str(p.note_tweet.text) IS NOT NULL THEN tp_str(p.note_tweet.text) ELSE coalesce(tp_str(p.text), '') END) AS text, ` +
      `CASE WHEN tp_str(p.note_tweet.text) IS NOT NULL THEN p.note_tweet.entities ELSE p.entities END AS ents, ` +
      `CASE WHEN p.created_at IS NULL THEN epoch_ms((id >> 22) + 1288834974657) ELSE tp_ts(p.created_at) END AS created_at ` +
      `FROM (SELECT w.id, c.rts, w.is_match, c.p FROM (${unnested((list) => list)}) c JOIN tp_win w ` +
      `ON c.ln = w.at.ln AND c.kind = w.at.kind AND c.pos = w.at.pos)`,
  );
  await conn.run('DROP TABLE tp_cand');
  await conn.run('DROP TABLE tp_win');
  const posts = await one(
    conn,
    `SELECT count(*), count(*) FILTER (created_at IS NULL), count(*) FILTER (text IS NULL) FROM tp_posts`,
  );
  if (posts[1] > 0) return { fallback: 'a post whose created_at is not an ISO timestamp' };
  if (posts[2] > 0) return { fallback: NEWER_UNICODE };

  // Entities (`found`: where each starts in the cleaned text, in code points): X's offset when the
  // surface form is exactly there, else its only occurrence in the text, which is then the nearest
  // as `placeEntities` looks for it (cleaning shifted the offset: `&amp;`, NFC, controls). A post
  // where some entity has neither, or two start at the same place, is placed in TypeScript.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE tp_ent AS SELECT k, id, pos, hint, val, surface, uid, expanded, display, created_date, ` +
      `CASE WHEN tp_nfc(surface) IS DISTINCT FROM surface THEN NULL ` +
      `WHEN hint >= 0 AND hint < 1e9 AND hint = floor(hint) ` +
      `AND substring(text, TRY_CAST(hint AS BIGINT) + 1, length(surface)) = surface THEN TRY_CAST(hint AS BIGINT) ` +
      `WHEN instr(text, surface) > 0 AND instr(substring(text, instr(text, surface) + 1), surface) = 0 ` +
      `THEN instr(text, surface) - 1 END AS found ` +
      `FROM (${ENTITY_KINDS.map(
        ({ kind, field, prefix }, k) =>
          `SELECT ${k} AS k, id, pos, text, created_date, tp_num(e."start") AS hint, tp_str(e.${field}) AS val, ` +
          `${prefix ? `${quoteString(prefix)} || ` : ''}tp_str(e.${field}) AS surface, ` +
          `${kind === 'mentions' ? 'tp_id(e.id)' : 'CAST(NULL AS BIGINT)'} AS uid, ` +
          `${kind === 'urls' ? 'tp_str(e.expanded_url)' : 'CAST(NULL AS VARCHAR)'} AS expanded, ` +
          `${kind === 'urls' ? 'tp_str(e.display_url)' : 'CAST(NULL AS VARCHAR)'} AS display ` +
          `FROM (SELECT id, text, CAST(created_at AS DATE) AS created_date, generate_subscripts(ents.${kind}, 1) AS pos, ` +
          `unnest(ents.${kind}) AS e FROM tp_posts)`,
      ).join(' UNION ALL ')}) WHERE val <> ''`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE tp_slow AS ` +
      `SELECT id FROM tp_ent GROUP BY id HAVING bool_and(found IS NOT NULL) IS NOT TRUE OR count(*) > count(DISTINCT found) ` +
      `UNION SELECT id FROM tp_posts WHERE regexp_matches(text, ${quoteString(HAS_LOWER_CASE_EXCEPTION)})`,
  );
  await stageSlowPosts(conn, scratchDir);
  await stageLookups(conn, scratchDir);

  const users = await flattenUsers(conn);
  if ('fallback' in users) return users;
  await flattenIncludes(conn);
  await conn.run('DROP TABLE tp_lines'); // everything needed is out of the parsed lines

  const selects = tableSelects(quoteString(batchId));
  return {
    selects,
    stats: {
      lines_read: lines[0],
      lines_quarantined: 0,
      posts_read: cand[0],
      posts_written: posts[0],
      posts_quarantined: 0,
      posts_duplicate: cand[0] - posts[0],
      users_read: users.read,
      users_quarantined: 0,
      partial_errors: lines[2],
    },
  };
}

/** Drops the tables `flattenInDuckDB` made (its SELECTs read them, so only after writing). */
export async function dropFlattened(conn: DuckDBConnection): Promise<void> {
  const made = await conn.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'tp_')`,
  );
  for (const [table] of made.getRows()) await conn.run(`DROP TABLE IF EXISTS ${String(table)}`);
}

/** The posts DuckDB cannot place exactly: cleaned text, entities placed and text normalized in TypeScript. */
async function stageSlowPosts(conn: DuckDBConnection, dir: string): Promise<void> {
  // (text as JSON: a leading U+FEFF dropped would shift every offset of the post)
  const slow = await conn.runAndReadAll(
    `SELECT CAST(id AS VARCHAR), ${textAsJson('text')}, CAST(to_json(ents) AS VARCHAR) FROM tp_posts WHERE id IN (SELECT id FROM tp_slow)`,
  );
  const texts: [string, string][] = [];
  const positions: [number, string, number, number, number][] = [];
  for (const [id, textJson, ents] of slow.getRows() as [string, string, string | null][]) {
    const text = textFromJson(textJson);
    texts.push([id, normalizeText(text)]);
    const placed = placeEntities(text, ents === null ? {} : JSON.parse(ents));
    ENTITY_KINDS.forEach(({ kind }, k) => {
      for (const e of placed[kind]) positions.push([k, id, e.index + 1, e.start, e.end]);
    });
  }
  await stage(conn, dir, 'tp_slow_text', texts, { id: 'BIGINT', normalized: 'VARCHAR' });
  await stage(conn, dir, 'tp_slow_pos', positions, {
    k: 'INTEGER',
    id: 'BIGINT',
    pos: 'BIGINT',
    ps: 'INTEGER',
    pe: 'INTEGER',
  });
}

/** `tag_normalized` (NFKC) for every distinct tag, and `domain` for URLs that are not plain, from TypeScript. */
async function stageLookups(conn: DuckDBConnection, dir: string): Promise<void> {
  // (as JSON, so that a key starting with U+FEFF matches `tp_ent`)
  const tags = await conn.runAndReadAll(`SELECT DISTINCT ${textAsJson('val')} FROM tp_ent WHERE k IN (0, 1)`);
  const urls = await conn.runAndReadAll(
    `SELECT DISTINCT ${textAsJson('coalesce(expanded, val)')} FROM tp_ent WHERE k = 3 AND NOT coalesce(tp_plain_url(coalesce(expanded, val)), false)`,
  );
  const map: [string, string, string | null][] = [];
  for (const tag of (tags.getRows() as [string][]).map(([json]) => textFromJson(json)))
    map.push(['tag', tag, normalizeTag(tag)]);
  for (const url of (urls.getRows() as [string][]).map(([json]) => textFromJson(json)))
    map.push(['url', url, urlDomain(url)]);
  await stage(conn, dir, 'tp_map', map, { kind: 'VARCHAR', key: 'VARCHAR', value: 'VARCHAR' });
}

/** Users: the latest retrieval wins, ties going to the later occurrence (one row per account). */
async function flattenUsers(conn: DuckDBConnection): Promise<{ read: number } | NotFlattened> {
  // Users are read as raw JSON and only the winner of each account is typed (`USER_STRUCTURE`);
  // a user that is not an object has no id.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE tp_users AS SELECT id, seen, bad, {'u': json_transform(w.u, ${quoteString(USER_STRUCTURE)}), 'rts': w.rts} AS w FROM (` +
      `SELECT tp_id(f[1]) AS id, count(*) AS seen, ` +
      `bool_or(f[2] ->> '$' IS NOT NULL AND tp_ts(f[2] ->> '$') IS NULL) AS bad, ` +
      `arg_max({'u': u, 'rts': rts}, {'rts': rts, 'ln': ln, 'pos': pos}) AS w FROM (` +
      `SELECT ln, rts, pos, u, json_extract(u, ['$.id', '$.created_at']) AS f FROM (` +
      `SELECT ln, rts, generate_subscripts(r.includes.users, 1) AS pos, unnest(r.includes.users) AS u FROM tp_lines)) ` +
      `GROUP BY 1)`,
  );
  const [read, bad, newer] = await one(
    conn,
    `SELECT coalesce(sum(seen), 0), count(*) FILTER (id IS NULL OR bad), ` +
      `count(*) FILTER (tp_str(w.u.description) IS NOT NULL AND tp_clean(tp_str(w.u.description)) IS NULL) FROM tp_users`,
  );
  if (bad > 0) return { fallback: 'a user without a valid id or with a created_at that is not ISO' };
  if (newer > 0) return { fallback: NEWER_UNICODE };
  return { read };
}

/** Media and places: the last occurrence in the batch wins (as in the TypeScript flattener). */
async function flattenIncludes(conn: DuckDBConnection): Promise<void> {
  for (const [table, list, key] of [
    ['tp_media', 'media', 'media_key'],
    ['tp_places', 'places', 'id'],
  ] as const) {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT key, arg_max({'v': v, 'rts': rts}, {'ln': ln, 'pos': pos}) AS w ` +
        `FROM (SELECT ln, rts, generate_subscripts(r.includes.${list}, 1) AS pos, unnest(r.includes.${list}) AS v FROM tp_lines) ` +
        `, LATERAL (SELECT tp_str(v.${key}) AS key) WHERE key IS NOT NULL GROUP BY key`,
    );
  }
}

/** The SELECT of every processed table, columns in the contract's order and types. */
function tableSelects(batch: string): Record<ProcessedTable, string> {
  // The first referenced post of a type: its place in `ref_types` (the types, computed once per post).
  const has = (type: string) => `coalesce(list_position(ref_types, '${type}') > 0, false)`;
  const ref = (type: string) => `p.referenced_tweets[list_position(ref_types, '${type}')]`;
  // Entities with a value, as `tp_ent` holds them (one GROUP BY instead of a list filter per kind).
  const count = (k: number) => `CAST(coalesce(counted.n${k}, 0) AS INTEGER)`;
  // A counter is rounded to an integer; one its column cannot hold is NULL, like one of another type.
  const int = (json: string, type = 'BIGINT') => `TRY_CAST(tp_num(${json}) AS ${type})`;
  const place = (k: number) =>
    `SELECT tp_ent.id AS tweet_id, val, uid, expanded, display, ` +
    `coalesce(sp.ps, CAST(found AS INTEGER)) AS start_index, coalesce(sp.pe, CAST(found AS INTEGER) + length(surface)) AS end_index, ` +
    `tp_ent.created_date FROM tp_ent ` +
    `LEFT JOIN tp_slow_pos sp ON sp.k = ${k} AND sp.id = tp_ent.id AND sp.pos = tp_ent.pos WHERE tp_ent.k = ${k}`;
  const tags = (k: number) =>
    `SELECT tweet_id, val AS tag, m.value AS tag_normalized, start_index, end_index, created_date ` +
    `FROM (${place(k)}) LEFT JOIN tp_map m ON m.kind = 'tag' AND m.key = val`;
  const u = (field: string) => `tp_str(w.u.${field}) AS ${field}`;
  const v = (field: string) => `tp_str(w.v.${field}) AS ${field}`;
  return {
    tweets:
      `SELECT id AS tweet_id, tp_id(p.author_id) AS author_id, tp_id(p.conversation_id) AS conversation_id, ` +
      `tp_id(p.in_reply_to_user_id) AS in_reply_to_user_id, created_at, CAST(created_at AS DATE) AS created_date, ` +
      `rts AS retrieved_at, text, CASE WHEN n.normalized IS NULL THEN tp_norm(text) ELSE n.normalized END AS text_normalized, ` +
      `nullif(tp_str(p.lang), 'und') AS lang, tp_str(p.source) AS source, tp_bool(p.possibly_sensitive) AS possibly_sensitive, ` +
      `tp_str(p.reply_settings) AS reply_settings, ${has('retweeted')} AS is_retweet, ${has('replied_to')} AS is_reply, ` +
      `${has('quoted')} AS is_quote, tp_id(${ref('retweeted')}.id) AS retweeted_tweet_id, ` +
      `tp_id(${ref('quoted')}.id) AS quoted_tweet_id, tp_id(${ref('replied_to')}.id) AS replied_to_tweet_id, ` +
      ['retweet_count', 'reply_count', 'like_count', 'quote_count', 'impression_count', 'bookmark_count']
        .map((m) => `${int(`p.public_metrics.${m}`)} AS ${m}, `)
        .join('') +
      `${count(0)} AS hashtag_count, ${count(2)} AS mention_count, ` +
      `${count(3)} AS url_count, CAST(coalesce(len(p.attachments.media_keys), 0) AS INTEGER) AS media_count, ` +
      `tp_str(p.geo.place_id) AS place_id, coalesce(tp_id(p.edit_history_tweet_ids[-1]), id) AS latest_version_id, ` +
      `coalesce(len(p.edit_history_tweet_ids), 0) > 1 AS is_edited, ` +
      `CASE WHEN is_match THEN 'match' ELSE 'reference' END AS collected_via, ${batch} AS batch_id ` +
      `FROM (SELECT *, list_transform(p.referenced_tweets, x -> tp_str(x.type)) AS ref_types FROM tp_posts) ` +
      `LEFT JOIN tp_slow_text n USING (id) LEFT JOIN (SELECT id, count(*) FILTER (k = 0) AS n0, ` +
      `count(*) FILTER (k = 2) AS n2, count(*) FILTER (k = 3) AS n3 FROM tp_ent GROUP BY id) AS counted USING (id)`,
    users:
      `SELECT id AS user_id, ${u('username')}, ${u('name')}, tp_clean(tp_str(w.u.description)) AS description, ` +
      `${u('location')}, ${u('url')}, ${u('profile_image_url')}, tp_ts(w.u.created_at) AS created_at, ` +
      `tp_bool(w.u.verified) AS verified, ${u('verified_type')}, tp_bool(w.u.protected) AS protected, ` +
      ['followers_count', 'following_count', 'tweet_count', 'listed_count', 'like_count']
        .map((m) => `${int(`w.u.public_metrics.${m}`)} AS ${m}, `)
        .join('') +
      `w.rts AS retrieved_at, ${batch} AS batch_id ` +
      `FROM tp_users`,
    tweet_hashtags: tags(0),
    tweet_cashtags: tags(1),
    tweet_mentions: `SELECT tweet_id, uid AS user_id, val AS username, start_index, end_index, created_date FROM (${place(2)})`,
    tweet_urls:
      `SELECT tweet_id, val AS url, expanded AS expanded_url, display AS display_url, ` +
      `CASE WHEN m.key IS NULL THEN tp_domain(coalesce(expanded, val)) ELSE m.value END AS domain, ` +
      `start_index, end_index, created_date FROM (${place(3)}) ` +
      `LEFT JOIN tp_map m ON m.kind = 'url' AND m.key = coalesce(expanded, val)`,
    tweet_references:
      `SELECT id AS tweet_id, tp_id(x.id) AS referenced_tweet_id, tp_str(x.type) AS reference_type, created_date ` +
      `FROM (SELECT id, CAST(created_at AS DATE) AS created_date, unnest(p.referenced_tweets) AS x FROM tp_posts) ` +
      `WHERE tp_id(x.id) IS NOT NULL AND tp_str(x.type) IS NOT NULL`,
    media:
      `SELECT key AS media_key, ${v('type')}, ${v('url')}, ${v('preview_image_url')}, ` +
      `${int('w.v.width', 'INTEGER')} AS width, ${int('w.v.height', 'INTEGER')} AS height, ` +
      `${int('w.v.duration_ms')} AS duration_ms, ${v('alt_text')}, ${int('w.v.public_metrics.view_count')} AS view_count, ` +
      `w.rts AS retrieved_at, ${batch} AS batch_id FROM tp_media`,
    tweet_media:
      `SELECT id AS tweet_id, tp_str(k) AS media_key, created_date ` +
      `FROM (SELECT id, CAST(created_at AS DATE) AS created_date, unnest(p.attachments.media_keys) AS k FROM tp_posts) ` +
      `WHERE tp_str(k) IS NOT NULL`,
    places:
      `SELECT key AS place_id, ${v('full_name')}, ${v('name')}, ${v('country')}, ${v('country_code')}, ${v('place_type')}, ` +
      ['bbox_west', 'bbox_south', 'bbox_east', 'bbox_north']
        .map((c, i) => `tp_num(w.v.geo.bbox[${i + 1}]) AS ${c}, `)
        .join('') +
      `w.rts AS retrieved_at, ${batch} AS batch_id FROM tp_places`,
  };
}

/** Rows computed in TypeScript, into a DuckDB table through a JSON file. */
async function stage(
  conn: DuckDBConnection,
  dir: string,
  table: string,
  rows: unknown[][],
  columns: Record<string, string>,
): Promise<void> {
  const select = await stageJson(path.join(dir, `${table}.json`), rows, Object.entries(columns));
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${select}`);
}

/** The first three values of a query's first row, as numbers (0 where absent). */
async function one(conn: DuckDBConnection, sql: string): Promise<[number, number, number]> {
  const row = (await conn.runAndReadAll(sql)).getRows()[0] ?? [];
  return [0, 1, 2].map((i) => Number(row[i] ?? 0)) as [number, number, number];
}
