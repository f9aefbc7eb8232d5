import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Error as MongooseError, isValidObjectId, Model, Types } from 'mongoose';
import { Subject } from 'rxjs';
import { SUPPORT_INTENTS } from '../common/labels';
import { MentionsService, type StoredMention } from '../mentions/mentions.service';
import type { CaseRow } from '../reports/kpis/rows';
import { WorkspacesService, type WorkspaceView } from '../workspaces/workspaces.service';
import { AgentsService } from './agents/agents.service';
import { caseState, dueTimes, type CaseSla } from './case-timeline';
import { ListCasesQuery, RecordReplyDto, UpdateCaseDto } from './dto/case.dto';
import { RepliesService, StoredReply } from './replies.service';
import { Case, CaseDocument, CaseMessage, CaseStatus } from './schemas/case.schema';
import { SlaClock } from './sla';

/** The fields a case row for the KPIs needs (no messages). */
const ROW_FIELDS = {
  platform: 1, openedAt: 1, firstResponseAt: 1, status: 1, resolvedAt: 1, resolutions: 1, reopenCount: 1, lastReopenedAt: 1,
  abandonedAt: 1, inboundCount: 1, outboundCount: 1, lastInboundAt: 1, lastOutboundAt: 1, awaitingReplySince: 1, assignee: 1,
  team: 1, assignedAt: 1, reassignments: 1, routingKeyword: 1, firstResponder: 1, resolvedBy: 1,
} as const;

/** What the overview's service and deflection KPIs read: ROW_FIELDS less the agent attribution. */
const SERVICE_ROW_FIELDS = (() => {
  const { assignedAt: _a, routingKeyword: _r, firstResponder: _f, resolvedBy: _b, lastReopenedAt: _l, ...rest } = ROW_FIELDS;
  return rest;
})();

/** A customer writing again in the same conversation this soon after a resolution reopens the case. */
export const REOPEN_WINDOW_MS = 7 * 24 * 3600_000;
/** A collected brand reply this close to an API-recorded one without a post id is the same reply. */
const SAME_REPLY_WINDOW_MS = 15 * 60_000;
const OPEN_STATUSES: CaseStatus[] = ['open', 'pending'];

export interface CaseEvent {
  type: 'case.breached' | 'case.abandoned' | 'case.opened';
  workspaceId: string;
  caseId: string;
  at: Date;
}

export function slaClockFor(ws: WorkspaceView): SlaClock {
  const bh = ws.settings.businessHours;
  return new SlaClock({ timezone: ws.timezone, businessHours: bh?.enabled ? bh : undefined });
}

export function caseSlaFor(ws: WorkspaceView): CaseSla {
  return { clock: slaClockFor(ws), targets: ws.settings.sla };
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/@\w+/g, '')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim();

export type CaseExportRow = CaseRow & { customer: string; intent: string; sentiment: string | null; firstResponseDueAt: Date; breached: boolean };

type CaseLean = Case & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

export function toCaseView(c: CaseLean, withMessages = false) {
  const { _id, workspaceId: _w, messages, externalIds: _e, __v: _v, ...rest } = c as CaseLean & { __v?: number };
  return {
    id: String(_id),
    ...rest,
    topicIds: (c.topicIds ?? []).map(String),
    breached: c.breachedAt !== null && c.breachedAt !== undefined,
    ...(withMessages ? { messages: [...messages].sort((a, b) => a.at.getTime() - b.at.getTime()) } : {}),
  };
}

/** The plain row the care KPIs read (src/reports/kpis). */
export function toCaseRow(c: CaseLean): CaseRow {
  return {
    caseId: String(c._id),
    platform: c.platform,
    openedAt: c.openedAt,
    firstResponseAt: c.firstResponseAt,
    status: c.status === 'pending' ? 'open' : c.status,
    resolvedAt: c.resolvedAt,
    resolutions: c.resolutions ?? [],
    reopenCount: c.reopenCount ?? 0,
    lastReopenedAt: c.lastReopenedAt ?? null,
    abandonedAt: c.abandonedAt,
    inboundCount: c.inboundCount,
    outboundCount: c.outboundCount,
    lastInboundAt: c.lastInboundAt,
    lastOutboundAt: c.lastOutboundAt,
    awaitingReplySince: c.awaitingReplySince,
    assignee: c.assignee,
    team: c.team,
    assignedAt: c.assignedAt ?? null,
    reassignments: c.reassignments ?? [],
    routingKeyword: c.routingKeyword ?? null,
    firstResponder: c.firstResponder ?? null,
    resolvedBy: c.resolvedBy ?? null,
  };
}

