import type { TTweetv2Expansion, TweetV2, UserV2 } from 'twitter-api-v2';
import { z } from 'zod';
import type { AccountSnapshotInput, MentionInput, PostInput, PublicMetrics, ReplyInput } from '../collected';
import { parseEach, type Skipped } from '../payload-items';

/**
 * X API v2 payloads are validated at the edge: a post that does not have the shape we rely on is
 * reported with its id and skipped; it never stops the run.
 */
const snowflake = z.string().regex(/^\d{1,20}$/);

export const tweetSchema = z.object({
  id: snowflake,
  text: z.string(),
  author_id: snowflake,
  created_at: z.string().datetime({ offset: true }),
  lang: z.string().optional(),
  conversation_id: snowflake.optional(),
  in_reply_to_user_id: snowflake.optional(),
  referenced_tweets: z.array(z.object({ type: z.enum(['retweeted', 'quoted', 'replied_to']), id: snowflake })).optional(),
  public_metrics: z
    .object({
      like_count: z.number().int().nonnegative(),
      retweet_count: z.number().int().nonnegative(),
      reply_count: z.number().int().nonnegative(),
      quote_count: z.number().int().nonnegative(),
      impression_count: z.number().int().nonnegative().optional(),
    })
    .optional(),
});
export type XTweet = z.infer<typeof tweetSchema>;

export const userSchema = z.object({
  id: snowflake,
  username: z.string().min(1),
  name: z.string().optional(),
  public_metrics: z.object({ followers_count: z.number().int().nonnegative() }).partial().optional(),
});
export type XUser = z.infer<typeof userSchema>;

export const TWEET_FIELDS: (keyof TweetV2)[] = [
  'created_at',
  'public_metrics',
  'conversation_id',
  'in_reply_to_user_id',
  'referenced_tweets',
  'lang',
  'author_id',
];
export const USER_FIELDS: (keyof UserV2)[] = ['username', 'name', 'public_metrics'];
export const EXPANSIONS: TTweetv2Expansion[] = ['author_id'];

export function parseTweets(raw: unknown[]): { tweets: XTweet[]; skipped: Skipped[] } {
  const { items: tweets, skipped } = parseEach(tweetSchema, raw, 'tweet');
  return { tweets, skipped };
}

export function parseUsers(raw: unknown[] | undefined): Map<string, XUser> {
  const users = new Map<string, XUser>();
  for (const item of raw ?? []) {
    const parsed = userSchema.safeParse(item);
    if (parsed.success) users.set(parsed.data.id, parsed.data);
  }
  return users;
}

export const tweetUrl = (handle: string, id: string) => `https://x.com/${handle}/status/${id}`;

export function metricsOf(t: Pick<XTweet, 'public_metrics'>): PublicMetrics {
  const m = t.public_metrics;
  return {
    likes: m?.like_count ?? 0,
    reposts: m?.retweet_count ?? 0,
    quotes: m?.quote_count ?? 0,
    replies: m?.reply_count ?? 0,
    impressions: m?.impression_count ?? null,
  };
}

const repliedTo = (t: XTweet) => t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null;
const isRetweet = (t: XTweet) => t.referenced_tweets?.some((r) => r.type === 'retweeted') ?? false;

/** A search page → mentions. Posts by the brand's own accounts are never mentions. */
export function mentionsFromSearch(tweets: XTweet[], users: Map<string, XUser>, ownedIds: Set<string>): MentionInput[] {
  const out: MentionInput[] = [];
  for (const t of tweets) {
    if (ownedIds.has(t.author_id) || isRetweet(t)) continue;
    const author = users.get(t.author_id);
    const handle = author?.username ?? t.author_id;
    out.push({
      platform: 'x',
      externalId: t.id,
      text: t.text,
      createdAt: new Date(t.created_at),
      url: tweetUrl(handle, t.id),
      author: { externalId: t.author_id, handle, name: author?.name ?? null, followers: author?.public_metrics?.followers_count ?? null },
      platformLang: t.lang && t.lang !== 'und' ? t.lang : null,
      conversationId: t.conversation_id ?? null,
      inReplyToExternalId: repliedTo(t),
      inReplyToUserId: t.in_reply_to_user_id ?? null,
      metrics: metricsOf(t),
    });
  }
  return out;
}

/**
 * An owned account's timeline → its own posts and its replies to others. A reply to itself (a
 * thread) is a post; a reply to someone else is a care response.
 */
export function timelineItems(
  tweets: XTweet[],
  account: { externalId: string; handle: string },
): { posts: PostInput[]; replies: ReplyInput[] } {
  const posts: PostInput[] = [];
  const replies: ReplyInput[] = [];
  for (const t of tweets) {
    if (t.author_id !== account.externalId || isRetweet(t)) continue;
    const base = {
      platform: 'x' as const,
      externalId: t.id,
      accountExternalId: account.externalId,
      accountHandle: account.handle,
      text: t.text,
      createdAt: new Date(t.created_at),
      url: tweetUrl(account.handle, t.id),
    };
    const target = repliedTo(t);
    if (target && t.in_reply_to_user_id && t.in_reply_to_user_id !== account.externalId) {
      replies.push({
        ...base,
        inReplyToExternalId: target,
        inReplyToUserId: t.in_reply_to_user_id,
        conversationId: t.conversation_id ?? null,
      });
    } else posts.push({ ...base, metrics: metricsOf(t) });
  }
  return { posts, replies };
}

export function snapshotOf(user: XUser, at: Date): AccountSnapshotInput | null {
  const followers = user.public_metrics?.followers_count;
  if (followers === undefined) return null;
  return { platform: 'x', externalId: user.id, handle: user.username.toLowerCase(), followers, at };
}
