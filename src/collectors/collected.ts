import type { Platform } from '../common/platform';

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

/** An own post's metrics: `reposts` is null where the network exposes no share count (Instagram), so amplification is unknown, not 0. */
export type PostMetrics = Omit<PublicMetrics, 'reposts'> & { reposts: number | null };

/** A post published by one of the brand's owned accounts (not a reply to others). */
export interface PostInput {
  platform: Platform;
  externalId: string;
  accountExternalId: string;
  accountHandle: string;
  text: string;
  createdAt: Date;
  url: string;
  metrics: PostMetrics;
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

/** Why an item was set aside: its payload is not what the API documents, or it has no text to analyse. */
export const REJECT_REASONS = ['invalid_payload', 'no_text'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * An item faulty in itself: it goes to quarantine with what the API answered for it, and the run
 * goes on. (A fault of the run itself, such as storage or enrichment failing, stops the run instead.)
 */
export interface RejectedItem {
  platform: Platform;
  /** the network's id of the post, when the payload had one */
  externalId: string | null;
  reason: RejectReason;
  /** what is wrong, by field */
  problem: string;
  /** the item as the API answered it (for `no_text`, the normalised post) */
  payload: unknown;
}

export interface CollectedBatch {
  /** the stream the batch was read from (`x:search`, `bluesky:timeline:<did>`...), for the run's counts per stream */
  stream?: string;
  mentions: MentionInput[];
  posts: PostInput[];
  replies: ReplyInput[];
  accounts: AccountSnapshotInput[];
  /** items of the page set aside (quarantined), never stored as posts */
  rejected: RejectedItem[];
}

export interface StoredCounts {
  mentions: number;
  posts: number;
  replies: number;
}

/** What became of a batch's items: stored for the first time, already stored earlier, or quarantined. */
export interface BatchOutcome extends StoredCounts {
  known: number;
  rejected: number;
}

export const emptyBatch = (): CollectedBatch => ({ mentions: [], posts: [], replies: [], accounts: [], rejected: [] });
