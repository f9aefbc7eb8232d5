import { Inject, Injectable, Logger } from '@nestjs/common';
import { Settings, SETTINGS } from '../../config/settings';
import { MastoDeserializeError, MastoHttpError, MastoTimeoutError, MastoUnexpectedError } from 'masto';
import type { TopicView } from '../../topics/topics.service';
import { emptyBatch, type CollectedBatch, type RejectedItem } from '../collected';
import { graphemeLength, type CollectContext, type Collector, type MetricsLookup } from '../collector';
import { CollectorStateService, newerId } from '../collector-state.service';
import { resolveOwnedAccounts } from '../owned-accounts';
import { termsToSearch, topicMatcher } from '../../topics/query';
import { MastodonClients } from './mastodon-client';
import { isFetchFailure, retryingMastodon } from './mastodon-retry';
import {
  mentionsOf,
  metricsOf,
  parseAccount,
  parseStatuses,
  queryableOf,
  snapshotOf,
  timelineItems,
  type MastodonStatus,
} from './mastodon-payload';
import { rejectedOf } from '../payload-items';
import { glimpseOf, NetworkApiError } from '../network-error';

/** Mastodon pages hold at most 40 statuses. */
const PAGE_SIZE = 40;
/** `GET /api/v1/statuses?id[]=` takes at most 20 ids. */
const LOOKUP_CHUNK = 20;
const FIRST_RUN_WINDOW_MS = 7 * 24 * 3600_000;
/** The reply as sent: it names the customer (`@acct`, as Mastodon's apps do, so they are notified) unless it already does. */
export function mastodonReplyText(text: string, customerHandle: string): string {
  const handle = customerHandle.replace(/^@/, '');
  const escaped = handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|\\s)@${escaped}(?=$|\\s|[.,!?:;])`, 'i').test(text) ? text : `@${handle} ${text}`;
}

/** Mastodon's count: graphemes, with every link as 23 and `@user@domain` as `@user`. */
export function mastodonLength(text: string): number {
  const counted = text.replace(/https?:\/\/\S+/g, 'x'.repeat(23)).replace(/(^|\s)@(\w+)@[\w.-]+\w/g, '$1@$2');
  return graphemeLength(counted);
}

/** What the instance answered, in words, once the retry policy has given up. */
export function describeMastoError(err: unknown): string {
  if (err instanceof MastoHttpError) return `answered ${err.statusCode}: ${err.message}${err.statusCode >= 500 ? ' (after retrying)' : ''}`;
  if (err instanceof MastoTimeoutError) return `did not answer in time (after retrying)`;
  if (err instanceof MastoDeserializeError)
    return `answered a body that could not be read (${String(err.contentType)} cut short or malformed) (after retrying)`;
  if (err instanceof MastoUnexpectedError) return `answered something unexpected: ${err.message} (after retrying)`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (isFetchFailure(err)) return `could not be reached: ${cause?.code ?? cause?.message ?? (err as Error).message} (after retrying)`;
  return (err as Error).message;
}

/** A body that should be a list of statuses and is not (an HTML page read as nothing, an error at status 200) fails the run. */
function statusesOf(body: unknown, what: string): readonly unknown[] {
  if (Array.isArray(body)) return body;
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') throw new NetworkApiError('mastodon', `answered an error with status 200: ${error}`);
  throw new NetworkApiError(
    'mastodon',
    `answered ${body === undefined ? 'a body that is not JSON (an HTML page?)' : glimpseOf(body)} with status 200 instead of ${what}`,
  );
}

/** Pages of statuses, newest first, from `maxId` (exclusive) downwards. */
type PageSource = (maxId: string | undefined) => AsyncIterable<readonly unknown[]>;

/**
 * Mastodon through `masto` (one instance, `MASTODON_URL`, a read token): the topic's hashtags by
 * tag timeline and its other terms by full-text search (`/api/v2/search`, statuses that the
 * instance can search), the owned accounts' posts and replies by their statuses, metrics by
 * status lookup. Timelines are read with the library's paginator (it follows the `Link` header);
 * search has no `Link`, so it is paged by `max_id`. Each stream resumes from the oldest id of its
 * last stored page; 429s are waited out until `X-RateLimit-Reset`; 5xx, timeouts and network
 * errors are retried with exponential back-off.
 */
@Injectable()
export class MastodonCollector implements Collector {
  readonly platform = 'mastodon' as const;
  private readonly logger = new Logger('MastodonCollector');

  get configured(): boolean {
    return this.clients.configured;
  }

  constructor(
    private readonly clients: MastodonClients,
    private readonly state: CollectorStateService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async collect(ctx: CollectContext): Promise<void> {
    if (!this.clients.configured) {
      this.logger.warn(
        { topicId: ctx.topic.id },
        'Topic lists Mastodon, but MASTODON_URL and MASTODON_ACCESS_TOKEN are not set; skipping Mastodon',
      );
      return;
    }
    const { terms, problem } = termsToSearch(ctx.topic.query, 'mastodon');
    if (problem) this.logger.warn({ topicId: ctx.topic.id, problem }, 'Topic query cannot be searched on Mastodon; skipping its mentions');
    const owned = await this.resolveOwnedAccounts(ctx);
    const ownedIds = new Set(owned.map((a) => a.externalId));

    // The brand's statuses first, so its replies are known when the mentions they answer arrive.
    for (const account of owned) {
      const stream = `mastodon:statuses:${account.externalId}`;
      await this.drain(
        ctx,
        stream,
        (maxId) =>
          this.clients.get().v1.accounts.$select(account.externalId).statuses.list({ limit: PAGE_SIZE, maxId, excludeReblogs: true }),
        async (statuses, rejected) => {
          const { posts, replies } = timelineItems(statuses, account);
          await ctx.store({ ...emptyBatch(), stream, posts, replies, rejected });
        },
      );
    }

    const matches = topicMatcher(ctx.topic.query, queryableOf);
    const langs = new Set(ctx.topic.languages);
    const storeMentions = (stream: string) => async (statuses: MastodonStatus[], rejected: RejectedItem[]) => {
      const mentions = mentionsOf(statuses.filter(matches), ownedIds).filter(
        (m) => !langs.size || !m.platformLang || langs.has(m.platformLang),
      );
      await ctx.store({ ...emptyBatch(), stream, mentions, rejected });
    };
    for (const term of terms) {
      const tag = /^#[\p{L}\p{M}\p{N}_]+$/u.test(term) ? term.slice(1) : null;
      const stream = tag ? `mastodon:tag:${tag.toLowerCase()}` : `mastodon:search:${term}`;
      if (tag) {
        await this.drain(
          ctx,
          stream,
          (maxId) => this.clients.get().v1.timelines.tag.$select(tag).list({ limit: PAGE_SIZE, maxId }),
          storeMentions(stream),
        );
      } else {
        await this.drain(ctx, stream, (maxId) => this.searchPages(term, maxId), storeMentions(stream));
      }
    }
  }

  /** Full-text search pages, newest first, paged by `max_id` (the search API sends no `Link`). */
  private async *searchPages(q: string, maxId: string | undefined): AsyncIterable<readonly unknown[]> {
    let before = maxId;
    for (;;) {
      const res = await this.clients.get().v2.search.list({ q, type: 'statuses', resolve: false, limit: PAGE_SIZE, maxId: before });
      if (res === undefined || typeof (res as { error?: unknown }).error === 'string') statusesOf(res, 'search results');
      const statuses = statusesOf(res.statuses, 'search results') as typeof res.statuses;
      yield statuses;
      if (statuses.length < PAGE_SIZE) return;
      before = statuses[statuses.length - 1].id;
    }
  }

  /** Reads statuses of a stream again by id (a quarantine replay) and makes them what the stream makes. */
  async reread(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }> {
    const batch = { ...emptyBatch(), stream };
    const found: string[] = [];
    const owned = topic.ownedAccounts.filter((a) => a.platform === 'mastodon' && a.externalId);
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const raw = statusesOf(
        await this.resumable(null, stream, () => this.clients.get().v1.statuses.fetch({ id: ids.slice(i, i + LOOKUP_CHUNK) })),
        'statuses',
      );
      await this.state.countReads('mastodon', raw.length, topic.workspaceId);
      for (const s of raw) if (typeof (s as { id?: unknown })?.id === 'string') found.push((s as { id: string }).id);
      const { statuses, skipped } = parseStatuses(raw);
      batch.rejected.push(...rejectedOf('mastodon', skipped));
      if (stream.startsWith('mastodon:statuses:')) {
        const account = owned.find((a) => `mastodon:statuses:${a.externalId}` === stream);
        if (!account) continue;
        const { posts, replies } = timelineItems(statuses, { externalId: account.externalId!, handle: account.handle });
        batch.posts.push(...posts);
        batch.replies.push(...replies);
      } else batch.mentions.push(...mentionsOf(statuses, new Set(owned.map((a) => a.externalId!))));
    }
    return { batch, found };
  }

  /** Looks up each owned account (id and follower count) once per run. */
  private resolveOwnedAccounts(ctx: CollectContext) {
    return resolveOwnedAccounts(ctx, 'mastodon', async (handle) => {
      try {
        const account = parseAccount(
          await this.retrying(ctx, 'mastodon:accounts', () => this.clients.get().v1.accounts.lookup({ acct: handle })),
        );
        if (!account) throw new NetworkApiError('mastodon', `answered an account that is not one for ${handle}`);
        return { externalId: account.id, handle: account.acct.toLowerCase(), snapshot: snapshotOf(account, new Date()) };
      } catch (err) {
        if (!(err instanceof MastoHttpError) || err.statusCode !== 404) throw this.asNetworkError(err);
        this.logger.warn({ topicId: ctx.topic.id, handle }, 'Owned account not found on Mastodon');
        return null;
      }
    });
  }

  /**
   * Reads a stream page by page, newest first, down to what the last complete run stored
   * (`sinceId`) or, on a first run, a week back. After each stored page the cursor records the
   * oldest id read (`max_id` to resume with) and the newest of the run; `sinceId` moves to that
   * newest id only when the whole run is stored. A failure re-reads the cursor and resumes.
   */
  private async drain(
    ctx: CollectContext,
    stream: string,
    source: PageSource,
    store: (statuses: MastodonStatus[], rejected: RejectedItem[]) => Promise<void>,
  ): Promise<void> {
    await this.resumable(ctx, stream, async () => {
      const state = await ctx.cursor(stream);
      const cutoff = Date.now() - FIRST_RUN_WINDOW_MS;
      let newest = state.pending?.newestId ?? null;
      for await (const page of source(state.pending?.untilId)) {
        const raw = statusesOf(page, 'a list of statuses');
        await this.state.countReads('mastodon', raw.length, ctx.topic.workspaceId);
        const { statuses, skipped } = parseStatuses(raw);
        const fresh = statuses.filter((s) => (state.sinceId ? BigInt(s.id) > BigInt(state.sinceId) : Date.parse(s.createdAt) >= cutoff));
        // a faulty status older than what the last run stored was met (and set aside) then
        const rejected = rejectedOf('mastodon', skipped).filter(
          (r) => !state.sinceId || !r.externalId || !/^\d+$/.test(r.externalId) || BigInt(r.externalId) > BigInt(state.sinceId),
        );
        await store(fresh, rejected);
        for (const s of fresh) newest = newerId(newest, s.id);
        const oldest = statuses.reduce<string | null>((min, s) => (min === null || BigInt(s.id) < BigInt(min) ? s.id : min), null);
        if (!oldest || fresh.length < statuses.length) break;
        await ctx.saveCursor(stream, { sinceId: state.sinceId, pending: { newestId: newest, untilId: oldest } });
        await ctx.heartbeat();
      }
      await ctx.saveCursor(stream, { sinceId: newerId(state.sinceId, newest), pending: null });
    });
  }

  /**
   * Runs `run` (a whole stream, which re-reads its cursor, or one call) under the retry policy.
   * What the instance answered when the policy gives up becomes a NetworkApiError; anything else
   * (storing a batch failed) is the run's own fault and propagates as it is.
   */
  private async resumable<T>(ctx: CollectContext | null, stream: string, run: () => Promise<T>): Promise<T> {
    try {
      return await this.retrying(ctx, stream, run);
    } catch (err) {
      throw this.asNetworkError(err);
    }
  }

  private asNetworkError(err: unknown): unknown {
    const fromMasto =
      err instanceof MastoHttpError ||
      err instanceof MastoTimeoutError ||
      err instanceof MastoUnexpectedError ||
      err instanceof MastoDeserializeError;
    return fromMasto || isFetchFailure(err) ? new NetworkApiError('mastodon', describeMastoError(err)) : err;
  }

  private retrying<T>(ctx: CollectContext | null, stream: string, run: () => Promise<T>): Promise<T> {
    return retryingMastodon({ stream, logger: this.logger, transientBaseMs: this.settings.collectorRetryBaseMs, ctx }, run);
  }

  async lookupMetrics(ids: string[]): Promise<MetricsLookup[]> {
    if (!this.clients.configured || ids.length === 0) return [];
    const out: MetricsLookup[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      const found = await this.resumable(null, 'mastodon:lookup', () => this.clients.get().v1.statuses.fetch({ id: chunk }));
      await this.state.countReads('mastodon', found.length);
      const { statuses, skipped } = parseStatuses(found);
      for (const s of skipped) this.logger.warn({ statusId: s.id, problem: s.problem }, 'Skipped a malformed status from Mastodon');
      for (const s of statuses) out.push({ externalId: s.id, metrics: metricsOf(s) });
    }
    return out;
  }
}
