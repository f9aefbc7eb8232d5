import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { Settings, SETTINGS } from '../../config/settings';
import { emptyBatch } from '../collected';
import type { CollectContext, Collector, MetricsLookup } from '../collector';
import { CollectorStateService, newerId, ReadCapReachedError } from '../collector-state.service';
import { resolveOwnedAccounts } from '../owned-accounts';
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
  return false;
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
      await this.drain(ctx, `x:timeline:${account.externalId}`, async (page) => {
        const { tweets, skipped } = parseTweets(page.tweets);
        this.reportSkipped(ctx, skipped);
        const { posts, replies } = timelineItems(tweets, account);
        await ctx.store({ ...emptyBatch(), posts, replies });
      }, (params) =>
        this.clients.get().v2.userTimeline(account.externalId, {
          ...params,
          ...(params.since_id || params.until_id ? {} : { start_time: new Date(Date.now() - FIRST_TIMELINE_WINDOW_MS).toISOString() }),
          max_results: 100,
          exclude: ['retweets'],
          'tweet.fields': TWEET_FIELDS,
        }) as unknown as Promise<TweetPage>,
      );
    }

    await this.drain(ctx, 'x:search', async (page) => {
      const { tweets, skipped } = parseTweets(page.tweets);
      this.reportSkipped(ctx, skipped);
      const mentions = mentionsFromSearch(tweets, parseUsers(page.includes.users), ownedIds);
      if (ctx.topic.languages.length) {
        // X's `lang` is a hint; the topic filter uses it only when X gave one.
        const langs = new Set(ctx.topic.languages);
        await ctx.store({ ...emptyBatch(), mentions: mentions.filter((m) => !m.platformLang || langs.has(m.platformLang)) });
      } else await ctx.store({ ...emptyBatch(), mentions });
    }, (params) =>
      this.clients.get().v2.search(ctx.topic.query, {
        ...params,
        max_results: 100,
        expansions: EXPANSIONS,
        'tweet.fields': TWEET_FIELDS,
        'user.fields': USER_FIELDS,
      }) as unknown as Promise<TweetPage>,
    );
  }

  private reportSkipped(ctx: CollectContext, skipped: { id: string; problem: string }[]) {
    for (const s of skipped) this.logger.warn({ topicId: ctx.topic.id, tweetId: s.id, problem: s.problem }, 'Skipped a malformed post from X');
  }

  /** Looks up each owned account (id and follower count) once per run. */
  private resolveOwnedAccounts(ctx: CollectContext) {
    return resolveOwnedAccounts(ctx, 'x', async (handle) => {
      const res = await this.resumable(ctx, 'x:users', () => this.clients.get().v2.userByUsername(handle, { 'user.fields': USER_FIELDS }));
      const user = parseUsers(res.data ? [res.data] : []).values().next().value;
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
      await this.state.assertUnderCap('x', ctx.readCap);
      let page = await open({ since_id: state.sinceId ?? undefined, until_id: state.pending?.untilId });
      let newest = state.pending?.newestId ?? null;
      for (;;) {
        // An unknown user's timeline comes back without `meta`.
        const meta = page.meta ?? {};
        await this.state.countReads('x', meta.result_count ?? page.tweets.length);
        await onPage(page);
        newest = newerId(newest, meta.newest_id);
        if (page.done || !meta.oldest_id) break;
        await ctx.saveCursor(stream, { sinceId: state.sinceId, pending: { newestId: newest, untilId: meta.oldest_id } });
        await ctx.heartbeat();
        await this.state.assertUnderCap('x', ctx.readCap);
        page = await page.next();
      }
      await ctx.saveCursor(stream, { sinceId: newerId(state.sinceId, newest), pending: null });
    });
  }

  /** Runs `run` (a whole stream, which re-reads its cursor, or one call) under the retry policy. */
  private resumable<T>(ctx: CollectContext, stream: string, run: () => Promise<T>): Promise<T> {
    return withRetryPolicy(
      run,
      (err) => {
        if (err instanceof ApiResponseError && (err.data as { title?: string } | undefined)?.title === 'UsageCapExceeded') {
          // The X project's own monthly cap: waiting for the 15-minute window will not help.
          throw new ReadCapReachedError('x', new Date().toISOString().slice(0, 7), 0);
        }
        if (err instanceof ApiResponseError && err.rateLimitError) return { rateLimitedUntil: err.rateLimit?.reset ? err.rateLimit.reset * 1000 : null };
        return isTransient(err) ? 'transient' : 'fatal';
      },
      {
        maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
        waiting: async (reason, { waitMs, attempt, err }) => {
          if (reason === 'rate-limit') {
            this.logger.warn({ topicId: ctx.topic.id, stream, waitMs, reset: (err as ApiResponseError).rateLimit?.reset }, 'X rate limit reached; waiting for the reset');
            await ctx.heartbeat();
          } else this.logger.warn({ topicId: ctx.topic.id, stream, attempt, waitMs, err: (err as Error).message }, 'X request failed; retrying');
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
