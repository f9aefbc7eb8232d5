import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import type { CaseUpdate } from './case-lifecycle';
import { OPEN_STATUSES } from './case-lifecycle';
import type { ListCasesQuery } from './dto/case.dto';
import { Case, CaseDocument, CaseMessage, type CaseRollupTimes } from './schemas/case.schema';

/** A case as read without hydration. */
export type CaseLean = Case & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

/** The fields a case row for the KPIs needs (no messages). */
export const ROW_FIELDS = {
  platform: 1,
  openedAt: 1,
  firstResponseAt: 1,
  status: 1,
  resolvedAt: 1,
  resolutions: 1,
  reopenCount: 1,
  lastReopenedAt: 1,
  abandonedAt: 1,
  inboundCount: 1,
  outboundCount: 1,
  lastInboundAt: 1,
  lastOutboundAt: 1,
  awaitingReplySince: 1,
  assignee: 1,
  team: 1,
  assignedAt: 1,
  reassignments: 1,
  routingKeyword: 1,
  firstResponder: 1,
  resolvedBy: 1,
} as const;

/** What the overview's service and deflection KPIs read: ROW_FIELDS less the agent attribution. */
const SERVICE_ROW_FIELDS = (() => {
  const { assignedAt: _a, routingKeyword: _r, firstResponder: _f, resolvedBy: _b, lastReopenedAt: _l, ...rest } = ROW_FIELDS;
  return rest;
})();

export interface ReportCaseFilter {
  team?: string;
  agent?: string;
  topic?: string;
  platform?: string;
  openCases?: 'all' | 'awaiting';
  fields?: 'all' | 'service';
  /** Only the open cases (as `openCases` says), not those opened or resolved in range: the care rollups count those. */
  onlyOpen?: boolean;
}

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** Told after a case is stored: its workspace and the openings and resolutions it had before and has now. */
export type CaseChangeListener = (workspaceId: Types.ObjectId, times: (Date | null | undefined)[]) => Promise<void> | void;

/**
 * The `cases` collection: the only holder of its Mongoose model. Documents it returns are saved
 * back through `save`, which keeps the schema's optimistic concurrency (a VersionError when
 * someone else saved the case meanwhile).
 */
@Injectable()
export class CasesRepository {
  private readonly changeListeners: CaseChangeListener[] = [];

  constructor(@InjectModel(Case.name) private readonly cases: Model<Case>) {}

  /**
   * Every write of a case passes here (`save`, `markAbandoned`), so what follows from cases (the
   * care rollups) listens here rather than at each caller.
   */
  onChange(listener: CaseChangeListener): void {
    this.changeListeners.push(listener);
  }

  private async changed(workspaceId: Types.ObjectId, times: (Date | null | undefined)[]): Promise<void> {
    for (const listener of this.changeListeners) await listener(workspaceId, times);
  }

  // ---- placing messages ----------------------------------------------------------------------

  async holdsPost(workspaceId: string, platform: string, externalId: string): Promise<boolean> {
    return !!(await this.cases.exists({ workspaceId: oid(workspaceId), platform, externalIds: externalId }));
  }

  byPost(workspaceId: string, platform: string, externalId: string): Promise<CaseDocument | null> {
    return this.cases.findOne({ workspaceId: oid(workspaceId), platform, externalIds: externalId }).exec();
  }

  /**
   * The customer's case a message written at `at` belongs to: the latest one opened by then and
   * not yet closed at that time; else, when the message predates every such case, the earliest
   * one, which it now opens (pages arrive newest first, and a run resumed after a failure brings
   * older messages after newer ones, sometimes after the case was resolved).
   */
  async holding(workspaceId: string, platform: string, customerExternalId: string, at: Date): Promise<CaseDocument | null> {
    const notClosedBy = {
      workspaceId: oid(workspaceId),
      platform,
      'customer.externalId': customerExternalId,
      $or: [
        { status: { $in: OPEN_STATUSES } },
        { status: 'resolved' as const, resolvedAt: { $gte: at } },
        { status: 'abandoned' as const, abandonedAt: { $gte: at } },
      ],
    };
    return (
      (await this.cases.findOne({ ...notClosedBy, openedAt: { $lte: at } }).sort({ openedAt: -1 })) ??
      (await this.cases.findOne(notClosedBy).sort({ openedAt: 1 }))
    );
  }

