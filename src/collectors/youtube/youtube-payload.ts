import { z } from 'zod';
import type { AccountSnapshotInput, MentionInput, PostInput, PostMetrics, PublicMetrics, ReplyInput } from '../collected';
import type { QueryablePost } from '../../topics/query';
import { parseEach, type Skipped } from '../payload-items';

/**
 * YouTube Data API v3 resources (channel, playlistItem, video, commentThread, comment, search
 * result) → what ingestion takes. Counts are uint64 written as strings; a hidden count (likes
 * hidden by the owner) is absent. Each item is checked alone, so a malformed one is quarantined.
 */

const isoDate = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a datetime');
const count = z
  .union([z.string().regex(/^\d+$/, 'must be a count'), z.number().int().nonnegative()])
  .transform(Number)
  .optional();

export const channelSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({ title: z.string(), customUrl: z.string().optional() }),
  contentDetails: z.object({ relatedPlaylists: z.object({ uploads: z.string().min(1) }) }),
  statistics: z.object({ subscriberCount: count, hiddenSubscriberCount: z.boolean().optional() }).optional(),
});
export type YouTubeChannel = z.infer<typeof channelSchema>;

export const playlistItemSchema = z.object({
  id: z.string(),
  contentDetails: z.object({ videoId: z.string().min(1), videoPublishedAt: isoDate.optional() }),
  snippet: z.object({ publishedAt: isoDate }).optional(),
});

export const videoSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({
    publishedAt: isoDate,
    channelId: z.string().min(1),
    channelTitle: z.string().optional(),
    title: z.string(),
    description: z.string().default(''),
    tags: z.array(z.string()).optional(),
    defaultLanguage: z.string().optional(),
    defaultAudioLanguage: z.string().optional(),
  }),
  statistics: z.object({ viewCount: count, likeCount: count, commentCount: count }).optional(),
});
export type YouTubeVideo = z.infer<typeof videoSchema>;

const commentSnippet = z.object({
  authorDisplayName: z.string(),
  authorChannelId: z.object({ value: z.string().min(1) }),
  authorChannelUrl: z.string().optional(),
  videoId: z.string().min(1).optional(),
  textOriginal: z.string().optional(),
  textDisplay: z.string(),
  parentId: z.string().optional(),
  likeCount: z.number().int().nonnegative().default(0),
  publishedAt: isoDate,
});
export const commentSchema = z.object({ id: z.string().min(1), snippet: commentSnippet });
export type YouTubeComment = z.infer<typeof commentSchema>;

export const commentThreadSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({
    videoId: z.string().min(1),
    channelId: z.string().optional(),
    topLevelComment: commentSchema,
    totalReplyCount: z.number().int().nonnegative().default(0),
  }),
  replies: z.object({ comments: z.array(commentSchema) }).optional(),
});
export type YouTubeCommentThread = z.infer<typeof commentThreadSchema>;

export const searchResultSchema = z.object({
  id: z.object({ kind: z.literal('youtube#video'), videoId: z.string().min(1) }),
  snippet: z.object({ publishedAt: isoDate, channelId: z.string().min(1) }),
});

export function parseThreads(raw: readonly unknown[]): { threads: YouTubeCommentThread[]; skipped: Skipped[] } {
  const { items, skipped } = parseEach(commentThreadSchema, raw, 'commentThread');
  return { threads: items, skipped };
}

export function parseVideos(raw: readonly unknown[]): { videos: YouTubeVideo[]; skipped: Skipped[] } {
  const { items, skipped } = parseEach(videoSchema, raw, 'video');
  return { videos: items, skipped };
}

export const videoUrl = (id: string) => `https://www.youtube.com/watch?v=${id}`;
export const commentUrl = (videoId: string, commentId: string) => `https://www.youtube.com/watch?v=${videoId}&lc=${commentId}`;

const lang = (v: string | undefined) =>
  v && /^[a-z]{2,3}(-|$)/i.test(v) ? v.slice(0, v.indexOf('-') > 0 ? v.indexOf('-') : undefined).toLowerCase() : null;

export const videoText = (v: YouTubeVideo) => [v.snippet.title, v.snippet.description].filter(Boolean).join('\n').trim();
/** The comment as written (`textOriginal`, which the API returns to anyone for public comments), else the displayed text. */
export const commentText = (c: YouTubeComment) =>
  (c.snippet.textOriginal ?? c.snippet.textDisplay.replace(/<br\s*\/?>/g, '\n').replace(/<[^>]+>/g, '')).trim();

/** A video's counts: likes, comments, views; YouTube exposes no share count. */
export function videoMetrics(v: YouTubeVideo): PostMetrics {
  const s = v.statistics;
  return { likes: s?.likeCount ?? 0, reposts: null, quotes: 0, replies: s?.commentCount ?? 0, impressions: s?.viewCount ?? null };
}

const mentionMetrics = (v: YouTubeVideo): PublicMetrics => ({ ...videoMetrics(v), reposts: 0 });

