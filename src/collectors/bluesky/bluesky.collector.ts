import { Inject, Injectable, Logger } from '@nestjs/common';
import { Settings, SETTINGS } from '../../config/settings';
import { AtpAgent, XRPCError } from '@atproto/api';
import type { TopicView } from '../../topics/topics.service';
import { emptyBatch, type CollectedBatch } from '../collected';
import { type CollectContext, type Collector, type MetricsLookup } from '../collector';
import { CollectorStateService } from '../collector-state.service';
import { resolveOwnedAccounts } from '../owned-accounts';
import { BlueskyAgents } from './bluesky-agent';
import { isInvalidResponse, retryingBluesky, statusOf } from './bluesky-retry';
import { mentionsOf, metricsOf, parsePosts, snapshotOf, sortAt, timelineItems, type BlueskyPost } from './bluesky-payload';
import { rejectedOf } from '../payload-items';
import { glimpseOf, NetworkApiError } from '../network-error';
import { termsToSearch, topicMatcher } from '../../topics/query';
import { queryableOf } from './bluesky-query';

const PAGE_SIZE = 100;
/** `app.bsky.feed.getPosts` takes at most 25 URIs. */
const LOOKUP_CHUNK = 25;
const FIRST_RUN_WINDOW_MS = 7 * 24 * 3600_000;
/**
 * Search filters on `sortAt` (the earlier of createdAt and indexedAt), so a post indexed late can
 * sort before the newest post of the last run: each run searches again from a little earlier.
 * Ingestion is idempotent, so the overlap costs reads, never duplicates.
 */
const SEARCH_OVERLAP_MS = 10 * 60_000;
const later = (a: string | null | undefined, b: string | null | undefined) => (!a ? (b ?? null) : !b ? a : a >= b ? a : b);

interface Page {
  posts: BlueskyPost[];
  /** the service's cursor for the next page, if any */
  cursor?: string;
  /** true when the stream has reached what earlier runs already stored */
  reachedStored: boolean;
}

/** What Bluesky answered, in words, once the retry policy has given up. */
export function describeXrpcError(err: XRPCError): string {
  if (isInvalidResponse(err)) {
    const body = err.responseBody as { error?: unknown; message?: unknown } | undefined;
    const said =
      typeof body === 'object' && body !== null && typeof body.error === 'string'
        ? `${body.error}${typeof body.message === 'string' ? `: ${body.message}` : ''}`
        : glimpseOf(body);
    return `answered ${said} with status 200, which is not a ${err.lexiconNsid} response (${err.validationError.message})`;
  }
  if (statusOf(err) === 1) return `could not be reached: ${err.message} (after retrying)`;
  if (statusOf(err) === 2) return `answered a body that could not be read: ${err.message} (after retrying)`;
  return `answered ${statusOf(err)} ${err.error ?? ''}: ${err.message}${statusOf(err) >= 500 ? ' (after retrying)' : ''}`;
}

/**
 * Bluesky through `@atproto/api` (an app-password session on `BLUESKY_SERVICE`): mentions by
 * `app.bsky.feed.searchPosts`, the owned accounts' posts and replies by `getAuthorFeed`, follower
 * counts by `getProfile`, metrics by `getPosts`. Each stream resumes from the service's cursor of
 * the last stored page; 429s are waited out until `ratelimit-reset`; 5xx and network errors are
 * retried with exponential back-off; an expired access token is refreshed by the agent itself.
 */
@Injectable()
export class BlueskyCollector implements Collector {
  readonly platform = 'bluesky' as const;
  private readonly logger = new Logger('BlueskyCollector');

  get configured(): boolean {
    return this.agents.configured;
  }