/**
 * Support conversations: a support-intent mention opens a case or joins its author's open case
 * on the same platform; a later message in the same conversation reopens a recently resolved
 * case; brand replies, collected or recorded through the API, are its responses, once each.
 */
@Injectable()
export class CasesService {
  private readonly logger = new Logger('Cases');
  readonly events = new Subject<CaseEvent>();

  constructor(
    @InjectModel(Case.name) private readonly cases: Model<Case>,
    private readonly agents: AgentsService,
    private readonly replies: RepliesService,
    private readonly mentions: MentionsService,
    private readonly workspaces: WorkspacesService,
  ) {}

  // ---- from collection -------------------------------------------------------------------

  async onIngested(workspace: WorkspaceView, topicId: string | null, mentions: StoredMention[], replies: StoredReply[]): Promise<void> {
    const sla = caseSlaFor(workspace);
    // In platform-time order across both kinds, so a reply collected late still lands before the
    // customer's next message (a case abandoned meanwhile by the scan is revived by it first).
    const events = [
      ...mentions.map((m) => ({ at: m.createdAt.getTime(), run: () => this.placeMention(workspace, sla, topicId, m) })),
      ...replies.map((r) => ({ at: r.createdAt.getTime(), run: () => this.attachCollectedReply(workspace.id, sla, r) })),
    ].sort((a, b) => a.at - b.at);
    for (const e of events) await this.withRetry(e.run);
  }

  private async placeMention(ws: WorkspaceView, sla: CaseSla, topicId: string | null, m: StoredMention): Promise<void> {
    const wsId = new Types.ObjectId(ws.id);
    const base = { workspaceId: wsId, platform: m.platform, 'customer.externalId': m.author.externalId };
    if (await this.cases.exists({ workspaceId: wsId, platform: m.platform, externalIds: m.externalId })) return;
    const inbound: CaseMessage = {
      direction: 'inbound',
      externalId: m.externalId,
      mentionId: m.id,
      text: m.text,
      at: m.createdAt,
      source: 'platform',
      agentId: null,
      authorHandle: m.author.handle,
      url: m.url,
    };

    let doc = await this.caseHolding(base, m.createdAt);
    // Only a new request reopens a resolved case; a "thank you" in the thread does not.
    if (!doc && m.conversationId && SUPPORT_INTENTS.includes(m.intent)) {
      const recent: CaseDocument | null = await this.cases
        .findOne({ ...base, conversationIds: m.conversationId, status: 'resolved', resolvedAt: { $gte: new Date(m.createdAt.getTime() - REOPEN_WINDOW_MS) } })
        .sort({ resolvedAt: -1 });
      if (recent && recent.resolvedAt && recent.resolvedAt.getTime() <= m.createdAt.getTime()) {
        recent.status = 'open';
        recent.reopenCount += 1;
        recent.lastReopenedAt = m.createdAt;
        doc = recent;
      }
    }
    if (doc) {
      this.addInbound(doc, inbound, m.conversationId, topicId);
      this.retime(ws.id, doc, sla);
      await doc.save();
      await this.attachEarlierReplies(ws.id, sla, doc, [m.externalId]);
      return;
    }
    if (!SUPPORT_INTENTS.includes(m.intent)) return;

    const routing = m.routing;
    const assignee = routing?.agentId && (await this.agents.find(ws.id, routing.agentId)) ? routing.agentId : null;
    const created = new this.cases({
      workspaceId: wsId,
      topicIds: topicId ? [new Types.ObjectId(topicId)] : [],
      platform: m.platform,
      customer: { externalId: m.author.externalId, handle: m.author.handle, name: m.author.name ?? null },
      conversationIds: m.conversationId ? [m.conversationId] : [],
      externalIds: [],
      status: 'open',
      intent: m.intent,
      sentiment: m.sentiment.label,
      lang: m.lang,
      openedAt: m.createdAt,
      ...dueTimes(sla, m.createdAt),
      team: routing?.team ?? null,
      routingKeyword: routing?.keyword ?? null,
      assignee,
      assignedAt: assignee || routing?.team ? m.createdAt : null,
    });
    this.addInbound(created, inbound, m.conversationId, topicId);
    // Search pages arrive newest first: the customer's later messages may be stored already.
    const later = (await this.mentions.byAuthorSince(ws.id, m.platform, m.author.externalId, m.createdAt)).filter((x) => x.externalId !== m.externalId);
    const taken = later.length
      ? new Set(
          (await this.cases.find({ workspaceId: wsId, platform: m.platform, externalIds: { $in: later.map((x) => x.externalId) } }, { externalIds: 1 }).lean()).flatMap(
            (c) => c.externalIds,
          ),
        )
      : new Set<string>();
    const joining = later.filter((x) => !taken.has(x.externalId));
    for (const x of joining) {
      this.addInbound(
        created,
        { direction: 'inbound', externalId: x.externalId, mentionId: x.id, text: x.text, at: x.createdAt, source: 'platform', agentId: null, authorHandle: x.author.handle, url: x.url },
        x.conversationId,
        topicId,
      );
    }
    this.retime(ws.id, created, sla);
    await created.save();
    this.events.next({ type: 'case.opened', workspaceId: ws.id, caseId: created.id, at: m.createdAt });
    await this.attachEarlierReplies(ws.id, sla, created, [m.externalId, ...joining.map((x) => x.externalId)]);
  }

