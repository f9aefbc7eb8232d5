import { Inject, Injectable, Logger } from '@nestjs/common';
import { Settings, SETTINGS } from '../../config/settings';
import type { TopicView } from '../../topics/topics.service';
import { termsToSearch, topicMatcher } from '../../topics/query';
import { emptyBatch, type CollectedBatch, type RejectedItem } from '../collected';
import { type CollectContext, type Collector, type MetricsLookup } from '../collector';
import { CollectorStateService } from '../collector-state.service';
import { NetworkApiError } from '../network-error';
import { resolveOwnedAccounts, type OwnedAccountRef } from '../owned-accounts';
import { rejectedOf, type Skipped } from '../payload-items';
import { withRetryPolicy } from '../retry-policy';
import { classifyRedditError, MAX_RATE_LIMIT_WAIT_MS, RedditApiError, RedditClient } from './reddit-client';
import {
  brandReplies,
  commentMentions,
  commentMetrics,
  flattenThread,
  idValue,
  listingOf,
  newerFullname,
  ownPosts,
  parseComments,
  parseSubmissions,
  queryableOf,
  submissionMentions,
  submissionMetrics,
  type RedditComment,
  type RedditSubmission,
} from './reddit-payload';

/** Reddit's listings hold at most 100 things; `/api/info` takes at most 100 fullnames. */
const PAGE_SIZE = 100;
const DAY_MS = 24 * 3600_000;
/** Own submissions whose threads are read for comments each run (the newest, within the backfill window). */
const THREADS_PER_RUN = 25;

type Thing = RedditSubmission | RedditComment;
type PageSource = (after: string | undefined) => Promise<{ children: unknown[]; after: string | null }>;

/**
 * Reddit through its OAuth API (application-only token for reads). Per run, in this order: each
 * owned account (`/user/{name}/about`, follower count from its profile subreddit), its submissions
 * (`/user/{name}/submitted`: posts, likes = score, replies = num_comments, shares = num_crossposts)
 * and its comments (`/user/{name}/comments`: care replies when their parent, looked up with
 * `/api/info`, is someone else's); then mentions: comments on its recent submissions
 * (`/comments/{article}`), the topic's terms by `/search` (`sort=new`, `type=link`) and new
 * comments of the topic's subreddits (`/r/{sub}/comments`), both filtered by the whole query.
 *
 * Listings are newest first and paged by `after`; each stream stops at the newest fullname its
 * last complete run stored (or, on a first run, `BACKFILL_DAYS` back), saves its `after` cursor
 * only once a page is stored, and resumes from it after a failure. 429s are waited out until
 * `X-Ratelimit-Reset`, 5xx and network failures retried with back-off.
 */
@Injectable()
export class RedditCollector implements Collector {
  readonly platform = 'reddit' as const;
  private readonly logger = new Logger('RedditCollector');