  constructor(
    private readonly agents: BlueskyAgents,
    private readonly state: CollectorStateService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async collect(ctx: CollectContext): Promise<void> {
    if (!this.agents.configured) {
      this.logger.warn(
        { topicId: ctx.topic.id },
        'Topic lists Bluesky, but BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD are not set; skipping Bluesky',
      );
      return;
    }
    const { terms, problem } = termsToSearch(ctx.topic.query, 'bluesky');
    if (problem) this.logger.warn({ topicId: ctx.topic.id, problem }, 'Topic query cannot be searched on Bluesky; skipping its mentions');
    const owned = await this.resolveOwnedAccounts(ctx);
    const ownedDids = new Set(owned.map((a) => a.externalId));

    // The brand's feeds first, so its replies are known when the mentions they answer arrive.
    for (const account of owned) {
      const stream = `bluesky:timeline:${account.externalId}`;
      await this.drain(ctx, stream, async (agent, since, cursor) => {
        const res = await agent.getAuthorFeed({ actor: account.externalId, filter: 'posts_with_replies', limit: PAGE_SIZE, cursor });
        const own = res.data.feed.filter((item) => !item.reason).map((item) => item.post);
        const { posts, skipped } = parsePosts(own);
        const fresh = posts.filter((p) => sortAt(p).toISOString() >= since);
        const { posts: published, replies } = timelineItems(fresh, account);
        await ctx.store({ ...emptyBatch(), stream, posts: published, replies, rejected: rejectedOf('bluesky', skipped) });
        // the feed has no `since`: it is read newest first until it reaches what is stored
        return { posts: fresh, cursor: res.data.cursor, reachedStored: fresh.length < posts.length };
      });
    }

    const matches = topicMatcher(ctx.topic.query, queryableOf);
    const langs = new Set(ctx.topic.languages);
    for (const term of terms) {
      const stream = `bluesky:search:${term}`;
      await this.drain(
        ctx,
        stream,
        async (agent, since, cursor) => {
          const res = await agent.app.bsky.feed.searchPosts({ q: term, sort: 'latest', since, limit: PAGE_SIZE, cursor });
          const { posts, skipped } = parsePosts(res.data.posts);
          const mentions = mentionsOf(posts.filter(matches), ownedDids).filter(
            (m) => !langs.size || !m.platformLang || langs.has(m.platformLang),
          );
          await ctx.store({ ...emptyBatch(), stream, mentions, rejected: rejectedOf('bluesky', skipped) });
          return { posts, cursor: res.data.cursor, reachedStored: false };
        },
        SEARCH_OVERLAP_MS,
      );
    }
  }

  /** Reads posts of a stream again by at-uri (a quarantine replay) and makes them what the stream makes. */
  async reread(topic: TopicView, stream: string, uris: string[]): Promise<{ batch: CollectedBatch; found: string[] }> {
    const batch = { ...emptyBatch(), stream };
    const found: string[] = [];
    const owned = topic.ownedAccounts.filter((a) => a.platform === 'bluesky' && a.externalId);
    for (let i = 0; i < uris.length; i += LOOKUP_CHUNK) {
      const res = await this.call(null, stream, (agent) => agent.getPosts({ uris: uris.slice(i, i + LOOKUP_CHUNK) }));
      await this.state.countReads('bluesky', res.data.posts.length, topic.workspaceId);
      found.push(...res.data.posts.map((p) => p.uri));
      const { posts, skipped } = parsePosts(res.data.posts);
      batch.rejected.push(...rejectedOf('bluesky', skipped));
      if (stream.startsWith('bluesky:timeline:')) {
        const account = owned.find((a) => `bluesky:timeline:${a.externalId}` === stream);
        if (!account) continue;
        const { posts: published, replies } = timelineItems(posts, { externalId: account.externalId!, handle: account.handle });
        batch.posts.push(...published);
        batch.replies.push(...replies);
      } else batch.mentions.push(...mentionsOf(posts, new Set(owned.map((a) => a.externalId!))));
    }
    return { batch, found };
  }

  /** Looks up each owned Bluesky account (DID and follower count) once per run. */
  private resolveOwnedAccounts(ctx: CollectContext) {
    return resolveOwnedAccounts(ctx, 'bluesky', async (handle) => {
      try {
        const profile = await this.retrying(ctx, 'bluesky:profiles', (agent) => agent.getProfile({ actor: handle }));
        return { externalId: profile.data.did, handle: profile.data.handle.toLowerCase(), snapshot: snapshotOf(profile.data, new Date()) };
      } catch (err) {
        if (!(err instanceof XRPCError) || statusOf(err) !== 400)
          throw err instanceof XRPCError ? new NetworkApiError('bluesky', describeXrpcError(err)) : err;
        this.logger.warn({ topicId: ctx.topic.id, handle, error: err.error }, 'Owned account not found on Bluesky');
        return null;
      }
    });
  }

  /**
   * Reads a stream page by page, newest first. The cursor state keeps, as ISO times, the newest
   * `sortAt` stored by the last complete run (`sinceId`) and, while a run is under way, the newest
   * of this run and the service's cursor after the last stored page (`pending`): a killed run
   * resumes from that page; `sinceId` moves only when the whole run is stored.
   */
  private async drain(
    ctx: CollectContext,
    stream: string,
    readPage: (agent: AtpAgent, since: string, cursor: string | undefined) => Promise<Page>,
    overlapMs = 0,
  ): Promise<void> {
    const state = await ctx.cursor(stream);
    const since = new Date(state.sinceId ? Date.parse(state.sinceId) - overlapMs : Date.now() - FIRST_RUN_WINDOW_MS).toISOString();
    let cursor = state.pending?.untilId;
    let newest = state.pending?.newestId ?? null;
    for (;;) {
      const page = await this.call(ctx, stream, (agent) => readPage(agent, since, cursor));
      await this.state.countReads('bluesky', page.posts.length, ctx.topic.workspaceId);
      for (const p of page.posts) newest = later(newest, sortAt(p).toISOString());
      if (!page.cursor || page.reachedStored || page.posts.length === 0) break;
      cursor = page.cursor;
      await ctx.saveCursor(stream, { sinceId: state.sinceId, pending: { newestId: newest, untilId: cursor } });
      await ctx.heartbeat();
    }
    await ctx.saveCursor(stream, { sinceId: later(state.sinceId, newest), pending: null });
  }

  /**
   * One call with the retry policy; a session the service refuses (401) is renewed once. What
   * Bluesky answered when the policy gives up becomes a NetworkApiError; anything else (storing a
   * batch inside `run` failed) is the run's own fault and propagates as it is.
   */
  private async call<T>(ctx: CollectContext | null, stream: string, run: (agent: AtpAgent) => Promise<T>): Promise<T> {
    try {
      return await this.retrying(ctx, stream, run);
    } catch (err) {
      if (err instanceof XRPCError) throw new NetworkApiError('bluesky', describeXrpcError(err), false);
      throw err;
    }
  }

  private retrying<T>(ctx: CollectContext | null, stream: string, run: (agent: AtpAgent) => Promise<T>): Promise<T> {
    return retryingBluesky(this.agents, { stream, logger: this.logger, transientBaseMs: this.settings.collectorRetryBaseMs, ctx }, run);
  }

  async lookupMetrics(ids: string[]): Promise<MetricsLookup[]> {
    if (!this.agents.configured || ids.length === 0) return [];
    const out: MetricsLookup[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      const res = await this.call(null, 'bluesky:lookup', (agent) => agent.getPosts({ uris: chunk }));
      await this.state.countReads('bluesky', res.data.posts.length);
      const { posts, skipped } = parsePosts(res.data.posts);
      for (const s of skipped) this.logger.warn({ uri: s.id, problem: s.problem }, 'Skipped a malformed post from Bluesky');
      for (const p of posts) out.push({ externalId: p.uri, metrics: metricsOf(p) });
    }
    return out;
  }
}
