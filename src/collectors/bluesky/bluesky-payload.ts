import { z } from 'zod';
import type { AccountSnapshotInput, MentionInput, PostInput, PublicMetrics, ReplyInput } from '../collected';
import { didOfUri } from './bluesky-query';
import { parseEach, type Skipped } from '../payload-items';

/**
 * Bluesky's views (`app.bsky.feed.defs#postView`, `#feedViewPost`) → what ingestion takes.
 * `@atproto/api` checks each response against its lexicon, but a post's `record` is open there
 * (`unknown`): its text and dates are checked here, post by post, so one malformed record is
 * reported and skipped while the rest of the page is kept.
 */

const isoDate = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a datetime');
const strongRef = z.object({ uri: z.string().startsWith('at://'), cid: z.string() });

const postRecordSchema = z.object({
  text: z.string(),
  createdAt: isoDate,
  langs: z.array(z.string()).optional(),
  reply: z.object({ root: strongRef, parent: strongRef }).optional(),
});

const postViewSchema = z.object({
  uri: z.string().regex(/^at:\/\/did:[a-z]+:[^/]+\/app\.bsky\.feed\.post\/[^/]+$/, 'must be the at-uri of a post'),
  cid: z.string(),
  author: z.object({ did: z.string().startsWith('did:'), handle: z.string().min(1), displayName: z.string().optional() }),
  record: postRecordSchema,
  replyCount: z.number().int().nonnegative().optional(),
  repostCount: z.number().int().nonnegative().optional(),
  likeCount: z.number().int().nonnegative().optional(),
  quoteCount: z.number().int().nonnegative().optional(),
  indexedAt: isoDate,
});

export type BlueskyPost = z.infer<typeof postViewSchema>;

/** Validates post views one by one: the good ones and, for the log, what was wrong with the rest. */
export function parsePosts(raw: unknown[]): { posts: BlueskyPost[]; skipped: Skipped[] } {
  const { items: posts, skipped } = parseEach(postViewSchema, raw, 'post', 'uri');
  return { posts, skipped };
}

/** Bluesky's own ordering time: the earlier of createdAt and indexedAt (a post dated in the future sorts when it was seen). */
export function sortAt(post: BlueskyPost): Date {
  return new Date(Math.min(Date.parse(post.record.createdAt), Date.parse(post.indexedAt)));
}

/** `https://bsky.app/profile/<handle>/post/<rkey>`, the link the Bluesky app shares. */
export function postUrl(post: Pick<BlueskyPost, 'uri' | 'author'>): string {
  return `https://bsky.app/profile/${post.author.handle}/post/${post.uri.split('/').pop()}`;
}

export function metricsOf(post: BlueskyPost): PublicMetrics {
  return {
    likes: post.likeCount ?? 0,
    reposts: post.repostCount ?? 0,
    quotes: post.quoteCount ?? 0,
    replies: post.replyCount ?? 0,
    // Bluesky publishes no view counts.
    impressions: null,
  };
}

const platformLang = (post: BlueskyPost) => {
  const lang = post.record.langs?.[0]?.toLowerCase().split('-')[0];
  return lang && /^[a-z]{2,3}$/.test(lang) ? lang : null;
};

/** Search results → mentions. Posts by the brand's own accounts are never mentions. */
export function mentionsOf(posts: BlueskyPost[], ownedDids: ReadonlySet<string>): MentionInput[] {
  return posts
    .filter((p) => !ownedDids.has(p.author.did))
    .map((p) => ({
      platform: 'bluesky' as const,
      externalId: p.uri,
      text: p.record.text,
      createdAt: new Date(p.record.createdAt),
      url: postUrl(p),
      author: { externalId: p.author.did, handle: p.author.handle, name: p.author.displayName || null, followers: null },
      platformLang: platformLang(p),
      // a thread's root is its conversation, as X's conversation_id
      conversationId: p.record.reply?.root.uri ?? p.uri,
      inReplyToExternalId: p.record.reply?.parent.uri ?? null,
      inReplyToUserId: p.record.reply ? didOfUri(p.record.reply.parent.uri) : null,
      metrics: metricsOf(p),
    }));
}

/**
 * An owned account's feed → its posts and its replies to others. Reposts are not its posts; a
 * reply to itself (a thread) is a post; a reply to someone else is a care response.
 */
export function timelineItems(
  posts: BlueskyPost[],
  account: { externalId: string; handle: string },
): { posts: PostInput[]; replies: ReplyInput[] } {
  const out = { posts: [] as PostInput[], replies: [] as ReplyInput[] };
  for (const p of posts) {
    if (p.author.did !== account.externalId) continue;
    const base = {
      platform: 'bluesky' as const,
      externalId: p.uri,
      accountExternalId: account.externalId,
      accountHandle: account.handle,
      text: p.record.text,
      createdAt: new Date(p.record.createdAt),
      url: postUrl(p),
    };
    const parent = p.record.reply?.parent.uri;
    const parentAuthor = parent ? didOfUri(parent) : null;
    if (parent && parentAuthor !== account.externalId) {
      out.replies.push({ ...base, inReplyToExternalId: parent, inReplyToUserId: parentAuthor, conversationId: p.record.reply!.root.uri });
    } else out.posts.push({ ...base, metrics: metricsOf(p) });
  }
  return out;
}

const profileSchema = z.object({ did: z.string(), handle: z.string(), followersCount: z.number().int().nonnegative().optional() });

export function snapshotOf(profile: unknown, at: Date): AccountSnapshotInput | null {
  const p = profileSchema.safeParse(profile);
  if (!p.success || p.data.followersCount === undefined) return null;
  return { platform: 'bluesky', externalId: p.data.did, handle: p.data.handle.toLowerCase(), followers: p.data.followersCount, at };
}
