import type { Entities } from './text-builder.js';

export interface CorpusUser {
  index: number;
  id: string;
  username: string;
  name: string;
  lang: string;
  description: string;
  location: string;
  url: string;
  profile_image_url: string;
  created_at: string;
  verified: boolean;
  verified_type: 'blue' | 'business' | 'government' | 'none';
  protected: boolean;
  public_metrics: {
    followers_count: number;
    following_count: number;
    tweet_count: number;
    listed_count: number;
    like_count: number;
  };
}

export interface CorpusMedia {
  media_key: string;
  type: 'photo' | 'video' | 'animated_gif';
  url?: string;
  preview_image_url?: string;
  width: number;
  height: number;
  duration_ms?: number;
  alt_text?: string;
  view_count?: number;
}

export interface CorpusPlace {
  id: string;
  full_name: string;
  name: string;
  country: string;
  country_code: string;
  place_type: string;
  bbox: readonly number[];
}

export type ReferenceType = 'retweeted' | 'quoted' | 'replied_to';

/** One post of the emulator's corpus. `text` is unescaped; the HTTP layer escapes it as X does. */
export interface CorpusPost {
  slot: number;
  id: string;
  createdMs: number;
  author: CorpusUser;
  lang: string;
  source: string;
  possiblySensitive: boolean;
  replySettings: 'everyone' | 'mentionedUsers' | 'following';
  text: string;
  entities: Entities;
  note: { text: string; entities: Entities } | undefined;
  referenced: { type: ReferenceType; id: string }[];
  inReplyToUserId: string | undefined;
  conversationId: string;
  media: CorpusMedia[];
  place: CorpusPlace | undefined;
  /** Oldest first; the last one is `id`. */
  editHistory: string[];
  /** Deleted posts never match a search; references to them yield partial errors. */
  deleted: boolean;
  popularity: number;
}
