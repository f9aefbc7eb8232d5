import { Injectable, Logger } from '@nestjs/common';
import type { TopicView } from '../../topics/topics.service';
import { emptyBatch, type CollectedBatch } from '../collected';
import { type CollectContext } from '../collector';
import { type OwnedAccountRef } from '../owned-accounts';
import { rejectedOf } from '../payload-items';
import { MetaCollector } from '../meta/meta-collector';
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
export class FacebookCollector extends MetaCollector {
  readonly platform = 'facebook' as const;
  protected readonly logger = new Logger('FacebookCollector');

  async collect(ctx: CollectContext): Promise<void> {
    const backfillMs = this.settings.backfillDays * DAY_MS;
    const pages = await this.ownedAccounts(ctx, 'Facebook Page', async (handle) => {
      const page = parsePage(await this.graph.get(handle, { fields: PAGE_FIELDS }, hooksFor(ctx, 'facebook')));
      if (!page) return null;
      return { externalId: page.id, handle, snapshot: pageSnapshot(page, handle, new Date()) };
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
    const { raw, found: answered } = await this.readAllById(ids, fields, topic.workspaceId);
    found.push(...answered);
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
}
