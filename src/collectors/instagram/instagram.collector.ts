import { Injectable, Logger } from '@nestjs/common';
import type { TopicView } from '../../topics/topics.service';
import { emptyBatch, type CollectedBatch } from '../collected';
import { type CollectContext } from '../collector';
import { rejectedOf } from '../payload-items';
import { MetaCollector } from '../meta/meta-collector';
import { drainNewestFirst, GRAPH_PAGE_SIZE, hooksFor } from '../meta/meta-streams';
import {
  ACCOUNT_FIELDS,
  accountSnapshot,
  COMMENT_FIELDS,
  commentItems,
  MEDIA_FIELDS,
  ownPostOf,
  parseAccount,
  parseComments,
  parseMedia,
  parseTagged,
  TAGGED_FIELDS,
  taggedMentions,
  type InstagramAccountRef,
  type InstagramMedia,
} from './instagram-payload';

const DAY_MS = 24 * 3600_000;

/**
 * Instagram professional accounts through the Instagram Graph API (the Page token of the Page the
 * account is linked to). For each owned account (`{ platform: 'instagram', handle: '<account id>' }`):
 *
 * - `instagram:media:<account>`: its media of the last `BACKFILL_DAYS`, read whole each run (likes
 *   and comment counts keep changing), stored as own posts with no share count (null);
 * - `instagram:comments:<media>`: a media's comments with their replies, read again whenever its
 *   `comments_count` differs from the count last read in full (replies to old comments come
 *   anywhere in the list, so a cursor past the last comment would miss them); others' comments
 *   are mentions, the account's replies brand replies;
 * - `instagram:tags:<account>`: media that tag the account, as mentions, newest first down to the
 *   newest stored (the backfill window on the first run).
 *
 * Hashtag search is not collected (its API allows 30 hashtags a week and gives no authors);
 * @mentions in others' captions arrive by webhook.
 */
@Injectable()
export class InstagramCollector extends MetaCollector {
  readonly platform = 'instagram' as const;
  protected readonly logger = new Logger('InstagramCollector');

  async collect(ctx: CollectContext): Promise<void> {
    const usernames = new Map<string, string>();
    const accounts = await this.ownedAccounts(ctx, 'Instagram account', async (handle) => {
      const account = parseAccount(await this.graph.get(handle, { fields: ACCOUNT_FIELDS }, hooksFor(ctx, 'instagram')));
      if (!account) return null;
      usernames.set(account.id, account.username);
      return { externalId: account.id, handle, snapshot: accountSnapshot(account, new Date()) };
    });
    const backfillMs = this.settings.backfillDays * DAY_MS;
    for (const a of accounts) await this.collectAccount(ctx, { ...a, username: usernames.get(a.externalId) ?? a.handle }, backfillMs);
  }

  private async collectAccount(ctx: CollectContext, account: InstagramAccountRef, backfillMs: number): Promise<void> {
    const mediaStream = `instagram:media:${account.externalId}`;
    const media: InstagramMedia[] = [];
    await drainNewestFirst<InstagramMedia>(ctx, this.graph, {
      platform: 'instagram',
      stream: mediaStream,
      path: `${account.externalId}/media`,
      params: { fields: MEDIA_FIELDS },
      backfillMs,
      wholeWindow: true,
      since: true,
      timeOf: (m) => Date.parse(m.timestamp),
      store: async (raw) => {
        await this.state.countReads('instagram', raw.length, ctx.topic.workspaceId);
        const { items, skipped } = parseMedia(raw);
        await ctx.store({
          ...emptyBatch(),
          stream: mediaStream,
          posts: items.map((m) => ownPostOf(m, account)),
          rejected: rejectedOf('instagram', skipped),
        });
        media.push(...items);
        return items;
      },
    });

    for (const m of media.reverse()) await this.collectComments(ctx, m, account);

    const tagsStream = `instagram:tags:${account.externalId}`;
    await drainNewestFirst(ctx, this.graph, {
      platform: 'instagram',
      stream: tagsStream,
      path: `${account.externalId}/tags`,
      params: { fields: TAGGED_FIELDS },
      backfillMs,
      since: false,
      timeOf: (t: { createdAt: Date }) => t.createdAt.getTime(),
      store: async (raw, floorMs) => {
        await this.state.countReads('instagram', raw.length, ctx.topic.workspaceId);
        const { items, skipped } = parseTagged(raw);
        const mentions = taggedMentions(items, account);
        await ctx.store({
          ...emptyBatch(),
          stream: tagsStream,
          mentions: mentions.filter((m) => m.createdAt.getTime() >= floorMs),
          rejected: rejectedOf('instagram', skipped),
        });
        return mentions;
      },
    });
  }

