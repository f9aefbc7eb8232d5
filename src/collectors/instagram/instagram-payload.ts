import { z } from 'zod';
import type { AccountSnapshotInput, MentionInput, PostInput, ReplyInput } from '../collected';
import type { OwnedAccountRef } from '../owned-accounts';
import { parseEach, type Skipped } from '../payload-items';

/**
 * Instagram Graph API objects of a professional account → what ingestion takes. The account's
 * media become own posts (likes = like_count, replies = comments_count; Instagram exposes no share
 * count, so reposts are null and amplification unknown, not 0); comments by others and their
 * replies become mentions; the account's replies to a comment become brand replies; media that tag
 * the account become mentions. Items are checked one by one (malformed ones go to quarantine).
 */

export const ACCOUNT_FIELDS = 'id,username,followers_count';
export const MEDIA_FIELDS = 'id,caption,timestamp,like_count,comments_count,permalink,media_type';
const COMMENT_BASE_FIELDS = 'id,text,timestamp,username,from';
export const COMMENT_FIELDS = `${COMMENT_BASE_FIELDS},replies.limit(50){${COMMENT_BASE_FIELDS}}`;
export const TAGGED_FIELDS = 'id,caption,timestamp,username,permalink,media_type';

const graphTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a datetime');
const graphId = z.string().regex(/^\d+$/, 'must be a Graph id');

const accountSchema = z.object({ id: graphId, username: z.string().min(1), followers_count: z.number().int().nonnegative().optional() });

const mediaSchema = z.object({
  id: graphId,
  caption: z.string().optional(),
  timestamp: graphTime,
  like_count: z.number().int().nonnegative().optional(),
  comments_count: z.number().int().nonnegative().optional(),
  permalink: z.string().url(),
  media_type: z.string().optional(),
});

const replySchema = z.object({
  id: graphId,
  text: z.string(),
  timestamp: graphTime,
  username: z.string().min(1),
  from: z.object({ id: graphId, username: z.string().optional() }).optional(),
});

const commentSchema = replySchema.extend({ replies: z.object({ data: z.array(z.unknown()) }).optional() });

const taggedSchema = z.object({
  id: graphId,
  caption: z.string().optional(),
  timestamp: graphTime,
  username: z.string().min(1),
  permalink: z.string().url(),
});

export type InstagramAccount = z.infer<typeof accountSchema>;
export type InstagramMedia = z.infer<typeof mediaSchema>;
export type InstagramComment = z.infer<typeof replySchema> & { parentId?: string; parentUserId?: string | null };
export type InstagramTagged = z.infer<typeof taggedSchema>;

export const parseAccount = (raw: unknown): InstagramAccount | null => {
  const parsed = accountSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
};
export const parseMedia = (raw: readonly unknown[]): { items: InstagramMedia[]; skipped: Skipped[] } =>
  parseEach(mediaSchema, raw, 'media');
export const parseTagged = (raw: readonly unknown[]): { items: InstagramTagged[]; skipped: Skipped[] } =>
  parseEach(taggedSchema, raw, 'media');

/** Top-level comments and their replies (`replies{...}`), flattened, each reply knowing its comment; each checked on its own. */
export function parseComments(raw: readonly unknown[]): { items: InstagramComment[]; skipped: Skipped[] } {
  const { items: top, skipped } = parseEach(commentSchema, raw, 'comment');
  const items: InstagramComment[] = [];
  for (const { replies, ...comment } of top) {
    items.push(comment);
    const parsed = parseEach(replySchema, replies?.data ?? [], 'reply');
    skipped.push(...parsed.skipped);
    for (const reply of parsed.items) items.push({ ...reply, parentId: comment.id, parentUserId: comment.from?.id ?? null });
  }
  return { items, skipped };
}

/** An owned account as configured (handle = its id) with the username Instagram gave it. */
export type InstagramAccountRef = OwnedAccountRef & { username: string };

const ZERO = { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null };

export function accountSnapshot(account: InstagramAccount, at: Date): AccountSnapshotInput | null {
  return account.followers_count === undefined
    ? null
    : { platform: 'instagram', externalId: account.id, handle: account.username.toLowerCase(), followers: account.followers_count, at };
}

