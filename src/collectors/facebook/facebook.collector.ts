import { Inject, Injectable, Logger } from '@nestjs/common';
import { Settings, SETTINGS } from '../../config/settings';
import type { TopicView } from '../../topics/topics.service';
import { emptyBatch, type CollectedBatch } from '../collected';
import { type CollectContext, type Collector, type MetricsLookup } from '../collector';
import { NetworkTargets } from '../../config/network-targets';
import { CollectorStateService } from '../collector-state.service';
import { resolveOwnedAccounts, type OwnedAccountRef } from '../owned-accounts';
import { rejectedOf } from '../payload-items';
import { MetaGraphClient } from '../meta/graph-client';
import { drainNewestFirst, drainOldestFirst, hooksFor } from '../meta/meta-streams';
import {
  COMMENT_FIELDS,
  commentItems,
  OTHERS_POST_FIELDS,
  othersPostMentions,
  ownPostOf,
  PAGE_FIELDS,
  PAGE_POST_FIELDS,
  pageSnapshot,
  parseComments,
  parseOthersPosts,
  parsePage,
  parsePagePosts,
  type FacebookPagePost,
} from './facebook-payload';

const DAY_MS = 24 * 3600_000;

/**
 * Facebook Pages through the Graph API (`META_ACCESS_TOKEN`, a Page or system-user token). For
 * each owned Page (`{ platform: 'facebook', handle: '<page id>' }`):
 *
 * - `facebook:posts:<page>`: the Page's published posts of the last `BACKFILL_DAYS`, read whole
 *   each run (their reactions, shares and comment counts keep changing; `lookupMetrics` is not
 *   needed), stored as own posts;
 * - `facebook:comments:<post>`: each such post's comments with replies (`filter=stream`, oldest
 *   first), continued after the last stored page: others' comments are mentions, the Page's
 *   replies brand replies to the comment they answer;
 * - `facebook:visitor:<page>` and `facebook:tagged:<page>`: posts others wrote on the Page or
 *   tagging it, as mentions, from the newest stored on (the backfill window on the first run).
 *
 * The topic's query does not filter: everything said to or about the Page is the brand's.
 */
@Injectable()
export class FacebookCollector implements Collector {
  readonly platform = 'facebook' as const;
  private readonly logger = new Logger('FacebookCollector');

  constructor(
    private readonly graph: MetaGraphClient,
    private readonly state: CollectorStateService,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly targets: NetworkTargets,
  ) {}

  get configured(): boolean {
    return this.graph.configured;
  }

  async collect(ctx: CollectContext): Promise<void> {
    if (!this.graph.configured) {
      this.logger.warn(
        { topicId: ctx.topic.id },
        'Topic lists Facebook, but META_ACCESS_TOKEN and META_APP_SECRET are not set; skipping Facebook',
      );
      return;
    }
    const backfillMs = this.settings.backfillDays * DAY_MS;
    const pages = await resolveOwnedAccounts(ctx, 'facebook', async (handle) => {
      try {
        const page = parsePage(await this.graph.get(handle, { fields: PAGE_FIELDS }, hooksFor(ctx, 'facebook')));
        if (!page) return null;
        return { externalId: page.id, handle, snapshot: pageSnapshot(page, handle, new Date()) };
      } catch (err) {
        if (err instanceof Error && /error 100\/33\b/.test(err.message)) {
          this.logger.warn({ topicId: ctx.topic.id, handle }, 'Facebook Page not found, or the token cannot read it');
          return null;
        }
        throw err;
      }
    });
    for (const page of pages) await this.collectPage(ctx, page, backfillMs);
  }

