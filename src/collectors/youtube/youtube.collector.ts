import { Inject, Injectable, Logger } from '@nestjs/common';
import { SETTINGS, type Settings } from '../../config/settings';
import { termsToSearch, topicMatcher } from '../../topics/query';
import type { TopicView } from '../../topics/topics.service';
import { emptyBatch, type CollectedBatch, type PublicMetrics, type RejectedItem } from '../collected';
import { type CollectContext, type Collector, type MetricsLookup } from '../collector';
import { NetworkApiError } from '../network-error';
import { resolveOwnedAccounts, type OwnedAccountRef } from '../owned-accounts';
import { parseEach, rejectedOf } from '../payload-items';
import { YouTubeApi, type CallHooks } from './youtube-api';
import {
  channelSchema,
  commentSchema,
  parseThreads,
  parseVideos,
  playlistItemSchema,
  postsOf,
  queryableVideo,
  searchResultSchema,
  snapshotOf,
  threadItems,
  videoMentionsOf,
  videoMetrics,
  type YouTubeComment,
  type YouTubeCommentThread,
  type YouTubeVideo,
} from './youtube-payload';
import { YouTubeQuotaPausedError, type YouTubeQuotaStatus } from './youtube-quota';

/** playlistItems, videos and search take at most 50 per page; commentThreads and comments 100. */
const PAGE = 50;
const COMMENT_PAGE = 100;
/** Threads are read back this far before the last run, so replies added to recent threads are seen (stored once: known items are skipped). */
const REPLY_OVERLAP_MS = 24 * 3600_000;

interface ListResponse {
  items?: unknown[];
  nextPageToken?: string;
}

interface PageResult {
  /** the newest publication time stored from the page (ISO) */
  newest: string | null;
  /** the page reached what an earlier run (or the backfill window) covers */
  done: boolean;
  next: string | null;
}

const later = (a: string | null, b: string | null) => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * YouTube through the Data API v3 (an API key for reads, the brand channel's OAuth grant for
 * replies). Per owned channel: its uploads (channels.list → uploads playlist → playlistItems.list
 * → videos.list) are its posts, and the comment threads on its videos (commentThreads.list
 * allThreadsRelatedToChannelId, newest first) give the comments of others (mentions) and the
 * channel's replies (care responses). Videos of others matching the topic come from search.list
 * (type=video, order=date, publishedAfter). Every stream pages newest first down to what the last
 * complete run stored, or `BACKFILL_DAYS` back on a first run; the cursor moves only after a page
 * is stored. Quota: units are counted per Pacific day; collection pauses before
 * `YOUTUBE_DAILY_QUOTA` or on `403 quotaExceeded` until midnight Pacific (the other networks of the
 * topic are still collected).
 */