  constructor(
    private readonly client: RedditClient,
    private readonly state: CollectorStateService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  get configured(): boolean {
    return this.client.configured;
  }

  /** What `GET /api/v1/collectors/status` shows of Reddit's rate limit. */
  networkStatus() {
    if (!this.client.configured) return {};
    const r = this.client.rateLimit;
    return {
      rateLimit: {
        used: r.used,
        remaining: r.remaining,
        resetsAt: r.resetAt === null ? null : new Date(r.resetAt).toISOString(),
        lastLimitedAt: r.lastLimitedAt === null ? null : new Date(r.lastLimitedAt).toISOString(),
      },
      replies: this.client.canReply,
    };
  }

  async collect(ctx: CollectContext): Promise<void> {
    if (!this.client.configured) {
      this.logger.warn(
        { topicId: ctx.topic.id },
        'Topic lists Reddit, but REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET and REDDIT_USER_AGENT are not set; skipping Reddit',
      );
      return;
    }
    const cutoff = Date.now() - this.settings.backfillDays * DAY_MS;
    const owned = await this.resolveOwned(ctx);
    const brand = new Set(owned.map((a) => a.handle.toLowerCase()));

    // The brand's submissions and comments first, so its replies are known when the comments they answer arrive.
    for (const account of owned) {
      const user = encodeURIComponent(account.handle);
      const submitted = `reddit:submitted:${account.handle}`;
      await this.drain(
        ctx,
        submitted,
        cutoff,
        (after) => this.listing(ctx, submitted, `user/${user}/submitted`, { sort: 'new', limit: PAGE_SIZE, after }),
        parseSubmissions,
        async (items, rejected) => {
          await ctx.store({ ...emptyBatch(), stream: submitted, posts: ownPosts(items, account), rejected });
        },
      );
      const comments = `reddit:comments:${account.handle}`;
      await this.drain(
        ctx,
        comments,
        cutoff,
        (after) => this.listing(ctx, comments, `user/${user}/comments`, { sort: 'new', limit: PAGE_SIZE, after }),
        parseComments,
        async (items, rejected) => {
          const parents = await this.authorsOf(
            ctx,
            comments,
            items.map((c) => c.parent_id),
          );
          await ctx.store({ ...emptyBatch(), stream: comments, replies: brandReplies(items, account, parents), rejected });
        },
      );
    }

    // Comments on the brand's recent submissions: customers answering the brand, whatever they say.
    for (const account of owned) {
      const page = await this.listing(ctx, `reddit:submitted:${account.handle}`, `user/${encodeURIComponent(account.handle)}/submitted`, {
        sort: 'new',
        limit: THREADS_PER_RUN,
      });
      const { items } = parseSubmissions(page.children);
      for (const post of items.filter((s) => s.created_utc * 1000 >= cutoff && s.num_comments > 0))
        await this.collectThread(ctx, post, account, brand, cutoff);
    }

    const matches = topicMatcher<Thing>(ctx.topic.query, queryableOf);
    const { terms, problem } = termsToSearch(ctx.topic.query, 'reddit');
    if (problem) this.logger.warn({ topicId: ctx.topic.id, problem }, 'Topic query cannot be searched on Reddit; skipping its search');
    for (const term of terms) {
      const stream = `reddit:search:${term}`;
      await this.drain(
        ctx,
        stream,
        cutoff,
        (after) => this.listing(ctx, stream, 'search', { q: term, sort: 'new', type: 'link', limit: PAGE_SIZE, after }),
        parseSubmissions,
        async (items, rejected) => {
          await ctx.store({ ...emptyBatch(), stream, mentions: submissionMentions(items.filter(matches), brand), rejected });
        },
      );
    }
    for (const sub of ctx.topic.subreddits ?? []) {
      const stream = `reddit:subreddit:${sub}`;
      await this.drain(
        ctx,
        stream,
        cutoff,
        (after) => this.listing(ctx, stream, `r/${encodeURIComponent(sub)}/comments`, { limit: PAGE_SIZE, after }),
        parseComments,
        async (items, rejected) => {
          await ctx.store({ ...emptyBatch(), stream, mentions: commentMentions(items.filter(matches), brand), rejected });
        },
      );
    }
  }

  /**
   * A brand submission's thread (`/comments/{article}`, newest first, as one nested answer): the
   * comments by others newer than the stream's cursor become mentions.
   */
  private async collectThread(
    ctx: CollectContext,
    post: RedditSubmission,
    account: OwnedAccountRef,
    brand: ReadonlySet<string>,
    cutoff: number,
  ): Promise<void> {
    const stream = `reddit:thread:${post.name}`;
    const state = await ctx.cursor(stream);
    const body = await this.retrying(ctx, stream, () =>
      this.client.get(`comments/${post.id}`, { sort: 'new', limit: 500, threaded: 'true' }),
    );
    const listings = Array.isArray(body) ? body.map(listingOf) : [];
    const comments = listings[1];
    if (!comments) throw new NetworkApiError('reddit', `answered something that is not a thread (two Listings) for ${post.name}`);
    const all = flattenThread(comments.children);
    await this.state.countReads('reddit', all.length, ctx.topic.workspaceId);
    const { items, skipped } = parseComments(all);
    const fresh = items.filter((c) => c.created_utc * 1000 >= cutoff && (!state.sinceId || idValue(c.name) > idValue(state.sinceId)));
    const rejected = this.rejectedAfter(skipped, state.sinceId);
    const mentions = commentMentions(fresh, brand, new Map([[post.name, { externalId: account.externalId }]]));
    await ctx.store({ ...emptyBatch(), stream, mentions, rejected });
    const newest = fresh.reduce<string | null>((n, c) => newerFullname(n, c.name), null);
    await ctx.saveCursor(stream, { sinceId: newerFullname(state.sinceId, newest), pending: null });
  }

  /**
   * Reads a stream page by page, newest first, down to what the last complete run stored
   * (`sinceId`) or, on a first run, to `cutoff`. After each stored page the cursor records its
   * `after` (to resume with) and the newest fullname of the run; `sinceId` moves to that newest
   * only when the whole stream is stored.
   */
  private async drain<T extends Thing>(
    ctx: CollectContext,
    stream: string,
    cutoff: number,
    source: PageSource,
    parse: (children: readonly unknown[]) => { items: T[]; skipped: Skipped[] },
    store: (items: T[], rejected: RejectedItem[]) => Promise<void>,
  ): Promise<void> {
    const state = await ctx.cursor(stream);
    let newest = state.pending?.newestId ?? null;
    let after = state.pending?.untilId;
    for (;;) {
      const page = await source(after);
      await this.state.countReads('reddit', page.children.length, ctx.topic.workspaceId);
      const { items, skipped } = parse(page.children);
      // never older than the backfill window; after a complete run, only what is newer than its newest
      const isFresh = (t: T) => t.created_utc * 1000 >= cutoff && (!state.sinceId || idValue(t.name) > idValue(state.sinceId));
      const fresh = items.filter(isFresh);
      await store(fresh, this.rejectedAfter(skipped, state.sinceId));
      for (const t of fresh) newest = newerFullname(newest, t.name);
      if (!page.after || fresh.length < items.length || page.children.length === 0) break;
      after = page.after;
      await ctx.saveCursor(stream, { sinceId: state.sinceId, pending: { newestId: newest, untilId: after } });
      await ctx.heartbeat();
    }
    await ctx.saveCursor(stream, { sinceId: newerFullname(state.sinceId, newest), pending: null });
  }

  /** A faulty thing older than what the last run stored was met (and set aside) then. */
  private rejectedAfter(skipped: Skipped[], sinceId: string | null): RejectedItem[] {
    return rejectedOf('reddit', skipped).filter(
      (r) => !sinceId || !r.externalId || !/^t\d_[0-9a-z]+$/.test(r.externalId) || idValue(r.externalId) > idValue(sinceId),
    );
  }

  /** One page of a Listing endpoint; a body that is not a Listing fails the run with what it was. */
  private async listing(ctx: CollectContext | null, stream: string, path: string, params: Record<string, string | number | undefined>) {
    const body = await this.retrying(ctx, stream, () => this.client.get(path, params));
    const page = listingOf(body);
    if (!page)
      throw new NetworkApiError('reddit', `answered something that is not a Listing for /${path}: ${JSON.stringify(body).slice(0, 200)}`);
    return page;
  }

  /** The authors of things by fullname (`/api/info`, 100 at a time): the name, and the fullname when not deleted. */
  private async authorsOf(
    ctx: CollectContext | null,
    stream: string,
    fullnames: string[],
  ): Promise<Map<string, { name: string; externalId: string | null }>> {
    const out = new Map<string, { name: string; externalId: string | null }>();
    const ids = [...new Set(fullnames)];
    for (let i = 0; i < ids.length; i += PAGE_SIZE) {
      const page = await this.listing(ctx, stream, 'api/info', { id: ids.slice(i, i + PAGE_SIZE).join(',') });
      for (const child of page.children) {
        const d = (child as { data?: { name?: unknown; author?: unknown; author_fullname?: unknown } } | null)?.data;
        if (typeof d?.name === 'string' && typeof d.author === 'string')
          out.set(d.name, { name: d.author, externalId: typeof d.author_fullname === 'string' ? d.author_fullname : null });
      }
    }
    return out;
  }

  private resolveOwned(ctx: CollectContext): Promise<OwnedAccountRef[]> {
    return resolveOwnedAccounts(ctx, 'reddit', async (handle) => {
      try {
        const body = (await this.retrying(ctx, 'reddit:accounts', () => this.client.get(`user/${encodeURIComponent(handle)}/about`))) as {
          kind?: unknown;
          data?: { id?: unknown; name?: unknown; subreddit?: { subscribers?: unknown } | null };
        };
        const d = body?.data;
        if (body?.kind !== 't2' || typeof d?.id !== 'string' || typeof d.name !== 'string')
          throw new NetworkApiError('reddit', `answered something that is not an account (t2) for u/${handle}`);
        const externalId = `t2_${d.id}`;
        const followers = d.subreddit?.subscribers;
        return {
          externalId,
          handle: d.name.toLowerCase(),
          snapshot:
            typeof followers === 'number' && Number.isInteger(followers) && followers >= 0
              ? { platform: 'reddit', externalId, handle: d.name.toLowerCase(), followers, at: new Date() }
              : null,
        };
      } catch (err) {
        if (err instanceof RedditApiError && err.status === 404) {
          this.logger.warn({ topicId: ctx.topic.id, handle }, 'Owned account not found on Reddit');
          return null;
        }
        throw err;
      }
    });
  }

  /**
   * Runs one call under the retry policy; what Reddit answered when the policy gives up becomes a
   * NetworkApiError naming it (the API answers 502 with it).
   */
  private async retrying<T>(ctx: CollectContext | null, stream: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withRetryPolicy(run, classifyRedditError, {
        maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
        waiting: async (reason, { waitMs, attempt, err }) => {
          if (reason === 'rate-limit') {
            this.logger.warn({ topicId: ctx?.topic.id, stream, waitMs }, 'Reddit rate limit reached (429); waiting for the reset');
            await ctx?.heartbeat();
          } else
            this.logger.warn(
              { topicId: ctx?.topic.id, stream, attempt, waitMs, err: (err as Error).message },
              'Reddit request failed; retrying',
            );
        },
      });
    } catch (err) {
      if (err instanceof RedditApiError)
        throw new NetworkApiError('reddit', `${err.message}${err.status >= 500 || err.status === 429 ? ' (after retrying)' : ''}`);
      if (classifyRedditError(err) === 'transient')
        throw new NetworkApiError('reddit', `could not be reached: ${(err as Error).message} (after retrying)`);
      throw err;
    }
  }