  private async collectPage(ctx: CollectContext, page: OwnedAccountRef, backfillMs: number): Promise<void> {
    const postsStream = `facebook:posts:${page.externalId}`;
    const posts: FacebookPagePost[] = [];
    await drainNewestFirst<FacebookPagePost>(ctx, this.graph, {
      platform: 'facebook',
      stream: postsStream,
      path: `${page.externalId}/published_posts`,
      params: { fields: PAGE_POST_FIELDS },
      backfillMs,
      wholeWindow: true,
      since: true,
      timeOf: (p) => Date.parse(p.created_time),
      store: async (raw) => {
        await this.state.countReads('facebook', raw.length, ctx.topic.workspaceId);
        const { items, skipped } = parsePagePosts(raw);
        await ctx.store({
          ...emptyBatch(),
          stream: postsStream,
          posts: items.map((p) => ownPostOf(p, page)),
          rejected: rejectedOf('facebook', skipped),
        });
        posts.push(...items);
        return items;
      },
    });

    // Comments of each post of the window, the oldest post first (a thread's replies after their comments).
    for (const post of posts.reverse()) {
      const stream = `facebook:comments:${post.id}`;
      await drainOldestFirst(ctx, this.graph, {
        platform: 'facebook',
        stream,
        path: `${post.id}/comments`,
        params: { filter: 'stream', order: 'chronological', fields: COMMENT_FIELDS },
        store: async (raw) => {
          await this.state.countReads('facebook', raw.length, ctx.topic.workspaceId);
          const { items, skipped } = parseComments(raw);
          const { mentions, replies } = commentItems(items, { id: post.id, url: post.permalink_url }, page);
          // a thread's brand replies after the comments they answer
          await ctx.store({ ...emptyBatch(), stream, mentions, rejected: rejectedOf('facebook', skipped) });
          if (replies.length) await ctx.store({ ...emptyBatch(), stream, replies });
        },
      });
    }

    for (const [edge, kind] of [
      ['visitor_posts', 'visitor'],
      ['tagged', 'tagged'],
    ] as const) {
      const stream = `facebook:${kind}:${page.externalId}`;
      await drainNewestFirst(ctx, this.graph, {
        platform: 'facebook',
        stream,
        path: `${page.externalId}/${edge}`,
        params: { fields: OTHERS_POST_FIELDS },
        backfillMs,
        since: true,
        timeOf: (m: { createdAt: Date }) => m.createdAt.getTime(),
        store: async (raw) => {
          await this.state.countReads('facebook', raw.length, ctx.topic.workspaceId);
          const { items, skipped } = parseOthersPosts(raw);
          const mentions = othersPostMentions(items, page);
          await ctx.store({ ...emptyBatch(), stream, mentions, rejected: rejectedOf('facebook', skipped) });
          return mentions;
        },
      });
    }
  }

  /**
   * Reads quarantined items again by id (a replay) and makes them what their stream makes; an id
   * Graph no longer answers (deleted, or hidden from the token) is left out of `found`.
   */
  async reread(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }> {
    const batch = { ...emptyBatch(), stream };
    const found: string[] = [];
    const [, kind, target] = stream.split(':');
    const pageAccount = topic.ownedAccounts.find(
      (a) =>
        a.platform === 'facebook' &&
        a.externalId &&
        (kind === 'comments' ? target.startsWith(`${a.externalId}_`) : a.externalId === target),
    );
    if (!pageAccount?.externalId) return { batch, found };
    const page = { externalId: pageAccount.externalId, handle: pageAccount.handle };
    const fields = kind === 'posts' ? PAGE_POST_FIELDS : kind === 'comments' ? COMMENT_FIELDS : OTHERS_POST_FIELDS;
    const raw: unknown[] = [];
    for (const id of ids) {
      const item = await this.readById(id, fields);
      if (item === null) continue;
      found.push(id);
      raw.push(item);
    }
    await this.state.countReads('facebook', raw.length, topic.workspaceId);
    if (kind === 'posts') {
      const { items, skipped } = parsePagePosts(raw);
      batch.posts.push(...items.map((p) => ownPostOf(p, page)));
      batch.rejected.push(...rejectedOf('facebook', skipped));
    } else if (kind === 'comments') {
      const { items, skipped } = parseComments(raw);
      const { mentions, replies } = commentItems(
        items,
        { id: target, url: `https://www.facebook.com/${target.replace('_', '/posts/')}` },
        page,
      );
      batch.mentions.push(...mentions);
      batch.replies.push(...replies);
      batch.rejected.push(...rejectedOf('facebook', skipped));
    } else {
      const { items, skipped } = parseOthersPosts(raw);
      batch.mentions.push(...othersPostMentions(items, page));
      batch.rejected.push(...rejectedOf('facebook', skipped));
    }
    return { batch, found };
  }

  /** An object by id, or null when Graph says it does not exist (error 100, subcode 33). */
  private async readById(id: string, fields: string): Promise<unknown> {
    try {
      return await this.graph.get(id, { fields }, hooksFor(null, 'facebook'));
    } catch (err) {
      if (err instanceof Error && /error 100\/33\b/.test(err.message)) return null;
      throw err;
    }
  }

  /** Own posts' metrics are read again by every run (the whole window); mentions' are not tracked. */
  /** `stopped`: why the channel is stopped (Graph refused the token, 190), until META_ACCESS_TOKEN is renewed. */
  networkStatus(): Record<string, unknown> {
    const stopped = this.graph.stoppedBecause();
    return {
      stopped: stopped
        ? { reason: stopped.message, code: stopped.graphError.code ?? null, subcode: stopped.graphError.error?.error_subcode ?? null }
        : null,
    };
  }

  async lookupMetrics(): Promise<MetricsLookup[]> {
    return [];
  }
}
