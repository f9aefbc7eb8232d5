import { Injectable, Logger } from '@nestjs/common';
import type { CaseSla } from '../care/case-timeline';
import { SlaClock } from '../care/sla';
import type { MentionInput, ReplyInput } from '../collectors/collected';
import { SUPPORT_INTENTS } from '../common/labels';
import { MentionsService, type CareMessageRow } from '../mentions/mentions.service';
import { publicCareFromSlots, type PublicCareKpis } from '../reports/kpis/competitors';
import type { TimeRange } from '../reports/kpis';
import type { TopicView } from '../topics/topics.service';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import { CompetitorRepliesRepository, type CompetitorReplyRow } from './competitor-replies.repository';
import { publicCaseEntry, publicCases } from './public-care';
import { PublicCareRepository } from './public-care.repository';

/** Replies to replies are followed this deep when a customer's cases are rebuilt. */
const MAX_REPLY_CHAIN = 5;
const SUPPORT = new Set<string>(SUPPORT_INTENTS);
const EPOCH = new Date(0);
const END_OF_TIME = new Date(8.64e15);

/**
 * Keeps each competitor topic's public cases (./public-care.ts) current as its mentions and replies
 * are stored, so the share of voice reads 15-minute slots instead of rebuilding cases per request.
 *
 * A competitor's cases never span two customers: a message joins or reopens only its author's case
 * on its network, and a reply answers the case holding the post it replies to. So when a batch
 * arrives, only the cases of the customers it touches are rebuilt, from all their messages of the
 * topic and every reply to them, by the same `publicCases` the drill-down uses, and the slots those
 * cases open in are recounted from the stored cases. Both steps are idempotent, and collection
 * calls this with every post of a batch, stored now or before: a run that dies before this step
 * leaves its cursor where it was, so the next run reads the batch again and repairs it. A topic
 * never built (one made a competitor later, data from before this ledger) or built with another
 * abandonment window is rebuilt whole at its next read or batch.
 */
@Injectable()
export class PublicCareLedger {
  private readonly logger = new Logger('PublicCareLedger');
  /** Rebuilds in flight, per topic: concurrent readers wait for the same one. */
  private readonly building = new Map<string, Promise<void>>();

  constructor(
    private readonly mentions: MentionsService,
    private readonly replies: CompetitorRepliesRepository,
    private readonly store: PublicCareRepository,
  ) {}

  /** A competitor's public care in range, from its slots. */
  async kpis(ws: WorkspaceView, topic: TopicView, range: TimeRange, platform: string | undefined, now: Date): Promise<PublicCareKpis> {
    await this.ensureBuilt(ws, topic, now);
    return publicCareFromSlots(await this.store.slotsOf(ws.id, topic.id, range.from, range.to, platform), range);
  }

  /** After a competitor topic's batch is stored: rebuilds the cases of the customers it touches. */
  async stored(ws: WorkspaceView, topic: TopicView, mentions: readonly MentionInput[], replies: readonly ReplyInput[], now = new Date()) {
    if (topic.role !== 'competitor' || (mentions.length === 0 && replies.length === 0)) return;
    if ((await this.ensureBuilt(ws, topic, now)) === 'rebuilt') return; // rebuilt whole after this batch was stored
    const customers = new Map<string, Set<string>>();
    const add = (platform: string, author: string) => {
      if (!customers.has(platform)) customers.set(platform, new Set());
      customers.get(platform)!.add(author);
    };
    for (const m of mentions) if (m.author?.externalId) add(m.platform, m.author.externalId);
    for (const [platform, ids] of groupByPlatform(replies.map((r) => ({ platform: r.platform, id: r.inReplyToExternalId })))) {
      for (const author of await this.authorsAnswered(ws, topic, platform, ids)) add(platform, author);
    }
    const sla = slaOf(ws);
    for (const [platform, authors] of customers) await this.rebuildCustomers(ws, topic, platform, [...authors], sla, now);
  }

