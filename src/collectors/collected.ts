import type { Platform } from '../topics/schemas/topic.schema';

/**
 * What every collector hands to ingestion, whatever the platform: normalised, validated values.
 * Times are the platform's own (`created_at`), never the time of collection.
 */
export interface PublicMetrics {
  likes: number;
  reposts: number;
  quotes: number;
  replies: number;
  /** Unknown for posts of others and on tiers that do not expose it. */
  impressions: number | null;
}

export interface AuthorInput {
  externalId: string;
  handle: string;
  name?: string | null;
  followers?: number | null;
}

/** A post by someone else that matched the topic. */
export interface MentionInput {
  platform: Platform;
  externalId: string;
  text: string;
  createdAt: Date;
  url: string;
  author: AuthorInput;
  /** The platform's own language guess (X `lang`), a fallback for detection. */
  platformLang?: string | null;
  conversationId?: string | null;
  inReplyToExternalId?: string | null;
  inReplyToUserId?: string | null;
  metrics: PublicMetrics;
}

/** A post published by one of the brand's owned accounts (not a reply to others). */
export interface PostInput {
  platform: Platform;
  externalId: string;
  accountExternalId: string;
  accountHandle: string;
  text: string;
  createdAt: Date;
  url: string;
  metrics: PublicMetrics;
}

/** The brand's reply to someone else's post: a response in customer care. */
export interface ReplyInput {
  platform: Platform;
  externalId: string;
  accountExternalId: string;
  accountHandle: string;
  text: string;
  createdAt: Date;
  url: string;
  inReplyToExternalId: string;
  inReplyToUserId?: string | null;
  conversationId?: string | null;
}

/** An owned account's follower count at a moment (for the per-1,000-followers rates). */
export interface AccountSnapshotInput {
  platform: Platform;
  externalId: string;
  handle: string;
  followers: number;
  at: Date;
}

export interface CollectedBatch {
  mentions: MentionInput[];
  posts: PostInput[];
  replies: ReplyInput[];
  accounts: AccountSnapshotInput[];
}

export interface StoredCounts {
  mentions: number;
  posts: number;
  replies: number;
}

export const emptyBatch = (): CollectedBatch => ({ mentions: [], posts: [], replies: [], accounts: [] });