  /**
   * The customer's case a message written at `at` belongs to: the latest one opened by then and
   * not yet closed at that time; else, when the message predates every such case, the earliest
   * one, which it now opens (pages arrive newest first, and a run resumed after a failure brings
   * older messages after newer ones, sometimes after the case was resolved).
   */
  private async caseHolding(base: { workspaceId: Types.ObjectId; platform: string; 'customer.externalId': string }, at: Date): Promise<CaseDocument | null> {
    const notClosedBy = {
      ...base,
      $or: [{ status: { $in: OPEN_STATUSES } }, { status: 'resolved' as const, resolvedAt: { $gte: at } }, { status: 'abandoned' as const, abandonedAt: { $gte: at } }],
    };
    return (
      (await this.cases.findOne({ ...notClosedBy, openedAt: { $lte: at } }).sort({ openedAt: -1 })) ??
      (await this.cases.findOne(notClosedBy).sort({ openedAt: 1 }))
    );
  }

  private addInbound(doc: CaseDocument, msg: CaseMessage, conversationId: string | null, topicId: string | null) {
    doc.messages.push(msg);
    if (msg.externalId) doc.externalIds.push(msg.externalId);
    if (conversationId && !doc.conversationIds.includes(conversationId)) doc.conversationIds.push(conversationId);
    if (topicId && !doc.topicIds.some((t) => String(t) === topicId)) doc.topicIds.push(new Types.ObjectId(topicId));
  }

  /**
   * Recomputes everything that follows from the messages' times (caseState): the opening, first
   * response, waiting, due times, breach and abandonment. A breach or an abandonment that no
   * longer holds is cleared; a response found late marks the breach the scan could not see (it
   * only looks at unanswered cases); the scan still marks the unanswered ones, as it always did.
   */
  private retime(workspaceId: string, doc: CaseDocument, sla: CaseSla, now = new Date()): void {
    const stored = { openedAt: doc.openedAt, firstResponseDueAt: doc.firstResponseDueAt, resolutionDueAt: doc.resolutionDueAt, abandonAt: doc.abandonAt };
    const s = caseState(doc.messages, sla, now, stored);
    if (s.openedAt.getTime() !== doc.openedAt.getTime()) {
      this.logger.log({ workspaceId, caseId: doc.id, from: doc.openedAt, to: s.openedAt }, 'An earlier message joined the case: its clocks start from it');
    }
    if (s.firstResponseAt?.getTime() !== doc.firstResponseAt?.getTime()) {
      doc.firstResponseAt = s.firstResponseAt;
      doc.firstResponder = s.firstResponse ? (s.firstResponse.agentId ?? doc.assignee ?? null) : null;
    }
    doc.openedAt = s.openedAt;
    doc.firstResponseDueAt = s.firstResponseDueAt;
    doc.resolutionDueAt = s.resolutionDueAt;
    doc.abandonAt = s.abandonAt;
    doc.inboundCount = s.inboundCount;
    doc.outboundCount = s.outboundCount;
    doc.lastInboundAt = s.lastInboundAt;
    doc.lastOutboundAt = s.lastOutboundAt;
    doc.awaitingReplySince = s.awaitingReplySince;

    const breachedAt = s.breachedAt && (s.firstResponseAt || doc.breachedAt) ? s.breachedAt : null;
    if (breachedAt && !doc.breachedAt) this.events.next({ type: 'case.breached', workspaceId, caseId: doc.id, at: breachedAt });
    doc.breachedAt = breachedAt;
    if (doc.status === 'abandoned' && !s.abandonedAt) {
      doc.status = 'open';
      doc.abandonedAt = null;
    } else if (doc.status === 'abandoned') doc.abandonedAt = s.abandonedAt;
    if (doc.status === 'pending' && doc.awaitingReplySince) doc.status = 'open';
  }