  /** Every public case of a competitor topic again, from all its mentions and replies. */
  async rebuild(ws: WorkspaceView, topic: TopicView, now = new Date()): Promise<void> {
    const sla = slaOf(ws);
    const [support, replies] = await Promise.all([
      this.mentions.careMessagesOfTopics(ws.id, [topic.id], SUPPORT_INTENTS, EPOCH, END_OF_TIME),
      this.replies.published(ws.id, [topic.id], EPOCH, END_OF_TIME),
    ]);
    // the messages replies answer that are no support request (a follow-up, a thank-you) still join their case
    const known = new Set(support.map((m) => `${m.platform}\n${m.externalId}`));
    const missing = groupByPlatform(
      replies
        .filter((r) => !known.has(`${r.platform}\n${r.inReplyToExternalId}`))
        .map((r) => ({ platform: r.platform, id: r.inReplyToExternalId })),
    );
    const answered = (
      await Promise.all([...missing].map(([platform, ids]) => this.mentions.careMessagesByExternalIds(ws.id, platform, ids)))
    )
      .flat()
      .filter((m) => m.topicIds.includes(topic.id));
    const cases = publicCases([...support, ...answered], replies, sla, now);
    await this.store.replaceTopic(ws.id, topic.id, cases.map(publicCaseEntry));
    await this.store.markBuilt(ws.id, topic.id, ws.settings.sla.abandonmentSeconds, now);
    this.logger.log({ workspaceId: ws.id, topicId: topic.id, cases: cases.length }, "Rebuilt a competitor's public cases");
  }

  /**
   * Builds the topic's cases when they were never built or were built with other settings:
   * `rebuilt` when this call started the rebuild, `built` when they were (or another call's
   * rebuild, which may have read the data before the caller's batch, has finished).
   */
  private async ensureBuilt(ws: WorkspaceView, topic: TopicView, now: Date): Promise<'built' | 'rebuilt'> {
    const running = this.building.get(topic.id);
    if (running) {
      await running;
      return 'built';
    }
    if ((await this.store.builtWith(ws.id, topic.id)) === ws.settings.sla.abandonmentSeconds) return 'built';
    const build = this.rebuild(ws, topic, now).finally(() => this.building.delete(topic.id));
    this.building.set(topic.id, build);
    await build;
    return 'rebuilt';
  }

  /** The authors of the topic's posts these replies answer, through the topic's own earlier replies. */
  private async authorsAnswered(ws: WorkspaceView, topic: TopicView, platform: string, ids: string[]): Promise<string[]> {
    const authors = new Set<string>();
    let pending = ids;
    for (let depth = 0; depth < MAX_REPLY_CHAIN && pending.length; depth++) {
      const messages = await this.mentions.careMessagesByExternalIds(ws.id, platform, pending);
      for (const m of messages) if (m.topicIds.includes(topic.id)) authors.add(m.authorId);
      const found = new Set(messages.map((m) => m.externalId));
      const earlier = await this.replies.byExternalIds(
        ws.id,
        topic.id,
        platform,
        pending.filter((id) => !found.has(id)),
      );
      pending = earlier.map((r) => r.inReplyToExternalId);
    }
    return [...authors];
  }

  /** The cases of some customers again: their messages of the topic and every reply to them (and to those replies). */
  private async rebuildCustomers(ws: WorkspaceView, topic: TopicView, platform: string, authors: string[], sla: CaseSla, now: Date) {
    const posts: CareMessageRow[] = await this.mentions.careMessagesOfAuthors(ws.id, topic.id, platform, authors);
    const replies: CompetitorReplyRow[] = [];
    const seen = new Set<string>();
    let pending = posts.map((p) => p.externalId);
    for (let depth = 0; depth < MAX_REPLY_CHAIN && pending.length; depth++) {
      const found = (await this.replies.answering(ws.id, topic.id, platform, pending)).filter((r) => !seen.has(r.externalId));
      for (const r of found) seen.add(r.externalId);
      replies.push(...found);
      pending = found.map((r) => r.externalId);
    }
    const answered = new Set(replies.map((r) => r.inReplyToExternalId));
    const messages = posts.filter((p) => SUPPORT.has(p.intent) || answered.has(p.externalId));
    const cases = publicCases(messages, replies, sla, now);
    await this.store.replaceCustomers(ws.id, topic.id, platform, authors, cases.map(publicCaseEntry));
  }
}

/** A competitor's times are wall-clock (its business hours are unknown); the workspace's windows place messages in cases. */
function slaOf(ws: WorkspaceView): CaseSla {
  return { clock: SlaClock.allTime(), targets: ws.settings.sla };
}

function groupByPlatform(items: readonly { platform: string; id: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { platform, id } of items) {
    const ids = out.get(platform);
    if (ids) ids.push(id);
    else out.set(platform, [id]);
  }
  return out;
}