/** The brand's uploads → its posts (likes = likeCount, replies = commentCount, views as impressions, shares unknown). */
export function postsOf(videos: YouTubeVideo[], channel: { externalId: string; handle: string }): PostInput[] {
  return videos
    .filter((v) => v.snippet.channelId === channel.externalId)
    .map((v) => ({
      platform: 'youtube' as const,
      externalId: v.id,
      accountExternalId: channel.externalId,
      accountHandle: channel.handle,
      text: videoText(v),
      createdAt: new Date(v.snippet.publishedAt),
      url: videoUrl(v.id),
      metrics: videoMetrics(v),
    }));
}

/** Videos by others found by search → mentions (the brand's own are its posts). */
export function videoMentionsOf(videos: YouTubeVideo[], ownedIds: ReadonlySet<string>): MentionInput[] {
  return videos
    .filter((v) => !ownedIds.has(v.snippet.channelId))
    .map((v) => ({
      platform: 'youtube' as const,
      externalId: v.id,
      text: videoText(v),
      createdAt: new Date(v.snippet.publishedAt),
      url: videoUrl(v.id),
      author: {
        externalId: v.snippet.channelId,
        handle: v.snippet.channelTitle ?? v.snippet.channelId,
        name: v.snippet.channelTitle ?? null,
      },
      platformLang: lang(v.snippet.defaultLanguage ?? v.snippet.defaultAudioLanguage),
      conversationId: v.id,
      inReplyToExternalId: null,
      inReplyToUserId: null,
      metrics: mentionMetrics(v),
    }));
}

const handleOf = (c: YouTubeComment) => {
  const fromUrl = c.snippet.authorChannelUrl?.match(/\/(@[^/?#]+)/)?.[1];
  return (fromUrl ?? c.snippet.authorDisplayName).replace(/^@/, '') || c.snippet.authorChannelId.value;
};

/**
 * Comment threads on the brand's videos → the comments of others (mentions: a top-level comment
 * answers the video, a reply its thread's comment) and the brand channel's replies in them
 * (care responses to the thread's commenter).
 */
export function threadItems(
  threads: YouTubeCommentThread[],
  channel: { externalId: string; handle: string },
  extraReplies: ReadonlyMap<string, YouTubeComment[]> = new Map(),
): { mentions: MentionInput[]; replies: ReplyInput[] } {
  const out = { mentions: [] as MentionInput[], replies: [] as ReplyInput[] };
  for (const t of threads) {
    const top = t.snippet.topLevelComment;
    const videoId = t.snippet.videoId;
    const all = [top, ...(extraReplies.get(t.id) ?? t.replies?.comments ?? [])];
    for (const c of all) {
      const isTop = c.id === top.id;
      const author = c.snippet.authorChannelId.value;
      const base = {
        platform: 'youtube' as const,
        externalId: c.id,
        text: commentText(c),
        createdAt: new Date(c.snippet.publishedAt),
        url: commentUrl(videoId, c.id),
      };
      if (author === channel.externalId) {
        // the brand's own top-level comment (a pinned note) is neither a mention nor a reply
        if (!isTop && top.snippet.authorChannelId.value !== channel.externalId)
          out.replies.push({
            ...base,
            accountExternalId: channel.externalId,
            accountHandle: channel.handle,
            inReplyToExternalId: top.id,
            inReplyToUserId: top.snippet.authorChannelId.value,
            conversationId: t.id,
          });
        continue;
      }
      out.mentions.push({
        ...base,
        author: { externalId: author, handle: handleOf(c), name: c.snippet.authorDisplayName || null },
        platformLang: null,
        conversationId: t.id,
        inReplyToExternalId: isTop ? videoId : top.id,
        inReplyToUserId: isTop ? channel.externalId : top.snippet.authorChannelId.value,
        metrics: { likes: c.snippet.likeCount, reposts: 0, quotes: 0, replies: isTop ? t.snippet.totalReplyCount : 0, impressions: null },
      });
    }
  }
  return out;
}

export function snapshotOf(channel: YouTubeChannel, handle: string, at: Date): AccountSnapshotInput | null {
  const followers = channel.statistics?.hiddenSubscriberCount ? undefined : channel.statistics?.subscriberCount;
  return followers === undefined ? null : { platform: 'youtube', externalId: channel.id, handle, followers, at };
}

/** A video as the topic query sees it: its tags as hashtags. */
export function queryableVideo(v: YouTubeVideo): QueryablePost {
  return {
    text: videoText(v),
    hashtags: [...(v.snippet.tags ?? []), ...(videoText(v).match(/#[\p{L}\p{N}_]+/gu) ?? []).map((t) => t.slice(1))],
    mentions: (videoText(v).match(/@[\w.-]+/g) ?? []).map((m) => m.slice(1)),
    authorId: v.snippet.channelId,
    authorHandle: v.snippet.channelTitle ?? v.snippet.channelId,
    conversationId: v.id,
    lang: lang(v.snippet.defaultLanguage),
  };
}