  /** The customer's case of this conversation resolved most recently, at or after `since`. */
  resolvedInConversation(
    workspaceId: string,
    platform: string,
    customerExternalId: string,
    conversationId: string,
    since: Date,
  ): Promise<CaseDocument | null> {
    return this.cases
      .findOne({
        workspaceId: oid(workspaceId),
        platform,
        'customer.externalId': customerExternalId,
        conversationIds: conversationId,
        status: 'resolved',
        resolvedAt: { $gte: since },
      })
      .sort({ resolvedAt: -1 })
      .exec();
  }

  /** Which of these post ids some case of the workspace already holds. */
  async heldPosts(workspaceId: string, platform: string, externalIds: string[]): Promise<Set<string>> {
    if (externalIds.length === 0) return new Set();
    const rows = await this.cases
      .find({ workspaceId: oid(workspaceId), platform, externalIds: { $in: externalIds } }, { externalIds: 1 })
      .lean();
    return new Set(rows.flatMap((c) => c.externalIds));
  }

  /** A new case, not yet stored (`save` stores it). */
  build(fields: Partial<Case> & { workspaceId: Types.ObjectId }): CaseDocument {
    return new this.cases(fields);
  }

  /** Applies a rule's update to the document and stores it. */
  async save(doc: CaseDocument, update: CaseUpdate = {}): Promise<void> {
    const before = doc.$locals.rollupTimes as CaseRollupTimes | undefined;
    doc.set(update);
    await doc.save();
    doc.$locals.rollupTimes = { openedAt: doc.openedAt, resolvedAt: doc.resolvedAt } satisfies CaseRollupTimes;
    await this.changed(doc.workspaceId, [before?.openedAt, before?.resolvedAt, doc.openedAt, doc.resolvedAt]);
  }

  load(workspaceId: string, id: string): Promise<CaseDocument | null> {
    if (!isValidObjectId(id)) return Promise.resolve(null);
    return this.cases.findOne({ _id: new Types.ObjectId(id), workspaceId: oid(workspaceId) }).exec();
  }

  findById(id: Types.ObjectId): Promise<CaseDocument | null> {
    return this.cases.findById(id).exec();
  }

  /** Every case's opening and message times, streamed (the start-up retime). */
  messageTimes(): AsyncIterable<{
    _id: Types.ObjectId;
    workspaceId: Types.ObjectId;
    openedAt: Date;
    messages?: Pick<CaseMessage, 'direction' | 'at'>[];
  }> {
    return this.cases
      .find({}, { workspaceId: 1, openedAt: 1, 'messages.direction': 1, 'messages.at': 1 })
      .lean()
      .cursor({ batchSize: 500 }) as never;
  }

  // ---- customers (identity links) ------------------------------------------------------------

  /** The customer as their latest case on the network names them, found by author id or handle; null: no case. */
  async customer(
    workspaceId: string,
    platform: string,
    by: { authorId: string } | { handle: string },
  ): Promise<{ externalId: string; handle: string; name: string | null } | null> {
    const who =
      'authorId' in by
        ? { 'customer.externalId': by.authorId }
        : { 'customer.handle': { $in: [by.handle, `@${by.handle}`, by.handle.toLowerCase(), `@${by.handle.toLowerCase()}`] } };
    const doc = await this.cases
      .findOne({ workspaceId: oid(workspaceId), platform, ...who }, { customer: 1 })
      .sort({ openedAt: -1 })
      .lean();
    return doc ? { externalId: doc.customer.externalId, handle: doc.customer.handle, name: doc.customer.name ?? null } : null;
  }

  /** The cases of any of these authors (network and author id), `except` one, newest first. */
  async ofCustomers(workspaceId: string, authors: { platform: string; authorId: string }[], except: string, limit = 50) {
    if (authors.length === 0) return [];
    return this.cases
      .find(
        {
          workspaceId: oid(workspaceId),
          $or: authors.map((a) => ({ platform: a.platform, 'customer.externalId': a.authorId })),
          _id: { $ne: oid(except) },
        },
        { platform: 1, customer: 1, status: 1, openedAt: 1, resolvedAt: 1, intent: 1, assignee: 1, team: 1, inboundCount: 1 },
      )
      .sort({ openedAt: -1 })
      .limit(limit)
      .lean();
  }