@Injectable()
export class YouTubeCollector implements Collector {
  readonly platform = 'youtube' as const;
  private readonly logger = new Logger('YouTubeCollector');
  constructor(
    private readonly api: YouTubeApi,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  get configured(): boolean {
    return this.api.configured;
  }

  /** The day's quota: units spent, the limit, and until when collection is paused (shown in the collectors' status). */
  networkStatus(): { quota?: YouTubeQuotaStatus } {
    if (!this.api.configured) return {};
    return { quota: this.api.quota.snapshot(this.api.target().dailyQuota) };
  }

  async collect(ctx: CollectContext): Promise<void> {
    if (!this.api.configured) {
      this.logger.warn({ topicId: ctx.topic.id }, 'Topic lists YouTube, but YOUTUBE_API_KEY is not set; skipping YouTube');
      return;
    }
    const quota = await this.api.quota.status(this.api.target().dailyQuota);
    if (quota.pausedUntil) {
      this.logger.warn(
        { topicId: ctx.topic.id, pausedUntil: quota.pausedUntil, reason: quota.reason },
        'YouTube collection is paused for the quota day',
      );
      return;
    }
    try {
      await this.collectStreams(ctx);
    } catch (err) {
      if (!(err instanceof YouTubeQuotaPausedError)) throw err;
      // pages stored so far keep their cursors; the rest waits for the next quota day
      this.logger.warn(
        { topicId: ctx.topic.id, pausedUntil: err.until, reason: err.reason },
        'YouTube quota reached; collection paused until midnight Pacific',
      );
    }
  }

  private hooks(ctx: CollectContext, stream: string): CallHooks {
    return {
      waiting: async (reason, { waitMs, attempt, err }) => {
        this.logger.warn(
          { topicId: ctx.topic.id, stream, reason, attempt, waitMs, err: (err as Error).message },
          'YouTube request failed; waiting to retry',
        );
        await ctx.heartbeat();
      },
    };
  }

  private async collectStreams(ctx: CollectContext): Promise<void> {
    const owned = await this.resolveChannels(ctx);
    const ownedIds = new Set(owned.map((c) => c.externalId));
    const cutoff = new Date(Date.now() - this.settings.backfillDays * 24 * 3600_000).toISOString();

    for (const channel of owned) {
      await this.uploads(ctx, channel, cutoff);
      await this.comments(ctx, channel, cutoff);
    }

    const { terms, problem } = termsToSearch(ctx.topic.query, 'youtube');
    if (problem) this.logger.warn({ topicId: ctx.topic.id, problem }, 'Topic query cannot be searched on YouTube; skipping its videos');
    const matches = topicMatcher(ctx.topic.query, queryableVideo);
    const langs = new Set(ctx.topic.languages);
    // one search for all the terms (`a|b`: YouTube's OR), since each page costs 100 units
    if (terms.length) {
      const stream = 'youtube:search';
      const q = terms.join('|');
      await this.drain(ctx, stream, cutoff, async (token, boundary) => {
        const page = await this.api.get<ListResponse>(
          'search',
          { part: 'snippet', q, type: 'video', order: 'date', publishedAfter: boundary, maxResults: PAGE, pageToken: token },
          this.hooks(ctx, stream),
        );
        const { items, skipped } = parseEach(searchResultSchema, page.items ?? [], 'searchResult');
        const ids = items
          .filter((r) => !ownedIds.has(r.snippet.channelId) && Date.parse(r.snippet.publishedAt) > Date.parse(boundary))
          .map((r) => r.id.videoId);
        const { videos, rejected } = await this.videos(ctx, stream, ids);
        const mentions = videoMentionsOf(videos.filter(matches), ownedIds).filter(
          (m) => !langs.size || !m.platformLang || langs.has(m.platformLang),
        );
        await ctx.store({ ...emptyBatch(), stream, mentions, rejected: [...rejectedOf('youtube', skipped), ...rejected] });
        const newest = videos.reduce<string | null>((n, v) => later(n, v.snippet.publishedAt), null);
        return { newest, done: false, next: page.nextPageToken ?? null };
      });
    }
  }

  /** channels.list by `forHandle` (a handle) or `id` (a UC… channel id): the channel id, its uploads playlist and subscribers. */
  private async resolveChannels(ctx: CollectContext): Promise<(OwnedAccountRef & { uploads: string })[]> {
    const uploads = new Map<string, string>();
    const found = await resolveOwnedAccounts(ctx, 'youtube', async (handle) => {
      const byId = /^UC[\w-]{22}$/.test(handle);
      const page = await this.api.get<ListResponse>(
        'channels',
        { part: 'snippet,contentDetails,statistics', ...(byId ? { id: handle } : { forHandle: `@${handle.replace(/^@/, '')}` }) },
        this.hooks(ctx, 'youtube:channels'),
      );
      const raw = page.items?.[0];
      if (!raw) {
        this.logger.warn({ topicId: ctx.topic.id, handle }, 'Owned channel not found on YouTube');
        return null;
      }
      const parsed = channelSchema.safeParse(raw);
      if (!parsed.success)
        throw new NetworkApiError(
          'youtube',
          `answered a channel for ${handle} without ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
        );
      const channel = parsed.data;
      uploads.set(channel.id, channel.contentDetails.relatedPlaylists.uploads);
      return { externalId: channel.id, handle, snapshot: snapshotOf(channel, handle, new Date()) };
    });
    return found.flatMap((c) => (uploads.has(c.externalId) ? [{ ...c, uploads: uploads.get(c.externalId)! }] : []));
  }

  /** The channel's uploads, newest first: their statistics from videos.list, stored as its posts. */
  private uploads(ctx: CollectContext, channel: OwnedAccountRef & { uploads: string }, cutoff: string) {
    const stream = `youtube:uploads:${channel.externalId}`;
    return this.drain(ctx, stream, cutoff, async (token, boundary) => {
      const page = await this.api.get<ListResponse>(
        'playlistItems',
        { part: 'contentDetails,snippet', playlistId: channel.uploads, maxResults: PAGE, pageToken: token },
        this.hooks(ctx, stream),
      );
      const { items, skipped } = parseEach(playlistItemSchema, page.items ?? [], 'playlistItem');
      const publishedAt = (i: (typeof items)[number]) => i.contentDetails.videoPublishedAt ?? i.snippet?.publishedAt ?? '';
      const fresh = items.filter((i) => Date.parse(publishedAt(i)) > Date.parse(boundary));
      const { videos, rejected } = await this.videos(
        ctx,
        stream,
        fresh.map((i) => i.contentDetails.videoId),
      );
      await ctx.store({
        ...emptyBatch(),
        stream,
        posts: postsOf(videos, channel),
        rejected: [...rejectedOf('youtube', skipped), ...rejected],
      });
      return {
        newest: videos.reduce<string | null>((n, v) => later(n, v.snippet.publishedAt), null),
        done: fresh.length < items.length,
        next: page.nextPageToken ?? null,
      };
    });
  }

  /** Comment threads on the channel's videos, newest first, with all their replies. */
  private comments(ctx: CollectContext, channel: OwnedAccountRef, cutoff: string) {
    const stream = `youtube:comments:${channel.externalId}`;
    return this.drain(ctx, stream, cutoff, async (token, boundary, firstRun) => {
      const since = firstRun ? Date.parse(boundary) : Date.parse(boundary) - REPLY_OVERLAP_MS;
      const page = await this.api.get<ListResponse>(
        'commentThreads',
        {
          part: 'snippet,replies',
          allThreadsRelatedToChannelId: channel.externalId,
          order: 'time',
          maxResults: COMMENT_PAGE,
          textFormat: 'plainText',
          pageToken: token,
        },
        this.hooks(ctx, stream),
      );
      const { threads, skipped } = parseThreads(page.items ?? []);
      const fresh = threads.filter((t) => Date.parse(t.snippet.topLevelComment.snippet.publishedAt) > since);
      const rejected: RejectedItem[] = rejectedOf('youtube', skipped);
      const extra = await this.completeReplies(fresh, this.hooks(ctx, stream), rejected);
      const { mentions, replies } = threadItems(fresh, channel, extra);
      await ctx.store({ ...emptyBatch(), stream, mentions, replies, rejected });
      const newest = fresh.reduce<string | null>((n, t) => later(n, t.snippet.topLevelComment.snippet.publishedAt), null);
      return { newest, done: fresh.length < threads.length, next: page.nextPageToken ?? null };
    });
  }

  /** commentThreads carries at most five replies: the rest of a longer thread come from comments.list (malformed ones into `rejected`). */
  private async completeReplies(
    threads: YouTubeCommentThread[],
    hooks: CallHooks,
    rejected: RejectedItem[],
  ): Promise<Map<string, YouTubeComment[]>> {
    const extra = new Map<string, YouTubeComment[]>();
    for (const t of threads) {
      if (t.snippet.totalReplyCount <= (t.replies?.comments.length ?? 0)) continue;
      const all: YouTubeComment[] = [];
      let next: string | undefined;
      do {
        const replies = await this.api.get<ListResponse>(
          'comments',
          { part: 'snippet', parentId: t.snippet.topLevelComment.id, maxResults: COMMENT_PAGE, textFormat: 'plainText', pageToken: next },
          hooks,
        );
        const parsed = parseEach(commentSchema, replies.items ?? [], 'comment');
        all.push(...parsed.items);
        rejected.push(...rejectedOf('youtube', parsed.skipped));
        next = replies.nextPageToken;
      } while (next);
      extra.set(t.id, all);
    }
    return extra;
  }

  /**
   * Reads items of a stream again by id (a quarantine replay) and makes them what the stream
   * makes: videos by `videos.list` (the uploads' posts, the search's mentions, through the topic's
   * query), comments by their thread (`commentThreads.list id=`), so a reply keeps its context.
   */
  async reread(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }> {
    const batch: CollectedBatch = { ...emptyBatch(), stream };
    const found = new Set<string>();
    const [, kind, channelId] = stream.split(':');
    const owned = topic.ownedAccounts.filter((a) => a.platform === 'youtube' && a.externalId);
    const channel = owned.find((a) => a.externalId === channelId);
    const wanted = new Set(ids);
    try {
      if (kind === 'comments') {
        if (!channel) return { batch, found: [] };
        const threadIds = [...new Set(ids.map((id) => id.split('.')[0]))];
        for (let i = 0; i < threadIds.length; i += PAGE) {
          const page = await this.api.get<ListResponse>('commentThreads', {
            part: 'snippet,replies',
            id: threadIds.slice(i, i + PAGE).join(','),
            textFormat: 'plainText',
            maxResults: COMMENT_PAGE,
          });
          const { threads, skipped } = parseThreads(page.items ?? []);
          const rejected = rejectedOf('youtube', skipped);
          const extra = await this.completeReplies(threads, {}, rejected);
          const { mentions, replies } = threadItems(threads, { externalId: channel.externalId!, handle: channel.handle }, extra);
          batch.mentions.push(...mentions.filter((m) => wanted.has(m.externalId)));
          batch.replies.push(...replies.filter((r) => wanted.has(r.externalId)));
          batch.rejected.push(...rejected.filter((r) => r.externalId && wanted.has(r.externalId)));
          for (const item of [...mentions, ...replies, ...rejected])
            if (item.externalId && wanted.has(item.externalId)) found.add(item.externalId);
        }
      } else if (kind === 'uploads' || kind === 'search') {
        const { videos, rejected } = await this.videos(null, stream, ids);
        batch.rejected.push(...rejected);
        for (const item of [...videos.map((v) => ({ externalId: v.id })), ...rejected]) if (item.externalId) found.add(item.externalId);
        if (kind === 'uploads' && channel)
          batch.posts.push(...postsOf(videos, { externalId: channel.externalId!, handle: channel.handle }));
        if (kind === 'search')
          batch.mentions.push(
            ...videoMentionsOf(videos.filter(topicMatcher(topic.query, queryableVideo)), new Set(owned.map((a) => a.externalId!))),
          );
      }
    } catch (err) {
      if (err instanceof YouTubeQuotaPausedError) throw new NetworkApiError('youtube', err.message);
      throw err;
    }
    return { batch, found: [...found] };
  }

  /** videos.list (statistics, snippet) for up to 50 ids; malformed ones set aside. */
  private async videos(
    ctx: CollectContext | null,
    stream: string,
    ids: string[],
  ): Promise<{ videos: YouTubeVideo[]; rejected: RejectedItem[] }> {
    const videos: YouTubeVideo[] = [];
    const rejected: RejectedItem[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      const page = await this.api.get<ListResponse>(
        'videos',
        { part: 'snippet,statistics', id: ids.slice(i, i + PAGE).join(','), maxResults: PAGE },
        ctx ? this.hooks(ctx, stream) : {},
      );
      const parsed = parseVideos(page.items ?? []);
      videos.push(...parsed.videos);
      rejected.push(...rejectedOf('youtube', parsed.skipped));
    }
    return { videos, rejected };
  }

  /**
   * Reads a stream page by page, newest first, down to what the last complete run stored
   * (`sinceId`, the newest publication time it stored) or, on a first run, the backfill window.
   * After each stored page the cursor records the next page token and the newest time read;
   * `sinceId` moves only when the whole stream is stored.
   */
  private async drain(
    ctx: CollectContext,
    stream: string,
    cutoff: string,
    readPage: (token: string | undefined, boundary: string, firstRun: boolean) => Promise<PageResult>,
  ): Promise<void> {
    const state = await ctx.cursor(stream);
    const boundary = state.sinceId ?? cutoff;
    let token = state.pending?.untilId;
    let newest = state.pending?.newestId ?? null;
    for (;;) {
      const page = await readPage(token, boundary, state.sinceId === null);
      newest = later(newest, page.newest);
      if (page.done || !page.next) break;
      token = page.next;
      await ctx.saveCursor(stream, { sinceId: state.sinceId, pending: { newestId: newest, untilId: token } });
      await ctx.heartbeat();
    }
    await ctx.saveCursor(stream, { sinceId: later(state.sinceId, newest), pending: null });
  }

  /** Current statistics of videos (comment ids are not videos and are left out). */
  async lookupMetrics(ids: string[]): Promise<MetricsLookup[]> {
    const videoIds = ids.filter((id) => /^[\w-]{11}$/.test(id));
    if (!this.api.configured || videoIds.length === 0) return [];
    try {
      const { videos } = await this.videos(null, 'youtube:lookup', videoIds);
      // reposts stay null (YouTube has no share count), so a refresh never turns amplification into 0
      return videos.map((v) => ({ externalId: v.id, metrics: videoMetrics(v) as unknown as PublicMetrics }));
    } catch (err) {
      if (err instanceof YouTubeQuotaPausedError) return [];
      throw err;
    }
  }
}
