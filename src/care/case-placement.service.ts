import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { Error as MongooseError, Types } from 'mongoose';
import { isPrivateChannel } from '../common/visibility';
import { MentionsService, type StoredMention } from '../mentions/mentions.service';
import { WorkspacesService, type WorkspaceView } from '../workspaces/workspaces.service';
import { AgentsService } from './agents/agents.service';
import {
  actionTimeProblem,
  afterAnswer,
  collectRecordedReply,
  holdsMessage,
  mayReopen,
  openCase,
  placeMessage,
  reopenWindowStart,
  retime,
  withMessage,
} from './case-lifecycle';
import { CaseEvents } from './case-events';
import type { CaseSla } from './case-timeline';
import { caseSlaFor } from './case-views';
import { CasesRepository } from './cases.repository';
import type { RecordReplyDto } from './dto/case.dto';
import { RepliesService, type StoredReply } from './replies.service';
import type { CaseDocument, CaseMessage } from './schemas/case.schema';

const inboundOf = (m: StoredMention): CaseMessage => ({
  direction: 'inbound',
  externalId: m.externalId,
  mentionId: m.id,
  text: m.text,
  at: m.createdAt,
  source: 'platform',
  agentId: null,
  authorHandle: m.author.handle,
  url: m.url,
  // a private channel's message (WhatsApp) is seen by the brand only
  ...(isPrivateChannel(m.platform) ? { visibility: 'private' as const } : {}),
});

/** Runs `fn` again when the case was saved by someone else meanwhile (a reply, the care scan). */
export async function withVersionRetry<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof MongooseError.VersionError) || i >= tries) throw err;
    }
  }
}

/**
 * Places messages in cases (the rules are case-lifecycle's): a support-intent mention opens a case
 * or joins its author's open case on the same platform; a later message in the same conversation
 * reopens a recently resolved case; brand replies, collected or recorded through the API, are its
 * responses, once each.
 */
@Injectable()
export class CasePlacementService {
  private readonly logger = new Logger('Cases');

  constructor(
    private readonly cases: CasesRepository,
    private readonly events: CaseEvents,
    private readonly agents: AgentsService,
    private readonly replies: RepliesService,
    private readonly mentions: MentionsService,
    private readonly workspaces: WorkspacesService,
  ) {}

  async onIngested(workspace: WorkspaceView, topicId: string | null, mentions: StoredMention[], replies: StoredReply[]): Promise<void> {
    const sla = caseSlaFor(workspace);
    // In platform-time order across both kinds, so a reply collected late still lands before the
    // customer's next message (a case abandoned meanwhile by the scan is revived by it first).
    const events = [
      ...mentions.map((m) => ({ at: m.createdAt.getTime(), run: () => this.placeMention(workspace, sla, topicId, m) })),
      ...replies.map((r) => ({ at: r.createdAt.getTime(), run: () => this.attachCollectedReply(workspace.id, sla, r) })),
    ].sort((a, b) => a.at - b.at);
    for (const e of events) await withVersionRetry(e.run);
  }

  private async placeMention(ws: WorkspaceView, sla: CaseSla, topicId: string | null, m: StoredMention): Promise<void> {
    // Every message on a private care channel (WhatsApp) is written to the brand for help: it opens a case whatever its intent.
    const msg = { intent: isPrivateChannel(m.platform) ? 'support' : m.intent, conversationId: m.conversationId, at: m.createdAt };
    const customer = m.author.externalId;
    const known = await this.cases.holdsPost(ws.id, m.platform, m.externalId);
    const notClosed = known ? null : await this.cases.holding(ws.id, m.platform, customer, m.createdAt);
    const holding = notClosed && holdsMessage(notClosed, msg, sla) ? notClosed : null;
    const resolved =
      !known && !holding && mayReopen(msg)
        ? await this.cases.resolvedInConversation(ws.id, m.platform, customer, m.conversationId!, reopenWindowStart(m.createdAt))
        : null;
    const placement = placeMessage(msg, { known, holding: !!holding, resolved });
    if (placement.action === 'ignore') return;

    if (placement.action === 'join' || placement.action === 'reopen') {
      const doc = placement.action === 'join' ? holding! : resolved!;
      if (placement.action === 'reopen') doc.set(placement.update);
      this.addMessage(doc, inboundOf(m), m.conversationId, topicId);
      this.retime(ws.id, doc, sla);
      await this.cases.save(doc);
      await this.attachEarlierReplies(ws.id, sla, doc, [m.externalId]);
      return;
    }

    const routing = m.routing;
    const routed = routing?.agentId && (await this.agents.find(ws.id, routing.agentId)) ? routing.agentId : null;
    // no agent named by the routing rule: the team's assignment rule picks one (round-robin, least-loaded)
    const assignee = routed ?? (routing?.team ? await this.agents.pickAssignee(ws.id, routing.team) : null);
    const opened = openCase({ ...m, at: m.createdAt, sentiment: m.sentiment.label }, sla, assignee);
    const created = this.cases.build({
      workspaceId: new Types.ObjectId(ws.id),
      topicIds: topicId ? [new Types.ObjectId(topicId)] : [],
      ...opened,
    });
    this.addMessage(created, inboundOf(m), m.conversationId, topicId);
    // Search pages arrive newest first: the customer's later messages may be stored already.
    const later = (await this.mentions.byAuthorSince(ws.id, m.platform, customer, m.createdAt)).filter(
      (x) => x.externalId !== m.externalId,
    );
    const taken = await this.cases.heldPosts(
      ws.id,
      m.platform,
      later.map((x) => x.externalId),
    );
    const joining = later.filter((x) => !taken.has(x.externalId));
    for (const x of joining) this.addMessage(created, inboundOf(x), x.conversationId, topicId);
    this.retime(ws.id, created, sla);
    await this.cases.save(created);
    this.events.next({ type: 'case.opened', workspaceId: ws.id, caseId: created.id, at: m.createdAt });
    await this.attachEarlierReplies(ws.id, sla, created, [m.externalId, ...joining.map((x) => x.externalId)]);
  }