  /** Of these authors (network and author id), the ones with a case open now, with that case's id (the latest). */
  async openOfCustomers(workspaceId: string, authors: { platform: string; authorId: string }[]) {
    if (authors.length === 0) return [];
    return this.cases
      .find(
        {
          workspaceId: oid(workspaceId),
          status: { $in: OPEN_STATUSES },
          $or: authors.map((a) => ({ platform: a.platform, 'customer.externalId': a.authorId })),
        },
        { platform: 1, customer: 1, openedAt: 1 },
      )
      .sort({ openedAt: 1 })
      .lean();
  }

  // ---- the inbox and reports -----------------------------------------------------------------

  listFilter(workspaceId: string, q: ListCasesQuery): Record<string, unknown> {
    const filter: Record<string, unknown> = { workspaceId: oid(workspaceId) };
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

  /** One page of cases without their messages, and how many match. */
  async page(
    filter: Record<string, unknown>,
    sort: Record<string, 1 | -1>,
    offset: number,
    limit: number,
  ): Promise<{ rows: CaseLean[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.cases
        .find(filter, { messages: 0 })
        .sort({ ...sort, _id: 1 })
        .skip(offset)
        .limit(limit)
        .lean(),
      this.cases.countDocuments(filter),
    ]);
    return { rows: rows as unknown as CaseLean[], total };
  }

  /** Open cases awaiting our reply, longest wait first. */
  async awaiting(workspaceId: string, limit: number): Promise<CaseLean[]> {
    const rows = await this.cases
      .find({ workspaceId: oid(workspaceId), status: { $in: OPEN_STATUSES }, awaitingReplySince: { $ne: null } }, { messages: 0 })
      .sort({ awaitingReplySince: 1, _id: 1 })
      .limit(limit)
      .lean();
    return rows as unknown as CaseLean[];
  }

  /** Open cases awaiting our reply with their messages (the triage list), longest wait first. */
  async awaitingForTriage(workspaceId: string, extra: Record<string, unknown>, limit: number): Promise<CaseLean[]> {
    const rows = await this.cases
      .find(
        { ...extra, workspaceId: oid(workspaceId), status: { $in: OPEN_STATUSES }, awaitingReplySince: { $ne: null } },
        { externalIds: 0 },
      )
      .sort({ awaitingReplySince: 1, _id: 1 })
      .limit(limit)
      .lean();
    return rows as unknown as CaseLean[];
  }

  /** Matching cases without messages or post ids, newest first, from a cursor (CSV export). */
  exportCursor(filter: Record<string, unknown>): AsyncIterable<CaseLean> {
    return this.cases
      .find(filter, { messages: 0, externalIds: 0 })
      .sort({ openedAt: -1, _id: -1 })
      .lean()
      .cursor({ batchSize: 500 }) as never;
  }

  /**
   * Cases a report over [from, to) needs: opened or resolved in range, plus the open ones (all,
   * or only those awaiting a reply), never one closed as not_support.
   */
  async forReport(workspaceId: string, from: Date, to: Date, filter: ReportCaseFilter): Promise<CaseLean[]> {
    // `$ne: null` is an index range on {workspaceId, status, awaitingReplySince}, as in MongoDB.
    const open =
      filter.openCases === 'awaiting'
        ? { status: { $in: OPEN_STATUSES }, awaitingReplySince: { $ne: null } }
        : { status: { $in: OPEN_STATUSES } };
    const f: Record<string, unknown> = {
      workspaceId: oid(workspaceId),
      ...(filter.onlyOpen ? open : { $or: [{ openedAt: { $gte: from, $lt: to } }, { resolvedAt: { $gte: from, $lt: to } }, open] }),
      // Closed as not_support after an agent's correction: never a care case for any KPI.
      ...(filter.onlyOpen ? {} : { status: { $ne: 'not_support' } }),
    };
    if (filter.team) f.team = filter.team;
    if (filter.agent) f.assignee = filter.agent;
    if (filter.topic) f.topicIds = new Types.ObjectId(filter.topic);
    if (filter.platform) f.platform = filter.platform;
    // Fewer fields, fewer bytes to encode and decode: the overview loads thousands of rows.
    return (await this.cases.find(f, filter.fields === 'service' ? SERVICE_ROW_FIELDS : ROW_FIELDS).lean()) as unknown as CaseLean[];
  }

