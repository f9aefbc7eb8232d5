/**
 * What the X API emulator stores. Field names are X API v2's own (snake_case), so a stored record can be
 * rendered as an X payload by picking the requested fields.
 */

export type VerifiedType = 'none' | 'blue' | 'business' | 'government';

export interface UserPublicMetrics {
  followers_count: number;
  following_count: number;
  tweet_count: number;
  listed_count: number;
  like_count: number;
  media_count: number;
}

export interface EmulatedUser {
  id: string;
  username: string;
  name: string;
  /** ISO 8601 with milliseconds, as X writes it */
  created_at: string;
  description: string;
  location?: string;
  url?: string;
  verified: boolean;
  verified_type: VerifiedType;
  protected: boolean;
  profile_image_url: string;
  pinned_tweet_id?: string;
  public_metrics: UserPublicMetrics;
}

export interface NewUser {
  /** Numeric string; minted from created_at when absent */
  id?: string;
  username: string;
  name?: string;
  created_at?: Date | string;
  description?: string;
  location?: string;
  url?: string;
  verified?: boolean;
  verified_type?: VerifiedType;
  protected?: boolean;
  profile_image_url?: string;
  pinned_tweet_id?: string;
  public_metrics?: Partial<UserPublicMetrics>;
}

export interface TweetPublicMetrics {
  retweet_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
  bookmark_count: number;
  impression_count: number;
}

export type ReferencedTweetType = 'retweeted' | 'quoted' | 'replied_to';

export interface ReferencedTweet {
  type: ReferencedTweetType;
  id: string;
}

export interface HashtagEntity {
  start: number;
  end: number;
  tag: string;
}

export interface MentionEntity {
  start: number;
  end: number;
  username: string;
}

export interface UrlEntity {
  start: number;
  end: number;
  /** the t.co link that replaced the URL in the text */
  url: string;
  expanded_url: string;
  display_url: string;
  unwound_url: string;
}

export interface TweetEntities {
  hashtags: HashtagEntity[];
  mentions: MentionEntity[];
  urls: UrlEntity[];
  cashtags: HashtagEntity[];
}

export interface EmulatedTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  conversation_id: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: ReferencedTweet[];
  lang: string;
  possibly_sensitive: boolean;
  reply_settings: 'everyone' | 'mentionedUsers' | 'following';
  public_metrics: TweetPublicMetrics;
  entities: TweetEntities;
}

export interface NewTweet {
  /** Numeric string; minted from created_at when absent (ids then grow with created_at) */
  id?: string;
  text: string;
  /** The author, by id or by username (one is required; the user must have been added) */
  author_id?: string;
  author_username?: string;
  /** Default: the emulator's clock */
  created_at?: Date | string;
  /** BCP 47 code as X detects it (pt, en, und...); default "und" */
  lang?: string;
  /** Makes the tweet a reply: sets referenced_tweets replied_to, in_reply_to_user_id and conversation_id */
  in_reply_to_tweet_id?: string;
  /** Makes the tweet a quote of that tweet */
  quote_tweet_id?: string;
  /** Makes the tweet a retweet of that tweet (text "RT @user: ..." is built when text is empty) */
  retweet_of_tweet_id?: string;
  /** Explicit values, for scripted data that refers to tweets the emulator does not hold */
  conversation_id?: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: ReferencedTweet[];
  public_metrics?: Partial<TweetPublicMetrics>;
  possibly_sensitive?: boolean;
}