  /** Brand replies may be collected before the message they answer: attach them when it arrives. */
  private async attachEarlierReplies(workspaceId: string, sla: CaseSla, doc: CaseDocument, externalIds: string[]) {
    const earlier = await this.replies.findReplyingTo(workspaceId, doc.platform, externalIds);
    for (const r of earlier) await this.attachCollectedReply(workspaceId, sla, r);
  }

  private async attachCollectedReply(workspaceId: string, sla: CaseSla, r: StoredReply): Promise<void> {
    const wsId = new Types.ObjectId(workspaceId);
    const doc = await this.cases.findOne({ workspaceId: wsId, platform: r.platform, externalIds: r.inReplyToExternalId });
    if (!doc || doc.externalIds.includes(r.externalId)) return;
    const sameRecorded = doc.messages.find(
      (msg) =>
        msg.direction === 'outbound' &&
        msg.source === 'api' &&
        msg.externalId === null &&
        (normalise(msg.text) === normalise(r.text) || Math.abs(msg.at.getTime() - r.createdAt.getTime()) <= SAME_REPLY_WINDOW_MS),
    );
    if (sameRecorded) {
      // Recorded by an agent first, collected now: the same response, counted once.
      sameRecorded.externalId = r.externalId;
      sameRecorded.url = r.url;
      doc.externalIds.push(r.externalId);
      doc.markModified('messages');
      await doc.save();
      return;
    }
    this.addOutbound(doc, {
      direction: 'outbound',
      externalId: r.externalId,
      mentionId: null,
      text: r.text,
      at: r.createdAt,
      source: 'platform',
      agentId: null,
      authorHandle: r.accountHandle,
      url: r.url,
    });
    if (r.conversationId && !doc.conversationIds.includes(r.conversationId)) doc.conversationIds.push(r.conversationId);
    this.retime(workspaceId, doc, sla);
    await doc.save();
  }

  private addOutbound(doc: CaseDocument, msg: CaseMessage) {
    doc.messages.push(msg);
    if (msg.externalId) doc.externalIds.push(msg.externalId);
  }

