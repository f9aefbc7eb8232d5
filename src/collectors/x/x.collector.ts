import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { Settings, SETTINGS } from '../../config/settings';
import { searchableTerms } from '../../topics/query';
import type { TopicView } from '../../topics/topics.service';
import { emptyBatch, type CollectedBatch } from '../collected';
import type { CollectContext, Collector, MetricsLookup } from '../collector';
import { CollectorStateService, newerId, ReadCapReachedError } from '../collector-state.service';
import { glimpseOf, NetworkApiError } from '../network-error';
import { resolveOwnedAccounts } from '../owned-accounts';
import { rejectedOf } from '../payload-items';
import { withRetryPolicy } from '../retry-policy';
import { XApiClients } from './x-api-target';
import {
  EXPANSIONS,
  metricsOf,
  mentionsFromSearch,
  parseTweets,
  parseUsers,
  snapshotOf,
  timelineItems,
  TWEET_FIELDS,
  USER_FIELDS,
} from './x-payload';

/** Minimal view of a twitter-api-v2 v2 tweet paginator, the part this collector uses. */
interface TweetPage {
  /** the body X answered */
  readonly data: unknown;
  readonly done: boolean;
  readonly tweets: unknown[];
  readonly meta: { newest_id?: string; oldest_id?: string; result_count?: number } | undefined;
  readonly includes: { users: unknown[] };
  next(): Promise<TweetPage>;
}

/** X's rate-limit windows are 15 minutes; a longer wait means something is off. */
const MAX_RATE_LIMIT_WAIT_MS = 16 * 60_000;
const FIRST_TIMELINE_WINDOW_MS = 7 * 24 * 3600_000;

export function isTransient(err: unknown): boolean {
  if (err instanceof ApiRequestError || err instanceof ApiPartialResponseError) return true;
  if (err instanceof ApiResponseError) return err.code >= 500;
  if (err instanceof NetworkApiError) return err.transient;
  return false;
}

interface XProblem {
  title?: string;
  detail?: string;
  type?: string;
}

const problemText = (p: XProblem) => [p.title, p.detail].filter(Boolean).join(': ') || JSON.stringify(p).slice(0, 200);

/**
 * The page X answered, checked before it is read as posts: a body that is not JSON (an HTML page
 * from a proxy) or holds neither `data` nor `meta` (a 200 whose body is an error) is not "no new
 * posts", it is X failing. A timeline whose account no longer exists (X's resource-not-found
 * errors) reads as empty: the account is looked up again at the next run.
 */
export function assertTweetPage(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new NetworkApiError('x', `answered ${glimpseOf(body)} with status 200 instead of JSON`);
  const { data, meta, errors } = body as { data?: unknown; meta?: unknown; errors?: XProblem[] } & XProblem;
  if (data !== undefined || meta !== undefined) return;
  if (errors?.length && errors.every((e) => e.type?.endsWith('/resource-not-found'))) return;
  const problem = errors?.[0] ?? body;
  throw new NetworkApiError('x', `answered an error with status 200: ${problemText(problem)}`);
}

/** What X answered, in words, once the retry policy has given up. */
export function describeXError(err: ApiResponseError | ApiRequestError | ApiPartialResponseError): string {
  if (err instanceof ApiRequestError) return `could not be reached: ${err.requestError?.message ?? err.message} (after retrying)`;
  if (err instanceof ApiPartialResponseError)
    return `answered a response cut short: ${err.responseError?.message ?? err.message} (after retrying)`;
  const body = err.data as unknown;
  const said =
    typeof body === 'object' && body !== null ? problemText((body as { errors?: XProblem[] }).errors?.[0] ?? body) : glimpseOf(body);
  return `answered ${err.code}: ${said}${err.code >= 500 ? ' (after retrying)' : ''}`;
}

/**
 * X through `twitter-api-v2`: mentions by recent search, the owned accounts' posts and replies by
 * user timeline, metrics by tweet lookup. Pages come from the library's paginator; 429s are
 * waited out until `x-rate-limit-reset` (the library's `rateLimit.reset`); 5xx and network errors
 * are retried with exponential back-off; each resumes from the cursor of the last stored page.
 */
@Injectable()
export class XCollector implements Collector {
  readonly platform = 'x' as const;
  private readonly logger = new Logger('XCollector');

  get configured(): boolean {
    return this.clients.configured;
  }

