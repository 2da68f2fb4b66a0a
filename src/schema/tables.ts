/**
 * The processed tables of the data contract (shared/design/data-model.md), as one table of
 * columns that every engine and warehouse builds its DDL and row layout from.
 *
 * Column kinds: `id` 64-bit X ID (decimal string in TypeScript, BIGINT in SQL), `text`, `int`
 * (BIGINT), `int32` (INTEGER), `bool`, `ts` (UTC timestamp), `date`, `double`.
 */
export type ColumnKind = 'id' | 'text' | 'int' | 'int32' | 'bool' | 'ts' | 'date' | 'double';

export interface TableSpec {
  name: string;
  columns: readonly (readonly [string, ColumnKind])[];
  /** Partitioned by `created_date` (child tables carry their post's date). */
  partitioned: boolean;
}

const tagColumns = [
  ['tweet_id', 'id'],
  ['tag', 'text'],
  ['tag_normalized', 'text'],
  ['start_index', 'int32'],
  ['end_index', 'int32'],
  ['created_date', 'date'],
] as const;

export const TABLES = {
  tweets: {
    name: 'tweets',
    partitioned: true,
    columns: [
      ['tweet_id', 'id'],
      ['author_id', 'id'],
      ['conversation_id', 'id'],
      ['in_reply_to_user_id', 'id'],
      ['created_at', 'ts'],
      ['created_date', 'date'],
      ['retrieved_at', 'ts'],
      ['text', 'text'],
      ['text_normalized', 'text'],
      ['lang', 'text'],
      ['source', 'text'],
      ['possibly_sensitive', 'bool'],
      ['reply_settings', 'text'],
      ['is_retweet', 'bool'],
      ['is_reply', 'bool'],
      ['is_quote', 'bool'],
      ['retweeted_tweet_id', 'id'],
      ['quoted_tweet_id', 'id'],
      ['replied_to_tweet_id', 'id'],
      ['retweet_count', 'int'],
      ['reply_count', 'int'],
      ['like_count', 'int'],
      ['quote_count', 'int'],
      ['impression_count', 'int'],
      ['bookmark_count', 'int'],
      ['hashtag_count', 'int32'],
      ['mention_count', 'int32'],
      ['url_count', 'int32'],
      ['media_count', 'int32'],
      ['place_id', 'text'],
      ['latest_version_id', 'id'],
      ['is_edited', 'bool'],
      ['collected_via', 'text'],
      ['batch_id', 'text'],
    ],
  },
  users: {
    name: 'users',
    partitioned: false,
    columns: [
      ['user_id', 'id'],
      ['username', 'text'],
      ['name', 'text'],
      ['description', 'text'],
      ['location', 'text'],
      ['url', 'text'],
      ['profile_image_url', 'text'],
      ['created_at', 'ts'],
      ['verified', 'bool'],
      ['verified_type', 'text'],
      ['protected', 'bool'],
      ['followers_count', 'int'],
      ['following_count', 'int'],
      ['tweet_count', 'int'],
      ['listed_count', 'int'],
      ['like_count', 'int'],
      ['retrieved_at', 'ts'],
      ['batch_id', 'text'],
    ],
  },
  tweet_hashtags: { name: 'tweet_hashtags', partitioned: true, columns: tagColumns },
  tweet_cashtags: { name: 'tweet_cashtags', partitioned: true, columns: tagColumns },
  tweet_mentions: {
    name: 'tweet_mentions',
    partitioned: true,
    columns: [
      ['tweet_id', 'id'],
      ['user_id', 'id'],
      ['username', 'text'],
      ['start_index', 'int32'],
      ['end_index', 'int32'],
      ['created_date', 'date'],
    ],
  },
  tweet_urls: {
    name: 'tweet_urls',
    partitioned: true,
    columns: [
      ['tweet_id', 'id'],
      ['url', 'text'],
      ['expanded_url', 'text'],
      ['display_url', 'text'],
      ['domain', 'text'],
      ['start_index', 'int32'],
      ['end_index', 'int32'],
      ['created_date', 'date'],
    ],
  },
  tweet_references: {
    name: 'tweet_references',
    partitioned: true,
    columns: [
      ['tweet_id', 'id'],
      ['referenced_tweet_id', 'id'],
      ['reference_type', 'text'],
      ['created_date', 'date'],
    ],
  },
  media: {
    name: 'media',
    partitioned: false,
    columns: [
      ['media_key', 'text'],
      ['type', 'text'],
      ['url', 'text'],
      ['preview_image_url', 'text'],
      ['width', 'int32'],
      ['height', 'int32'],
      ['duration_ms', 'int'],
      ['alt_text', 'text'],
      ['view_count', 'int'],
      ['retrieved_at', 'ts'],
      ['batch_id', 'text'],
    ],
  },
  tweet_media: {
    name: 'tweet_media',
    partitioned: true,
    columns: [
      ['tweet_id', 'id'],
      ['media_key', 'text'],
      ['created_date', 'date'],
    ],
  },
  places: {
    name: 'places',
    partitioned: false,
    columns: [
      ['place_id', 'text'],
      ['full_name', 'text'],
      ['name', 'text'],
      ['country', 'text'],
      ['country_code', 'text'],
      ['place_type', 'text'],
      ['bbox_west', 'double'],
      ['bbox_south', 'double'],
      ['bbox_east', 'double'],
      ['bbox_north', 'double'],
      ['retrieved_at', 'ts'],
      ['batch_id', 'text'],
    ],
  },
} as const satisfies Record<string, TableSpec>;

export type ProcessedTable = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as ProcessedTable[];

/** A row as an array of values in the table's column order (null for missing). */
export type Row = (string | number | boolean | null)[];
export type TableRows = Record<ProcessedTable, Row[]>;

export function emptyTableRows(): TableRows {
  return Object.fromEntries(TABLE_NAMES.map((t) => [t, []])) as unknown as TableRows;
}

/** SQL type of a column kind (ANSI enough for DuckDB, PostgreSQL and Redshift). */
export function sqlType(kind: ColumnKind): string {
  switch (kind) {
    case 'id':
    case 'int':
      return 'BIGINT';
    case 'int32':
      return 'INTEGER';
    case 'bool':
      return 'BOOLEAN';
    case 'ts':
      return 'TIMESTAMP';
    case 'date':
      return 'DATE';
    case 'double':
      return 'DOUBLE PRECISION';
    default:
      return 'VARCHAR';
  }
}