export function ownPostOf(media: InstagramMedia, account: InstagramAccountRef): PostInput {
  return {
    platform: 'instagram',
    externalId: media.id,
    accountExternalId: account.externalId,
    accountHandle: account.username,
    text: media.caption ?? '',
    createdAt: new Date(media.timestamp),
    url: media.permalink,
    // no share count on Instagram: amplification is unknown, not 0
    metrics: { likes: media.like_count ?? 0, reposts: null, quotes: 0, replies: media.comments_count ?? 0, impressions: null },
  };
}

/** Instagram's address of a comment: the media's permalink + c/<comment id>/. */
const commentUrl = (permalink: string, id: string) => `${permalink.replace(/\/?$/, '/')}c/${id}/`;

/**
 * Comments on one of the account's media: others' as mentions (replies in reply to their comment),
 * the account's replies as brand replies to the comment they answer. The account's own top-level
 * comments answer nobody and are left out.
 */
export function commentItems(
  comments: InstagramComment[],
  media: { id: string; permalink: string },
  account: InstagramAccountRef,
): { mentions: MentionInput[]; replies: ReplyInput[] } {
  const mentions: MentionInput[] = [];
  const replies: ReplyInput[] = [];
  for (const c of comments) {
    const byAccount = c.from?.id === account.externalId || c.username.toLowerCase() === account.username.toLowerCase();
    const createdAt = new Date(c.timestamp);
    const url = commentUrl(media.permalink, c.id);
    if (byAccount) {
      if (!c.parentId) continue;
      replies.push({
        platform: 'instagram',
        externalId: c.id,
        accountExternalId: account.externalId,
        accountHandle: account.username,
        text: c.text,
        createdAt,
        url,
        inReplyToExternalId: c.parentId,
        inReplyToUserId: c.parentUserId ?? null,
        conversationId: media.id,
      });
      continue;
    }
    mentions.push({
      platform: 'instagram',
      externalId: c.id,
      text: c.text,
      createdAt,
      url,
      author: { externalId: c.from?.id ?? `username:${c.username.toLowerCase()}`, handle: c.username.toLowerCase() },
      conversationId: media.id,
      inReplyToExternalId: c.parentId ?? media.id,
      inReplyToUserId: c.parentId ? (c.parentUserId ?? null) : account.externalId,
      metrics: ZERO,
    });
  }
  return { mentions, replies };
}

/** Media that tag the account, as mentions by their owners (`username`; the tags edge gives no owner id). */
export function taggedMentions(media: InstagramTagged[], account: InstagramAccountRef): MentionInput[] {
  return media
    .filter((m) => m.username.toLowerCase() !== account.username.toLowerCase())
    .map((m) => ({
      platform: 'instagram' as const,
      externalId: m.id,
      text: m.caption ?? '',
      createdAt: new Date(m.timestamp),
      url: m.permalink,
      author: { externalId: `username:${m.username.toLowerCase()}`, handle: m.username.toLowerCase() },
      conversationId: m.id,
      inReplyToExternalId: null,
      inReplyToUserId: account.externalId,
      metrics: ZERO,
    }));
}

/** What Graph documents for `mentioned_comment` (no author: Instagram does not name who mentioned the account in a comment). */
export const MENTIONED_COMMENT_FIELDS = 'id,text,timestamp,like_count,media{id,permalink}';

const mentionedCommentSchema = z.object({
  id: graphId,
  text: z.string(),
  timestamp: graphTime,
  like_count: z.number().int().nonnegative().optional(),
  media: z.object({ id: graphId, permalink: z.string().url().optional() }),
});

/**
 * A comment that @mentions the account (read by `mentioned_comment`), as a mention keyed by the
 * comment id, the key the collector uses for comments. Graph gives no author: the commenter is
 * unknown (`handle: 'unknown'`), each such comment its own author so unrelated people share no case.
 */
export function mentionedCommentMentions(raw: unknown): { items: MentionInput[]; skipped: Skipped[] } {
  const { items, skipped } = parseEach(mentionedCommentSchema, [raw], 'comment');
  return {
    items: items.map((c) => ({
      platform: 'instagram' as const,
      externalId: c.id,
      text: c.text,
      createdAt: new Date(c.timestamp),
      url: c.media.permalink ? commentUrl(c.media.permalink, c.id) : 'https://www.instagram.com/',
      author: { externalId: `unknown:comment:${c.id}`, handle: 'unknown' },
      conversationId: c.media.id,
      inReplyToExternalId: c.media.id,
      inReplyToUserId: null,
      metrics: { ...ZERO, likes: c.like_count ?? 0 },
    })),
    skipped,
  };
}