  constructor(
    private readonly clients: XApiClients,
    private readonly state: CollectorStateService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async collect(ctx: CollectContext): Promise<void> {
    const owned = await this.resolveOwnedAccounts(ctx);
    const ownedIds = new Set(owned.map((a) => a.externalId));

    // The brand's timelines first: its replies are then known when the mentions they answer
    // arrive, so cases see a batch's events in order rather than a customer's follow-up first.
    for (const account of owned) {
      const stream = `x:timeline:${account.externalId}`;
      await this.drain(
        ctx,
        stream,
        async (page) => {
          const { tweets, skipped } = parseTweets(page.tweets);
          const { posts, replies } = timelineItems(tweets, account);
          await ctx.store({ ...emptyBatch(), stream, posts, replies, rejected: rejectedOf('x', skipped) });
        },
        (params) =>
          this.clients.get().v2.userTimeline(account.externalId, {
            ...params,
            ...(params.since_id || params.until_id ? {} : { start_time: new Date(Date.now() - FIRST_TIMELINE_WINDOW_MS).toISOString() }),
            max_results: 100,
            exclude: ['retweets'],
            'tweet.fields': TWEET_FIELDS,
          }),
      );
    }

    // X takes the topic's query whole, operators and all.
    const [query] = searchableTerms(ctx.topic.query, 'x');
    await this.drain(
      ctx,
      'x:search',
      async (page) => {
        const { tweets, skipped } = parseTweets(page.tweets);
        const rejected = rejectedOf('x', skipped);
        const mentions = mentionsFromSearch(tweets, parseUsers(page.includes.users), ownedIds);
        if (ctx.topic.languages.length) {
          // X's `lang` is a hint; the topic filter uses it only when X gave one.
          const langs = new Set(ctx.topic.languages);
          await ctx.store({
            ...emptyBatch(),
            stream: 'x:search',
            rejected,
            mentions: mentions.filter((m) => !m.platformLang || langs.has(m.platformLang)),
          });
        } else await ctx.store({ ...emptyBatch(), stream: 'x:search', rejected, mentions });
      },
      (params) =>
        this.clients.get().v2.search(query, {
          ...params,
          max_results: 100,
          expansions: EXPANSIONS,
          'tweet.fields': TWEET_FIELDS,
          'user.fields': USER_FIELDS,
        }),
    );
  }

  /**
   * Reads posts of a stream again by id (a quarantine replay): the search's mentions with their
   * authors, or an owned account's posts and replies, as the stream makes them.
   */
  async reread(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }> {
    const batch = { ...emptyBatch(), stream };
    const found: string[] = [];
    const owned = topic.ownedAccounts.filter((a) => a.platform === 'x' && a.externalId);
    for (let i = 0; i < ids.length; i += 100) {
      const res = await this.resumable(null, stream, () =>
        this.clients
          .get()
          .v2.tweets(ids.slice(i, i + 100), { expansions: EXPANSIONS, 'tweet.fields': TWEET_FIELDS, 'user.fields': USER_FIELDS }),
      );
      const raw = (res.data ?? []) as unknown[];
      await this.state.countReads('x', raw.length, topic.workspaceId);
      for (const t of raw) if (typeof (t as { id?: unknown })?.id === 'string') found.push((t as { id: string }).id);
      const { tweets, skipped } = parseTweets(raw);
      batch.rejected.push(...rejectedOf('x', skipped));
      if (stream.startsWith('x:timeline:')) {
        const account = owned.find((a) => `x:timeline:${a.externalId}` === stream);
        if (!account) continue;
        const { posts, replies } = timelineItems(tweets, { externalId: account.externalId!, handle: account.handle });
        batch.posts.push(...posts);
        batch.replies.push(...replies);
      } else {
        batch.mentions.push(...mentionsFromSearch(tweets, parseUsers(res.includes?.users), new Set(owned.map((a) => a.externalId!))));
      }
    }
    return { batch, found };
  }

  /** Looks up each owned account (id and follower count) once per run. */
  private resolveOwnedAccounts(ctx: CollectContext) {
    return resolveOwnedAccounts(ctx, 'x', async (handle) => {
      const res = await this.resumable(ctx, 'x:users', () => this.clients.get().v2.userByUsername(handle, { 'user.fields': USER_FIELDS }));
      const user = parseUsers(res.data ? [res.data] : [])
        .values()
        .next().value;
      if (!user) {
        this.logger.warn({ topicId: ctx.topic.id, handle, errors: res.errors }, 'Owned account not found on X');
        return null;
      }
      return { externalId: user.id, handle: user.username.toLowerCase(), snapshot: snapshotOf(user, new Date()) };
    });
  }

  /**
   * Reads a stream page by page, newest first. After each stored page the cursor records the
   * oldest stored id (`until_id` to resume with) and the newest id of the run; `since_id` moves
   * to that newest id only when the whole run is stored.
   */
  private async drain(
    ctx: CollectContext,
    stream: string,
    onPage: (page: TweetPage) => Promise<void>,
    open: (params: { since_id?: string; until_id?: string }) => Promise<TweetPage>,
  ): Promise<void> {
    await this.resumable(ctx, stream, async () => {
      const state = await ctx.cursor(stream);
      await this.state.assertUnderCap('x', ctx.readCap, ctx.topic.workspaceId);
      let page = await open({ since_id: state.sinceId ?? undefined, until_id: state.pending?.untilId });
      let newest = state.pending?.newestId ?? null;
      for (;;) {
        assertTweetPage(page.data);
        // An unknown user's timeline comes back without `meta`.
        const meta = page.meta ?? {};
        await this.state.countReads('x', meta.result_count ?? page.tweets.length, ctx.topic.workspaceId);
        await onPage(page);
        newest = newerId(newest, meta.newest_id);
        if (page.done || !meta.oldest_id) break;
        await ctx.saveCursor(stream, { sinceId: state.sinceId, pending: { newestId: newest, untilId: meta.oldest_id } });
        await ctx.heartbeat();
        await this.state.assertUnderCap('x', ctx.readCap, ctx.topic.workspaceId);
        page = await page.next();
      }
      await ctx.saveCursor(stream, { sinceId: newerId(state.sinceId, newest), pending: null });
    });
  }

  /**
   * Runs `run` (a whole stream, which re-reads its cursor, or one call) under the retry policy.
   * What X answered when the policy gives up becomes a NetworkApiError; anything else (storing a
   * batch failed) is the run's own fault and propagates as it is.
   */
  private async resumable<T>(ctx: CollectContext | null, stream: string, run: () => Promise<T>): Promise<T> {
    try {
      return await this.retrying(ctx, stream, run);
    } catch (err) {
      if (err instanceof ApiResponseError || err instanceof ApiRequestError || err instanceof ApiPartialResponseError)
        throw new NetworkApiError('x', describeXError(err));
      throw err;
    }
  }

  private retrying<T>(ctx: CollectContext | null, stream: string, run: () => Promise<T>): Promise<T> {
    return withRetryPolicy(
      run,
      (err) => {
        if (err instanceof ApiResponseError && (err.data as { title?: string } | undefined)?.title === 'UsageCapExceeded') {
          // The X project's own monthly cap: waiting for the 15-minute window will not help.
          throw new ReadCapReachedError('x', new Date().toISOString().slice(0, 7), 0);
        }
        if (err instanceof ApiResponseError && err.rateLimitError)
          return { rateLimitedUntil: err.rateLimit?.reset ? err.rateLimit.reset * 1000 : null };
        return isTransient(err) ? 'transient' : 'fatal';
      },
      {
        maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
        transientBaseMs: this.settings.collectorRetryBaseMs,
        waiting: async (reason, { waitMs, attempt, err }) => {
          if (reason === 'rate-limit') {
            this.logger.warn(
              { topicId: ctx?.topic.id, stream, waitMs, reset: (err as ApiResponseError).rateLimit?.reset },
              'X rate limit reached; waiting for the reset',
            );
            await ctx?.heartbeat();
          } else
            this.logger.warn(
              { topicId: ctx?.topic.id, stream, attempt, waitMs, err: (err as Error).message },
              'X request failed; retrying',
            );
        },
      },
    );
  }

  async lookupMetrics(ids: string[]): Promise<MetricsLookup[]> {
    const out: MetricsLookup[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const res = await this.clients.get().v2.tweets(chunk, { 'tweet.fields': ['public_metrics', 'created_at', 'author_id'] });
      await this.state.countReads('x', res.data?.length ?? 0);
      const { tweets, skipped } = parseTweets(res.data ?? []);
      for (const s of skipped) this.logger.warn({ tweetId: s.id, problem: s.problem }, 'Skipped a malformed post from X');
      for (const t of tweets) out.push({ externalId: t.id, metrics: metricsOf(t) });
    }
    return out;
  }
}
