import { invalidRequest, type Problem } from './problems.js';

export const TWEET_FIELDS = [
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
];
export const USER_FIELDS = [
  'affiliation',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
];
export const MEDIA_FIELDS = [
  'alt_text',
  'duration_ms',
  'height',
  'media_key',
  'non_public_metrics',
  'organic_metrics',
  'preview_image_url',
  'promoted_metrics',
  'public_metrics',
  'type',
  'url',
  'variants',
  'width',
];
export const PLACE_FIELDS = [
  'contained_within',
  'country',
  'country_code',
  'full_name',
  'geo',
  'id',
  'name',
  'place_type',
];
export const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'];
export const EXPANSIONS = [
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'entities.note.mentions.username',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
];

/** The parameters that choose fields and expansions, accepted by every post endpoint. */
export const FIELD_PARAMS = [
  'expansions',
  'tweet.fields',
  'user.fields',
  'media.fields',
  'place.fields',
  'poll.fields',
] as const;

/** What a request asked to see: the `*.fields` and `expansions` parameters, validated. */
export interface FieldSelection {
  tweet: Set<string>;
  user: Set<string>;
  media: Set<string>;
  place: Set<string>;
  expansions: Set<string>;
}

/** Reads and validates the field parameters; returns a Problem (400) naming the bad value. */
export function readFieldSelection(params: URLSearchParams): FieldSelection | Problem {
  const lists: [string, readonly string[]][] = [
    ['tweet.fields', TWEET_FIELDS],
    ['user.fields', USER_FIELDS],
    ['media.fields', MEDIA_FIELDS],
    ['place.fields', PLACE_FIELDS],
    ['poll.fields', POLL_FIELDS],
    ['expansions', EXPANSIONS],
  ];
  const out: Record<string, Set<string>> = {};
  for (const [name, allowed] of lists) {
    const raw = params.get(name);
    const values = raw === null ? [] : raw.split(',').map((v) => v.trim());
    for (const value of values) {
      if (!allowed.includes(value)) {
        return invalidRequest(
          `The \`${name}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
          {
            [name]: [raw ?? ''],
          },
        );
      }
    }
    out[name] = new Set(values);
  }
  return {
    tweet: out['tweet.fields']!,
    user: out['user.fields']!,
    media: out['media.fields']!,
    place: out['place.fields']!,
    expansions: out.expansions!,
  };
}