  private async withRetry(fn: () => Promise<void>, tries = 5): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof MongooseError.VersionError) || i >= tries) throw err;
      }
    }
  }

  // ---- from the API -----------------------------------------------------------------------

  private async load(workspaceId: string, id: string): Promise<CaseDocument> {
    if (!isValidObjectId(id)) throw new NotFoundException(`case ${id} not found`);
    const doc = await this.cases.findOne({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) });
    if (!doc) throw new NotFoundException(`case ${id} not found`);
    return doc;
  }

  async get(workspaceId: string, id: string) {
    const doc = await this.load(workspaceId, id);
    return toCaseView(doc.toObject() as CaseLean, true);
  }

  /** `sent`: what the network answered when Ouvidor sent the reply itself (its web address). */
  async recordReply(workspaceId: string, id: string, dto: RecordReplyDto, sent: { url?: string } = {}) {
    if (dto.agentId && !(await this.agents.find(workspaceId, dto.agentId))) {
      throw new BadRequestException(`agentId: agent ${dto.agentId} not found in this workspace`);
    }
    const sla = caseSlaFor(await this.workspaces.get(workspaceId));
    await this.withRetry(async () => {
      const doc = await this.load(workspaceId, id);
      const at = dto.at ?? new Date();
      if (at.getTime() > Date.now() + 60_000) throw new BadRequestException('at: must not be in the future');
      if (at < doc.openedAt) throw new BadRequestException('at: must not be before the case was opened');
      if (dto.externalId && doc.externalIds.includes(dto.externalId)) return; // already known: counted once
      if (dto.externalId) {
        const collected = await this.replies.findByExternalId(workspaceId, doc.platform, dto.externalId);
        if (collected) return this.attachCollectedReply(workspaceId, sla, collected);
      }
      this.addOutbound(doc, {
        direction: 'outbound',
        externalId: dto.externalId ?? null,
        mentionId: null,
        text: dto.text,
        at,
        source: 'api',
        agentId: dto.agentId ?? null,
        authorHandle: null,
        url: sent.url ?? null,
      });
      this.retime(workspaceId, doc, sla);
      if (doc.status === 'open' && !doc.awaitingReplySince) doc.status = 'pending';
      await doc.save();
    });
    return this.get(workspaceId, id);
  }

  async update(workspaceId: string, id: string, dto: UpdateCaseDto) {
    if (dto.assigneeId && !(await this.agents.find(workspaceId, dto.assigneeId))) {
      throw new BadRequestException(`assigneeId: agent ${dto.assigneeId} not found in this workspace`);
    }
    if (dto.team) await this.agents.assertTeam(workspaceId, dto.team);
    await this.withRetry(async () => {
      const doc = await this.load(workspaceId, id);
      const at = dto.at ?? new Date();
      if (at.getTime() > Date.now() + 60_000) throw new BadRequestException('at: must not be in the future');
      if (at < doc.openedAt) throw new BadRequestException('at: must not be before the case was opened');

      if (dto.assigneeId !== undefined || dto.team !== undefined) {
        const toAgent = dto.assigneeId !== undefined ? dto.assigneeId : doc.assignee;
        let toTeam = dto.team !== undefined ? dto.team : doc.team;
        if (dto.assigneeId && dto.team === undefined) toTeam = (await this.agents.find(workspaceId, dto.assigneeId))?.team ?? toTeam;
        if (toAgent !== doc.assignee || toTeam !== doc.team) {
          const wasAssigned = doc.assignee !== null || doc.team !== null;
          if (wasAssigned) {
            doc.reassignments.push({ at, fromAgent: doc.assignee, toAgent, fromTeam: doc.team, toTeam });
            doc.markModified('reassignments');
          } else doc.assignedAt = at;
          doc.assignee = toAgent;
          doc.team = toTeam;
        }
      }

      if (dto.status) {
        const from = doc.status;
        if (dto.status === 'resolved') {
          if (from === 'resolved') throw new ConflictException('case is already resolved');
          if (from === 'abandoned') throw new ConflictException('an abandoned case cannot be resolved; reopen it first');
          doc.status = 'resolved';
          doc.resolvedAt = at;
          doc.resolvedBy = doc.assignee;
          doc.resolutions.push(at);
        } else if (dto.status === 'open' && (from === 'resolved' || from === 'abandoned')) {
          doc.status = 'open';
          doc.reopenCount += 1;
          doc.lastReopenedAt = at;
          if (from === 'abandoned') doc.abandonedAt = null;
        } else if (dto.status === 'open' && from === 'open') {
          throw new ConflictException('case is already open; only a resolved or abandoned case can be reopened');
        } else if (dto.status === 'pending' && from !== 'open' && from !== 'pending') {
          throw new ConflictException(`a ${from} case cannot be set to pending; reopen it first`);
        } else doc.status = dto.status;
      }
      await doc.save();
    });
    return this.get(workspaceId, id);
  }

  /** Every case matching the list filters, newest first, streamed from a cursor (CSV export). */
  async *exportRows(workspaceId: string, q: ListCasesQuery): AsyncGenerator<CaseExportRow> {
    const cursor = this.cases.find(this.listFilter(workspaceId, q), { messages: 0, externalIds: 0 }).sort({ openedAt: -1, _id: -1 }).lean().cursor({ batchSize: 500 });
    for await (const c of cursor) {
      const lean = c as unknown as CaseLean;
      yield { ...toCaseRow(lean), customer: lean.customer.handle, intent: lean.intent, sentiment: lean.sentiment, firstResponseDueAt: lean.firstResponseDueAt, breached: !!lean.breachedAt };
    }
  }

  private listFilter(workspaceId: string, q: ListCasesQuery): Record<string, unknown> {
    const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
    if (q.status) filter.status = q.status;
    if (q.team) filter.team = q.team;
    if (q.assignee) filter.assignee = q.assignee === 'none' ? null : q.assignee;
    if (q.intent) filter.intent = q.intent;
    if (q.sentiment) filter.sentiment = q.sentiment;
    if (q.platform) filter.platform = q.platform;
    if (q.topic) filter.topicIds = new Types.ObjectId(q.topic);
    if (q.breached !== undefined) filter.breachedAt = q.breached ? { $ne: null } : null;
    if (q.from || q.to) filter.openedAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    return filter;
  }

  async list(workspaceId: string, q: ListCasesQuery) {
    const filter = this.listFilter(workspaceId, q);
    const sort: Record<string, 1 | -1> =
      q.sort === 'waiting' ? { awaitingReplySince: 1, openedAt: 1 } : q.sort === 'due' ? { firstResponseDueAt: 1 } : { openedAt: -1 };
    if (q.sort === 'waiting') filter.awaitingReplySince = { $ne: null };
    if (q.sort === 'due') filter.firstResponseAt = null;
    const limit = q.limit ?? 50;
    const [rows, total] = await Promise.all([
      this.cases.find(filter, { messages: 0 }).sort({ ...sort, _id: 1 }).skip(q.offset ?? 0).limit(limit).lean(),
      this.cases.countDocuments(filter),
    ]);
    const now = Date.now();
    return {
      data: rows.map((c) => ({
        ...toCaseView(c as unknown as CaseLean),
        waitingSeconds: c.awaitingReplySince && OPEN_STATUSES.includes(c.status) ? Math.round((now - c.awaitingReplySince.getTime()) / 1000) : null,
      })),
      total,
    };
  }

  /** Open cases whose last message is the customer's, longest wait first (seed 002). */
  async unanswered(workspaceId: string, limit = 200) {
    const rows = await this.cases
      .find({ workspaceId: new Types.ObjectId(workspaceId), status: { $in: OPEN_STATUSES }, awaitingReplySince: { $ne: null } }, { messages: 0 })
      .sort({ awaitingReplySince: 1, _id: 1 })
      .limit(limit)
      .lean();
    const now = Date.now();
    return rows.map((c) => ({
      ...toCaseView(c as unknown as CaseLean),
      waitingSince: c.awaitingReplySince,
      waitingSeconds: Math.round((now - c.awaitingReplySince!.getTime()) / 1000),
    }));
  }

  /**
   * Cases a report over [from, to) needs: opened or resolved in range, plus the open ones —
   * every open case for the per-agent tables, or only those awaiting a reply (the live
   * `unanswered` count) for the overview, which keeps that query small.
   */
  async rowsForReport(
    workspaceId: string,
    from: Date,
    to: Date,
    filter: { team?: string; agent?: string; topic?: string; platform?: string; openCases?: 'all' | 'awaiting'; fields?: 'all' | 'service' } = {},
  ): Promise<CaseRow[]> {
    // `$ne: null` is an index range on {workspaceId, status, awaitingReplySince}, as in MongoDB.
    const open = filter.openCases === 'awaiting' ? { status: { $in: OPEN_STATUSES }, awaitingReplySince: { $ne: null } } : { status: { $in: OPEN_STATUSES } };
    const f: Record<string, unknown> = {
      workspaceId: new Types.ObjectId(workspaceId),
      $or: [{ openedAt: { $gte: from, $lt: to } }, { resolvedAt: { $gte: from, $lt: to } }, open],
    };
    // Closed as not_support after an agent's correction: never a care case for any KPI.
    f.status = { $ne: 'not_support' };
    if (filter.team) f.team = filter.team;
    if (filter.agent) f.assignee = filter.agent;
    if (filter.topic) f.topicIds = new Types.ObjectId(filter.topic);
    if (filter.platform) f.platform = filter.platform;
    // Fewer fields, fewer bytes to encode and decode: the overview loads thousands of rows.
    const rows = await this.cases.find(f, filter.fields === 'service' ? SERVICE_ROW_FIELDS : ROW_FIELDS).lean();
    return rows.map((c) => toCaseRow(c as unknown as CaseLean));
  }

  /**
   * Whether a case's first-response breach still holds: an earlier message or a response in time,
   * collected since the alert was raised, can clear it (alerts do not deliver a cleared breach).
   */
  async breachHolds(workspaceId: string, caseId: string): Promise<boolean> {
    if (!isValidObjectId(workspaceId) || !isValidObjectId(caseId)) return false;
    return !!(await this.cases.exists({ _id: new Types.ObjectId(caseId), workspaceId: new Types.ObjectId(workspaceId), breachedAt: { $ne: null } }));
  }

  /** Cases whose first-response SLA was breached since `since`, every workspace (alerts). */
  async breachedSince(since: Date) {
    const rows = await this.cases
      .find({ breachedAt: { $gte: since } }, { workspaceId: 1, breachedAt: 1, customer: 1, platform: 1, team: 1, assignee: 1, firstResponseAt: 1 })
      .lean();
    return rows.map((c) => ({
      workspaceId: String(c.workspaceId),
      caseId: String(c._id),
      breachedAt: c.breachedAt!,
      customer: c.customer.handle,
      platform: c.platform,
      team: c.team,
      assignee: c.assignee,
    }));
  }

  /**
   * Cases stored before their clocks followed message time can open later than their earliest
   * message (networks page newest first): retimes those from their messages, once, at start-up.
   */
  async retimeOutOfOrder(): Promise<number> {
    const slas = new Map<string, CaseSla | null>();
    let retimed = 0;
    const cursor = this.cases.find({}, { workspaceId: 1, openedAt: 1, 'messages.direction': 1, 'messages.at': 1 }).lean().cursor({ batchSize: 500 });
    for await (const row of cursor) {
      const c = row as unknown as { _id: Types.ObjectId; workspaceId: Types.ObjectId; openedAt: Date; messages?: Pick<CaseMessage, 'direction' | 'at'>[] };
      const inbound = (c.messages ?? []).filter((m) => m.direction === 'inbound').map((m) => new Date(m.at).getTime());
      if (inbound.length === 0 || Math.min(...inbound) >= c.openedAt.getTime()) continue;
      const workspaceId = String(c.workspaceId);
      if (!slas.has(workspaceId)) slas.set(workspaceId, await this.workspaces.get(workspaceId).then(caseSlaFor, () => null));
      const sla = slas.get(workspaceId);
      if (!sla) continue;
      await this.withRetry(async () => {
        const doc = await this.cases.findById(c._id);
        if (!doc) return;
        this.retime(workspaceId, doc, sla);
        await doc.save();
      });
      retimed += 1;
    }
    if (retimed) this.logger.log({ cases: retimed }, 'Cases retimed from their earliest message');
    return retimed;
  }

  // ---- the care scan --------------------------------------------------------------------------

  /**
   * Marks first-response breaches when they happen and closes cases abandoned past their window,
   * whether or not anyone is reading (runs every `CARE_SCAN_INTERVAL_SECONDS`).
   */
  async scan(now = new Date()): Promise<{ breached: number; abandoned: number }> {
    const toBreach = await this.cases
      .find({ status: { $in: OPEN_STATUSES }, firstResponseAt: null, breachedAt: null, firstResponseDueAt: { $lte: now } }, { _id: 1, workspaceId: 1, firstResponseDueAt: 1 })
      .lean();
    for (const c of toBreach) {
      const res = await this.cases.updateOne(
        { _id: c._id, breachedAt: null, firstResponseAt: null },
        { $set: { breachedAt: c.firstResponseDueAt }, $inc: { __v: 1 } },
      );
      if (res.modifiedCount) this.events.next({ type: 'case.breached', workspaceId: String(c.workspaceId), caseId: String(c._id), at: c.firstResponseDueAt });
    }
    const toAbandon = await this.cases
      .find({ status: { $in: OPEN_STATUSES }, firstResponseAt: null, abandonAt: { $lte: now } }, { _id: 1, workspaceId: 1, abandonAt: 1 })
      .lean();
    for (const c of toAbandon) {
      const res = await this.cases.updateOne(
        { _id: c._id, firstResponseAt: null, status: { $in: OPEN_STATUSES } },
        { $set: { status: 'abandoned', abandonedAt: c.abandonAt }, $inc: { __v: 1 } },
      );
      if (res.modifiedCount) this.events.next({ type: 'case.abandoned', workspaceId: String(c.workspaceId), caseId: String(c._id), at: c.abandonAt });
    }
    if (toBreach.length || toAbandon.length) this.logger.log({ breached: toBreach.length, abandoned: toAbandon.length }, 'Care scan');
    return { breached: toBreach.length, abandoned: toAbandon.length };
  }
}
