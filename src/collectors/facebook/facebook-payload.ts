import { z } from 'zod';
import type { AccountSnapshotInput, MentionInput, PostInput, ReplyInput } from '../collected';
import type { OwnedAccountRef } from '../owned-accounts';
import { parseEach, type Skipped } from '../payload-items';

/**
 * Graph API objects of a Facebook Page → what ingestion takes. The Page's own posts become own
 * posts (likes = reactions, shares, replies = comments); comments by others, visitor posts and
 * posts tagging the Page become mentions; the Page's replies to a comment become brand replies to
 * that comment (so they answer the commenter's case). Each item is checked one by one: a
 * malformed one goes to quarantine, the rest of the page is kept.
 */

/** The fields asked for, no more (what is stored). */
export const PAGE_FIELDS = 'id,name,followers_count,fan_count';
export const PAGE_POST_FIELDS =
  'id,message,created_time,permalink_url,shares,reactions.summary(total_count).limit(0),comments.summary(true).limit(0)';
export const COMMENT_FIELDS = 'id,message,from,created_time,parent{id,from},permalink_url';
export const OTHERS_POST_FIELDS = 'id,message,from,created_time,permalink_url';

/** Graph's time: 2026-12-06T19:00:00+0000 */
const graphTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a datetime');
const graphId = z.string().regex(/^\d+(_\d+)?$/, 'must be a Graph id');
const actor = z.object({ id: graphId, name: z.string().optional() });
const summaryCount = z.object({ summary: z.object({ total_count: z.number().int().nonnegative() }) }).optional();

const pageSchema = z.object({
  id: graphId,
  name: z.string().optional(),
  followers_count: z.number().int().nonnegative().optional(),
  fan_count: z.number().int().nonnegative().optional(),
});

const pagePostSchema = z.object({
  id: graphId,
  message: z.string().optional(),
  created_time: graphTime,
  permalink_url: z.string().url(),
  // Graph leaves `shares` out of a post nobody shared
  shares: z.object({ count: z.number().int().nonnegative() }).optional(),
  reactions: summaryCount,
  comments: summaryCount,
});

const commentSchema = z.object({
  id: graphId,
  // a comment that is only a sticker or a photo has an empty message
  message: z.string(),
  created_time: graphTime,
  // absent when the commenter has not allowed apps to see them
  from: actor.optional(),
  parent: z.object({ id: graphId, from: actor.optional() }).optional(),
  permalink_url: z.string().url().optional(),
});

const othersPostSchema = z.object({
  id: graphId,
  message: z.string().optional(),
  created_time: graphTime,
  from: actor.optional(),
  permalink_url: z.string().url().optional(),
});

export type FacebookPage = z.infer<typeof pageSchema>;
export type FacebookPagePost = z.infer<typeof pagePostSchema>;
export type FacebookComment = z.infer<typeof commentSchema>;
export type FacebookOthersPost = z.infer<typeof othersPostSchema>;

export const parsePage = (raw: unknown): FacebookPage | null => {
  const parsed = pageSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
};
export const parsePagePosts = (raw: readonly unknown[]): { items: FacebookPagePost[]; skipped: Skipped[] } =>
  parseEach(pagePostSchema, raw, 'post');
export const parseComments = (raw: readonly unknown[]): { items: FacebookComment[]; skipped: Skipped[] } =>
  parseEach(commentSchema, raw, 'comment');
export const parseOthersPosts = (raw: readonly unknown[]): { items: FacebookOthersPost[]; skipped: Skipped[] } =>
  parseEach(othersPostSchema, raw, 'post');

const ZERO = { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null };

export function pageSnapshot(page: FacebookPage, handle: string, at: Date): AccountSnapshotInput | null {
  const followers = page.followers_count ?? page.fan_count;
  return followers === undefined ? null : { platform: 'facebook', externalId: page.id, handle, followers, at };
}

/** A Page post as an own post: likes = reactions, reposts = shares (0 when Graph leaves them out), replies = comments. */
export function ownPostOf(post: FacebookPagePost, page: OwnedAccountRef): PostInput {
  return {
    platform: 'facebook',
    externalId: post.id,
    accountExternalId: page.externalId,
    accountHandle: page.handle,
    text: post.message ?? '',
    createdAt: new Date(post.created_time),
    url: post.permalink_url,
    metrics: {
      likes: post.reactions?.summary.total_count ?? 0,
      reposts: post.shares?.count ?? 0,
      quotes: 0,
      replies: post.comments?.summary.total_count ?? 0,
      impressions: null,
    },
  };
}

/** A commenter Graph does not name is still one person: their comment's id stands for them. */
const authorOf = (from: { id: string; name?: string } | undefined, itemId: string) =>
  from
    ? { externalId: from.id, handle: from.name ?? from.id, name: from.name ?? null }
    : { externalId: `unknown:${itemId}`, handle: 'Facebook user', name: null };

/**
 * Comments on one of the Page's posts: others' as mentions (in reply to the comment they answer,
 * or to the post), the Page's replies to a comment as brand replies. The Page's own top-level
 * comments are neither (they answer nobody).
 */
export function commentItems(
  comments: FacebookComment[],
  post: { id: string; url: string },
  page: OwnedAccountRef,
): { mentions: MentionInput[]; replies: ReplyInput[] } {
  const mentions: MentionInput[] = [];
  const replies: ReplyInput[] = [];
  for (const c of comments) {
    const url = c.permalink_url ?? `${post.url}?comment_id=${c.id.split('_').pop()}`;
    const createdAt = new Date(c.created_time);
    if (c.from?.id === page.externalId) {
      if (!c.parent) continue;
      replies.push({
        platform: 'facebook',
        externalId: c.id,
        accountExternalId: page.externalId,
        accountHandle: page.handle,
        text: c.message,
        createdAt,
        url,
        inReplyToExternalId: c.parent.id,
        inReplyToUserId: c.parent.from?.id ?? null,
        conversationId: post.id,
      });
      continue;
    }
    mentions.push({
      platform: 'facebook',
      externalId: c.id,
      text: c.message,
      createdAt,
      url,
      author: authorOf(c.from, c.id),
      conversationId: post.id,
      inReplyToExternalId: c.parent?.id ?? post.id,
      inReplyToUserId: c.parent ? (c.parent.from?.id ?? null) : page.externalId,
      metrics: ZERO,
    });
  }
  return { mentions, replies };
}

/** Posts by others on the Page (visitor posts) or tagging it, as mentions. */
export function othersPostMentions(posts: FacebookOthersPost[], page: OwnedAccountRef): MentionInput[] {
  return posts
    .filter((p) => p.from?.id !== page.externalId)
    .map((p) => ({
      platform: 'facebook' as const,
      externalId: p.id,
      text: p.message ?? '',
      createdAt: new Date(p.created_time),
      url: p.permalink_url ?? `https://www.facebook.com/${p.id}`,
      author: authorOf(p.from, p.id),
      conversationId: p.id,
      inReplyToExternalId: null,
      inReplyToUserId: page.externalId,
      metrics: ZERO,
    }));
}