  /**
   * A media's comments, read in full when its comment count changed since the last full read
   * (`sinceId` = that count); a read cut short resumes after its last stored page.
   */
  private async collectComments(ctx: CollectContext, media: InstagramMedia, account: InstagramAccountRef): Promise<void> {
    const stream = `instagram:comments:${media.id}`;
    const state = await ctx.cursor(stream);
    const count = String(media.comments_count ?? 0);
    if (!state.pending && (state.sinceId === count || (state.sinceId === null && count === '0'))) return;
    let after = state.pending?.untilId ?? null;
    for (;;) {
      const page = await this.graph.page(
        `${media.id}/comments`,
        { fields: COMMENT_FIELDS, limit: GRAPH_PAGE_SIZE },
        after,
        hooksFor(ctx, 'instagram'),
      );
      await this.state.countReads('instagram', page.data.length, ctx.topic.workspaceId);
      const { items, skipped } = parseComments(page.data);
      const { mentions, replies } = commentItems(items, { id: media.id, permalink: media.permalink }, account);
      await ctx.store({ ...emptyBatch(), stream, mentions, rejected: rejectedOf('instagram', skipped) });
      if (replies.length) await ctx.store({ ...emptyBatch(), stream, replies });
      if (!page.hasNext || !page.after) break;
      after = page.after;
      await ctx.saveCursor(stream, { sinceId: state.sinceId, pending: { newestId: null, untilId: after } });
      await ctx.heartbeat();
    }
    await ctx.saveCursor(stream, { sinceId: count, pending: null });
  }

  /**
   * Reads quarantined items again by id (a replay) and makes them what their stream makes; an id
   * Graph no longer answers is left out of `found`.
   */
  async reread(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }> {
    const batch = { ...emptyBatch(), stream };
    const found: string[] = [];
    const [, kind, target] = stream.split(':');
    const owned = topic.ownedAccounts.filter((a) => a.platform === 'instagram' && a.externalId);
    let ownerId = kind === 'comments' ? null : target;
    let permalink = '';
    if (kind === 'comments') {
      const media = (await this.readById(target, 'id,permalink,owner')) as { permalink?: string; owner?: { id?: string } } | null;
      if (!media) return { batch, found };
      ownerId = media.owner?.id ?? null;
      permalink = media.permalink ?? '';
    }
    const ownedAccount = owned.find((a) => a.externalId === ownerId);
    if (!ownedAccount?.externalId) return { batch, found };
    const usernameOf = (await this.readById(ownedAccount.externalId, 'id,username')) as { username?: string } | null;
    const account = {
      externalId: ownedAccount.externalId,
      handle: ownedAccount.handle,
      username: usernameOf?.username ?? ownedAccount.handle,
    };
    const fields = kind === 'media' ? MEDIA_FIELDS : kind === 'tags' ? TAGGED_FIELDS : 'id,text,timestamp,username,from,parent_id';
    const { raw, found: answered } = await this.readAllById(ids, fields, topic.workspaceId);
    found.push(...answered);
    if (kind === 'media') {
      const { items, skipped } = parseMedia(raw);
      batch.posts.push(...items.map((m) => ownPostOf(m, account)));
      batch.rejected.push(...rejectedOf('instagram', skipped));
    } else if (kind === 'tags') {
      const { items, skipped } = parseTagged(raw);
      batch.mentions.push(...taggedMentions(items, account));
      batch.rejected.push(...rejectedOf('instagram', skipped));
    } else {
      const { items, skipped } = parseComments(raw);
      const parents = new Map(raw.map((r) => [(r as { id?: unknown })?.id, (r as { parent_id?: unknown })?.parent_id]));
      const withParents = items.map((c) => {
        const parentId = parents.get(c.id);
        return typeof parentId === 'string' ? { ...c, parentId, parentUserId: null } : c;
      });
      const { mentions, replies } = commentItems(withParents, { id: target, permalink }, account);
      batch.mentions.push(...mentions);
      batch.replies.push(...replies);
      batch.rejected.push(...rejectedOf('instagram', skipped));
    }
    return { batch, found };
  }
}
