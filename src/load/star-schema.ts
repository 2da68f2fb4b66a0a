import { type ColumnKind, type ProcessedTable, TABLES } from '../schema/tables.js';

/** One warehouse table of the star schema and the processed table it is loaded from. */
export interface StarTable {
  name: string;
  from: ProcessedTable;
  columns: readonly (readonly [string, ColumnKind])[];
  key: readonly string[];
  /** Rows carry `retrieved_at` + `batch_id`: the latest retrieval wins on conflict. Others are immutable. */
  latestWins: boolean;
}

/** Processed columns, with `created_date` turned into the `date_key` (YYYYMMDD) of `dim_date`. */
function withDateKey(table: ProcessedTable): readonly (readonly [string, ColumnKind])[] {
  return TABLES[table].columns.map(([c, k]) =>
    c === 'created_date' ? (['date_key', 'int32'] as const) : ([c, k] as const),
  );
}

/** An entity-occurrence table: immutable rows keyed by the post and the entity's start offset. */
function occurrences(name: string, from: ProcessedTable): StarTable {
  return { name, from, columns: withDateKey(from), key: ['tweet_id', 'start_index'], latestWins: false };
}

/** The star schema of the data contract, in load order (dimensions first). */
export const STAR_TABLES: readonly StarTable[] = [
  { name: 'dim_users', from: 'users', columns: TABLES.users.columns, key: ['user_id'], latestWins: true },
  { name: 'dim_media', from: 'media', columns: TABLES.media.columns, key: ['media_key'], latestWins: true },
  { name: 'dim_places', from: 'places', columns: TABLES.places.columns, key: ['place_id'], latestWins: true },
  {
    name: 'fact_tweets',
    from: 'tweets',
    columns: withDateKey('tweets'),
    key: ['tweet_id'],
    latestWins: true,
  },
  occurrences('bridge_tweet_hashtags', 'tweet_hashtags'),
  occurrences('bridge_tweet_cashtags', 'tweet_cashtags'),
  occurrences('tweet_mentions', 'tweet_mentions'),
  occurrences('tweet_urls', 'tweet_urls'),
  {
    name: 'tweet_references',
    from: 'tweet_references',
    columns: withDateKey('tweet_references'),
    key: ['tweet_id', 'reference_type', 'referenced_tweet_id'],
    latestWins: false,
  },
  {
    name: 'tweet_media',
    from: 'tweet_media',
    columns: withDateKey('tweet_media'),
    key: ['tweet_id', 'media_key'],
    latestWins: false,
  },
];

export const DIM_DATE_COLUMNS = [
  ['date_key', 'INTEGER'],
  ['date', 'DATE'],
  ['year', 'INTEGER'],
  ['quarter', 'INTEGER'],
  ['month', 'INTEGER'],
  ['day', 'INTEGER'],
  ['day_of_week', 'INTEGER'],
  ['day_name', 'VARCHAR'],
  ['iso_week', 'INTEGER'],
  ['is_weekend', 'BOOLEAN'],
] as const;