  private addMessage(doc: CaseDocument, msg: CaseMessage, conversationId: string | null, topicId: string | null = null) {
    doc.set(withMessage(doc, msg, conversationId));
    if (topicId && !doc.topicIds.some((t) => String(t) === topicId)) doc.topicIds.push(new Types.ObjectId(topicId));
  }

  /** Applies the clocks that follow from the messages (case-lifecycle `retime`) and publishes a new breach. */
  private retime(workspaceId: string, doc: CaseDocument, sla: CaseSla, now = new Date()): void {
    const r = retime(doc, sla, now);
    if (r.openedMoved) {
      this.logger.log(
        { workspaceId, caseId: doc.id, from: doc.openedAt, to: r.update.openedAt },
        'An earlier message joined the case: its clocks start from it',
      );
    }
    if (r.newlyBreachedAt) this.events.next({ type: 'case.breached', workspaceId, caseId: doc.id, at: r.newlyBreachedAt });
    doc.set(r.update);
  }

  /** Brand replies may be collected before the message they answer: attach them when it arrives. */
  private async attachEarlierReplies(workspaceId: string, sla: CaseSla, doc: CaseDocument, externalIds: string[]) {
    const earlier = await this.replies.findReplyingTo(workspaceId, doc.platform, externalIds);
    for (const r of earlier) await this.attachCollectedReply(workspaceId, sla, r);
  }

  private async attachCollectedReply(workspaceId: string, sla: CaseSla, r: StoredReply): Promise<void> {
    const doc = await this.cases.byPost(workspaceId, r.platform, r.inReplyToExternalId);
    if (!doc || doc.externalIds.includes(r.externalId)) return;
    // Recorded by an agent first, collected now: the same response, counted once.
    const same = collectRecordedReply(doc, { externalId: r.externalId, text: r.text, at: r.createdAt, url: r.url });
    if (same) return this.cases.save(doc, same);
    this.addMessage(
      doc,
      {
        direction: 'outbound',
        externalId: r.externalId,
        mentionId: null,
        text: r.text,
        at: r.createdAt,
        source: 'platform',
        agentId: null,
        authorHandle: r.accountHandle,
        url: r.url,
      },
      r.conversationId ?? null,
    );
    this.retime(workspaceId, doc, sla);
    await this.cases.save(doc);
  }

  /** An agent's reply recorded through the API. `sent`: what the network answered when Ouvidor sent it (its address). */
  async recordReply(workspaceId: string, id: string, dto: RecordReplyDto, sent: { url?: string } = {}): Promise<void> {
    if (dto.agentId && !(await this.agents.find(workspaceId, dto.agentId))) {
      throw new BadRequestException(`agentId: agent ${dto.agentId} not found in this workspace`);
    }
    const sla = caseSlaFor(await this.workspaces.get(workspaceId));
    await withVersionRetry(async () => {
      const doc = await this.cases.load(workspaceId, id);
      if (!doc) throw new NotFoundException(`case ${id} not found`);
      const at = dto.at ?? new Date();
      const problem = actionTimeProblem(at, doc.openedAt, new Date());
      if (problem) throw new BadRequestException(problem);
      if (dto.externalId && doc.externalIds.includes(dto.externalId)) return; // already known: counted once
      if (dto.externalId) {
        const collected = await this.replies.findByExternalId(workspaceId, doc.platform, dto.externalId);
        if (collected) return this.attachCollectedReply(workspaceId, sla, collected);
      }
      this.addMessage(
        doc,
        {
          direction: 'outbound',
          externalId: dto.externalId ?? null,
          mentionId: null,
          text: dto.text,
          at,
          source: 'api',
          agentId: dto.agentId ?? null,
          authorHandle: null,
          url: sent.url ?? null,
        },
        null,
      );
      this.retime(workspaceId, doc, sla);
      await this.cases.save(doc, afterAnswer(doc));
    });
  }

  /**
   * Cases stored before their clocks followed message time can open later than their earliest
   * message (networks page newest first): retimes those from their messages, once, at start-up.
   */
  async retimeOutOfOrder(): Promise<number> {
    const slas = new Map<string, CaseSla | null>();
    let retimed = 0;
    for await (const c of this.cases.messageTimes()) {
      const inbound = (c.messages ?? []).filter((m) => m.direction === 'inbound').map((m) => new Date(m.at).getTime());
      if (inbound.length === 0 || Math.min(...inbound) >= c.openedAt.getTime()) continue;
      const workspaceId = String(c.workspaceId);
      if (!slas.has(workspaceId)) slas.set(workspaceId, await this.workspaces.get(workspaceId).then(caseSlaFor, () => null));
      const sla = slas.get(workspaceId);
      if (!sla) continue;
      await withVersionRetry(async () => {
        const doc = await this.cases.findById(c._id);
        if (!doc) return;
        this.retime(workspaceId, doc, sla);
        await this.cases.save(doc);
      });
      retimed += 1;
    }
    if (retimed) this.logger.log({ cases: retimed }, 'Cases retimed from their earliest message');
    return retimed;
  }
}