  /** Care cases opened in [from, to), of a topic and a network when given: public care's rows (only openings count there). */
  async openedIn(workspaceId: string, from: Date, to: Date, filter: Pick<ReportCaseFilter, 'topic' | 'platform'>): Promise<CaseLean[]> {
    const f: Record<string, unknown> = {
      workspaceId: oid(workspaceId),
      openedAt: { $gte: from, $lt: to },
      status: { $ne: 'not_support' },
    };
    if (filter.topic) f.topicIds = new Types.ObjectId(filter.topic);
    if (filter.platform) f.platform = filter.platform;
    return (await this.cases.find(f, SERVICE_ROW_FIELDS).lean()) as unknown as CaseLean[];
  }

  // ---- the care rollups -------------------------------------------------------------------------

  /** Care cases opened or resolved in [from, to): the rows of the care rollup slots there. */
  async forRollupSlots(workspaceId: Types.ObjectId, from: Date, to: Date): Promise<CaseLean[]> {
    const rows = await this.cases
      .find(
        {
          workspaceId,
          $or: [{ openedAt: { $gte: from, $lt: to } }, { resolvedAt: { $gte: from, $lt: to } }],
          status: { $ne: 'not_support' },
        },
        { ...ROW_FIELDS, topicIds: 1 },
      )
      .lean();
    return rows as unknown as CaseLean[];
  }

  /** Every care case of the workspace, streamed (a rebuild of its rollups). */
  rollupCursor(workspaceId: Types.ObjectId): AsyncIterable<CaseLean> {
    return this.cases
      .find({ workspaceId, status: { $ne: 'not_support' } }, { ...ROW_FIELDS, topicIds: 1 })
      .lean()
      .cursor({ batchSize: 1000 }) as never;
  }

  /** The workspaces that have cases. */
  async workspacesWithCases(): Promise<Types.ObjectId[]> {
    const ids: unknown[] = await this.cases.distinct('workspaceId');
    return ids.filter((id): id is Types.ObjectId => id instanceof Types.ObjectId);
  }

  async isBreached(workspaceId: string, caseId: string): Promise<boolean> {
    if (!isValidObjectId(workspaceId) || !isValidObjectId(caseId)) return false;
    return !!(await this.cases.exists({ _id: new Types.ObjectId(caseId), workspaceId: oid(workspaceId), breachedAt: { $ne: null } }));
  }

  async breachedSince(since: Date) {
    return this.cases
      .find(
        { breachedAt: { $gte: since } },
        { workspaceId: 1, breachedAt: 1, customer: 1, platform: 1, team: 1, assignee: 1, firstResponseAt: 1 },
      )
      .lean();
  }

  // ---- the care scan -------------------------------------------------------------------------

  /** Open cases, every workspace, unanswered and unmarked past their first-response due time. */
  dueForBreach(now: Date) {
    return this.cases
      .find(
        { status: { $in: OPEN_STATUSES }, firstResponseAt: null, breachedAt: null, firstResponseDueAt: { $lte: now } },
        { _id: 1, workspaceId: 1, status: 1, firstResponseAt: 1, breachedAt: 1, firstResponseDueAt: 1, abandonAt: 1 },
      )
      .lean();
  }

  /** Open cases, every workspace, unanswered past their abandonment window. */
  dueForAbandon(now: Date) {
    return this.cases
      .find(
        { status: { $in: OPEN_STATUSES }, firstResponseAt: null, abandonAt: { $lte: now } },
        { _id: 1, workspaceId: 1, status: 1, firstResponseAt: 1, breachedAt: 1, firstResponseDueAt: 1, abandonAt: 1 },
      )
      .lean();
  }

  /** Marks the breach unless the case was answered or marked meanwhile; whether it did. */
  async markBreached(id: Types.ObjectId, breachedAt: Date): Promise<boolean> {
    const res = await this.cases.updateOne(
      { _id: id, breachedAt: null, firstResponseAt: null },
      { $set: { breachedAt }, $inc: { __v: 1 } },
    );
    return res.modifiedCount > 0;
  }

  /** Abandons the case unless it was answered or closed meanwhile; whether it did. */
  async markAbandoned(id: Types.ObjectId, abandonedAt: Date): Promise<boolean> {
    const res = await this.cases.updateOne(
      { _id: id, firstResponseAt: null, status: { $in: OPEN_STATUSES } },
      { $set: { status: 'abandoned', abandonedAt }, $inc: { __v: 1 } },
    );
    if (res.modifiedCount === 0) return false;
    const doc = await this.cases.findById(id, { workspaceId: 1, openedAt: 1, resolvedAt: 1 }).lean();
    if (doc) await this.changed(doc.workspaceId, [doc.openedAt, doc.resolvedAt]);
    return true;
  }
}
