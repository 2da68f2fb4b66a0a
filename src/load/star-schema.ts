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
  {
    name: 'bridge_tweet_hashtags',
    from: 'tweet_hashtags',
    columns: withDateKey('tweet_hashtags'),
    key: ['tweet_id', 'start_index'],
    latestWins: false,
  },
  {
    name: 'bridge_tweet_cashtags',
    from: 'tweet_cashtags',
    columns: withDateKey('tweet_cashtags'),
    key: ['tweet_id', 'start_index'],
    latestWins: false,
  },
  {
    name: 'tweet_mentions',
    from: 'tweet_mentions',
    columns: withDateKey('tweet_mentions'),
    key: ['tweet_id', 'start_index'],
    latestWins: false,
  },
  {
    name: 'tweet_urls',
    from: 'tweet_urls',
    columns: withDateKey('tweet_urls'),
    key: ['tweet_id', 'start_index'],
    latestWins: false,
  },
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
