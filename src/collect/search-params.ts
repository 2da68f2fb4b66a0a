/** Every field and expansion the processed tables use: asked for on each search request. */
export const SEARCH_FIELDS: Record<string, string> = {
  'tweet.fields': [
    'attachments', 'author_id', 'conversation_id', 'created_at', 'edit_controls', 'edit_history_tweet_ids', 'entities',
    'geo', 'in_reply_to_user_id', 'lang', 'note_tweet', 'possibly_sensitive', 'public_metrics', 'referenced_tweets',
    'reply_settings', 'source',
  ].join(','),
  expansions: [
    'author_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id', 'entities.mentions.username',
    'in_reply_to_user_id', 'attachments.media_keys', 'geo.place_id',
  ].join(','),
  'user.fields': [
    'created_at', 'description', 'location', 'profile_image_url', 'protected', 'public_metrics', 'url', 'verified', 'verified_type',
  ].join(','),
  'media.fields': ['alt_text', 'duration_ms', 'height', 'preview_image_url', 'public_metrics', 'type', 'url', 'width'].join(','),
  'place.fields': ['country', 'country_code', 'full_name', 'geo', 'id', 'name', 'place_type'].join(','),
};