  /** Reads things of a stream again by fullname (a quarantine replay) and makes them what the stream makes. */
  async reread(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }> {
    const batch = { ...emptyBatch(), stream };
    const found: string[] = [];
    const brand = new Set(topic.ownedAccounts.filter((a) => a.platform === 'reddit').map((a) => a.handle));
    for (let i = 0; i < ids.length; i += PAGE_SIZE) {
      const page = await this.listing(null, stream, 'api/info', { id: ids.slice(i, i + PAGE_SIZE).join(',') });
      await this.state.countReads('reddit', page.children.length, topic.workspaceId);
      for (const c of page.children) {
        const name = (c as { data?: { name?: unknown } } | null)?.data?.name;
        if (typeof name === 'string') found.push(name);
      }
      const [, kind, handle] = /^reddit:([a-z]+):?(.*)$/.exec(stream) ?? [];
      const account = topic.ownedAccounts.find((a) => a.platform === 'reddit' && a.handle === handle && a.externalId);
      if (kind === 'submitted' || kind === 'search') {
        const { items, skipped } = parseSubmissions(page.children);
        batch.rejected.push(...rejectedOf('reddit', skipped));
        if (kind === 'search') batch.mentions.push(...submissionMentions(items, brand));
        else if (account) batch.posts.push(...ownPosts(items, { externalId: account.externalId!, handle: account.handle }));
      } else {
        const { items, skipped } = parseComments(page.children);
        batch.rejected.push(...rejectedOf('reddit', skipped));
        if (kind === 'comments' && account) {
          const parents = await this.authorsOf(
            null,
            stream,
            items.map((x) => x.parent_id),
          );
          batch.replies.push(...brandReplies(items, { externalId: account.externalId!, handle: account.handle }, parents));
        } else if (kind !== 'comments') batch.mentions.push(...commentMentions(items, brand));
      }
    }
    return { batch, found };
  }

  async lookupMetrics(ids: string[]): Promise<MetricsLookup[]> {
    if (!this.client.configured || ids.length === 0) return [];
    const out: MetricsLookup[] = [];
    const names = ids.filter((id) => /^t[13]_[0-9a-z]+$/.test(id));
    for (let i = 0; i < names.length; i += PAGE_SIZE) {
      const page = await this.listing(null, 'reddit:lookup', 'api/info', { id: names.slice(i, i + PAGE_SIZE).join(',') });
      await this.state.countReads('reddit', page.children.length);
      for (const s of parseSubmissions(page.children.filter((c) => (c as { kind?: unknown })?.kind === 't3')).items)
        out.push({ externalId: s.name, metrics: submissionMetrics(s) });
      for (const c of parseComments(page.children.filter((c) => (c as { kind?: unknown })?.kind === 't1')).items)
        out.push({ externalId: c.name, metrics: commentMetrics(c) });
    }
    return out;
  }
}
