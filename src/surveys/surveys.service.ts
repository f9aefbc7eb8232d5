import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AgentsService } from '../care/agents/agents.service';
import { CasesService } from '../care/cases.service';
import { isValidObjectId, Model, Types } from 'mongoose';
import { parseInstant } from '../inputs/instant';
import { findInChunks, KeyedRecord, writeKeyedBatch } from '../inputs/keyed-writes';
import { IncomingBatch, IngestReport, ingestReport, validateBatch } from '../inputs/record-batch';
import { afterCursor, decodeCursor, encodeCursor } from '../mentions/page-cursor';
import type { SurveyKind, SurveyResponseRow, TimeRange } from '../common/rows';
import { type DayRollupMarkDoc, DayRollups, type DayRollupRowDoc, daysOf, dayRuns, mergeByRange } from '../inputs/day-rollups';
import { ListSurveyResponsesQuery, ListSurveySendsQuery, SurveyResponseInputDto, SurveySendInputDto } from './dto/survey.dto';
import { SurveyResponse } from './schemas/survey-response.schema';
import { SurveySend } from './schemas/survey-send.schema';
import { needsFollowUp } from './survey-scale';
import {
  byAnswer,
  edgeRows,
  mergeSurveyEntries,
  SURVEY_DAY_ROLLUP,
  SURVEY_ROLLUP_MARK,
  surveyDayEntries,
  type SurveyDayEntry,
  surveyRowsOfDay,
  type SurveyTags,
} from './survey-day-rollups';

export interface SurveyResponseView {
  id: string;
  type: SurveyKind;
  score: number;
  respondedAt: Date;
  sentAt: Date | null;
  caseId: string | null;
  agentId: string | null;
  comment: string | null;
  externalId: string | null;
  followUp: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface SurveySendView {
  id: string;
  type: SurveyKind;
  sentAt: Date;
  count: number;
  caseId: string | null;
  externalId: string | null;
  createdAt?: Date;
}

type Timestamped = { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };
type ResponseDoc = SurveyResponse & Timestamped;
type SendDoc = SurveySend & Timestamped;

const idOrNull = (id: Types.ObjectId | null | undefined) => (id ? String(id) : null);

const responseView = (d: ResponseDoc): SurveyResponseView => ({
  id: String(d._id),
  type: d.type,
  score: d.score,
  respondedAt: d.respondedAt,
  sentAt: d.sentAt ?? null,
  caseId: idOrNull(d.caseId),
  agentId: d.agentId ?? null,
  comment: d.comment ?? null,
  externalId: d.externalId ?? null,
  followUp: d.followUp,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const sendView = (d: SendDoc): SurveySendView => ({
  id: String(d._id),
  type: d.type,
  sentAt: d.sentAt,
  count: d.count,
  caseId: idOrNull(d.caseId),
  externalId: d.externalId ?? null,
  createdAt: d.createdAt,
});

/** CSAT and NPS responses, and the surveys sent (docs/KPIS.md, Surveys). */
@Injectable()
export class SurveysService {
  /** Responses per UTC day (src/inputs/day-rollups.ts): what the overview reads instead of every response of its range. */
  private readonly dayRollups: DayRollups<SurveyDayEntry>;

  constructor(
    @InjectModel(SurveyResponse.name) private readonly responses: Model<SurveyResponse>,
    @InjectModel(SurveySend.name) private readonly sends: Model<SurveySend>,
    private readonly cases: CasesService,
    private readonly agents: AgentsService,
    @InjectModel(SURVEY_DAY_ROLLUP) dayRows: Model<DayRollupRowDoc>,
    @InjectModel(SURVEY_ROLLUP_MARK) dayMarks: Model<DayRollupMarkDoc>,
  ) {
    const tagFields = { type: 1, score: 1, respondedAt: 1, sentAt: 1 } as const;
    this.dayRollups = new DayRollups<SurveyDayEntry>(
      dayRows,
      dayMarks,
      {
        count: async (workspaceId, days) => {
          const runs = dayRuns(days).map((r) => ({ $gte: r.from, $lt: r.to }));
          const docs = await this.responses
            .find({ workspaceId, $or: runs.flatMap((range) => [{ respondedAt: range }, { sentAt: range }]) }, tagFields)
            .lean();
          return surveyDayEntries(docs as SurveyTags[], new Set(days.map((d) => d.getTime())));
        },
        countAll: async (workspaceId) => {
          const docs: SurveyTags[] = [];
          for await (const d of this.responses.find({ workspaceId }, tagFields).lean().cursor()) docs.push(d);
          return surveyDayEntries(docs);
        },
      },
      'SurveyDayRollups',
    );
  }

  /**
   * Checks that the records a survey names (`caseId`, `agentId`) are the workspace's own: an id of
   * another workspace's case would otherwise link its customer to this workspace's alerts and
   * reports. Each id is looked up once per batch.
   */
  private ownRecords(workspaceId: string) {
    const seen = new Map<string, Promise<boolean>>();
    const once = (kind: string, id: string, lookup: () => Promise<boolean>) => {
      const key = `${kind}:${id}`;
      if (!seen.has(key)) seen.set(key, lookup());
      return seen.get(key)!;
    };
    const isOwnCase = (id: string) =>
      once('case', id, () =>
        this.cases.get(workspaceId, id).then(
          () => true,
          (err: unknown) => {
            if (err instanceof NotFoundException) return false;
            throw err;
          },
        ),
      );
    const isOwnAgent = (id: string) => once('agent', id, async () => (await this.agents.find(workspaceId, id)) !== null);
    return async (dto: { caseId?: string; agentId?: string }): Promise<string[]> => {
      const errors: string[] = [];
      if (dto.caseId && !(await isOwnCase(dto.caseId))) errors.push(`caseId ${dto.caseId} is not a case of this workspace`);
      if (dto.agentId && !(await isOwnAgent(dto.agentId))) errors.push(`agentId ${dto.agentId} is not an agent of this workspace`);
      return errors;
    };
  }

  /**
   * Stores responses; idempotent on `externalId`. A CSAT of 3 or less is flagged `followUp`. A
   * `caseId` or `agentId` must name a case or agent of this workspace.
   */
  async ingestResponses(workspaceId: string, batch: IncomingBatch): Promise<IngestReport> {
    const wsId = new Types.ObjectId(workspaceId);
    const own = this.ownRecords(workspaceId);
    const { valid, rejected } = await validateBatch(SurveyResponseInputDto, batch, async (dto) =>
      dto.sentAt && parseInstant(dto.sentAt)! > parseInstant(dto.respondedAt)! ? ['sentAt must not be after respondedAt'] : own(dto),
    );
    const records: KeyedRecord<SurveyResponse>[] = valid.map(({ ref, value }) => ({
      ref,
      key: value.externalId ?? null,
      doc: {
        workspaceId: wsId,
        type: value.type,
        score: value.score,
        respondedAt: parseInstant(value.respondedAt)!,
        sentAt: value.sentAt ? parseInstant(value.sentAt) : null,
        caseId: value.caseId ? new Types.ObjectId(value.caseId) : null,
        agentId: value.agentId ?? null,
        comment: value.comment ?? null,
        externalId: value.externalId ?? null,
        followUp: needsFollowUp(value.type, value.score),
      },
    }));
    // The stored responses these records replace: their days are recounted too.
    const keys = [...new Set(records.map((r) => r.key).filter((k): k is string => k !== null))];
    const stored = await findInChunks(keys, (chunk) =>
      this.responses.find({ workspaceId: wsId, externalId: { $in: chunk } }, { externalId: 1, respondedAt: 1, sentAt: 1 }).lean(),
    );
    const days = daysOf([...records, ...stored.map((d) => ({ doc: d }))].flatMap((r) => [r.doc.respondedAt, r.doc.sentAt]));
    const written = await this.dayRollups.writeMarked(wsId, days, () =>
      writeKeyedBatch(
        {
          model: this.responses,
          workspaceId: wsId,
          existing: async () => new Map(stored.map((d) => [d.externalId!, d._id])),
          keyFilter: (doc) => ({ workspaceId: wsId, externalId: doc.externalId }),
        },
        records,
      ),
    );
    return ingestReport(written.accepted, [...rejected, ...written.rejected]);
  }

  /** Records surveys sent (the response rate's denominator); idempotent on `externalId`. A `caseId` must be this workspace's. */
  async ingestSends(workspaceId: string, batch: IncomingBatch): Promise<IngestReport> {
    const wsId = new Types.ObjectId(workspaceId);
    const { valid, rejected } = await validateBatch(SurveySendInputDto, batch, this.ownRecords(workspaceId));
    const records: KeyedRecord<SurveySend>[] = valid.map(({ ref, value }) => ({
      ref,
      key: value.externalId ?? null,
      doc: {
        workspaceId: wsId,
        type: value.type,
        sentAt: parseInstant(value.sentAt)!,
        count: value.count ?? 1,
        caseId: value.caseId ? new Types.ObjectId(value.caseId) : null,
        externalId: value.externalId ?? null,
      },
    }));
    const written = await writeKeyedBatch(
      {
        model: this.sends,
        workspaceId: wsId,
        existing: (keys) => this.idsByExternalId(this.sends, wsId, keys),
        keyFilter: (doc) => ({ workspaceId: wsId, externalId: doc.externalId }),
      },
      records,
    );
    return ingestReport(written.accepted, [...rejected, ...written.rejected]);
  }

  /** Responses, newest first, with cursor pagination. */
  async listResponses(
    workspaceId: string,
    q: ListSurveyResponsesQuery,
  ): Promise<{ data: SurveyResponseView[]; nextCursor: string | null }> {
    const filter = listFilter(workspaceId, 'respondedAt', q);
    if (q.followUp !== undefined) filter.followUp = q.followUp;
    const page = await newestFirst(this.responses as unknown as Model<ResponseDoc>, filter, 'respondedAt', q);
    return { data: page.rows.map(responseView), nextCursor: page.nextCursor };
  }

  async listSends(workspaceId: string, q: ListSurveySendsQuery): Promise<{ data: SurveySendView[]; nextCursor: string | null }> {
    const page = await newestFirst(this.sends as unknown as Model<SendDoc>, listFilter(workspaceId, 'sentAt', q), 'sentAt', q);
    return { data: page.rows.map(sendView), nextCursor: page.nextCursor };
  }

  async getResponse(workspaceId: string, id: string): Promise<SurveyResponseView> {
    const doc = isValidObjectId(id) ? ((await this.responses.findOne(byId(workspaceId, id)).lean()) as ResponseDoc | null) : null;
    if (!doc) throw new NotFoundException(`survey response ${id} not found`);
    return responseView(doc);
  }

  async getSend(workspaceId: string, id: string): Promise<SurveySendView> {
    const doc = isValidObjectId(id) ? ((await this.sends.findOne(byId(workspaceId, id)).lean()) as SendDoc | null) : null;
    if (!doc) throw new NotFoundException(`survey send ${id} not found`);
    return sendView(doc);
  }

  /**
   * Responses answered in `[from, to)`, and those whose survey was sent in it (the response rate
   * counts a response when its survey was sent; the KPI functions drop the rows they do not need).
   */
  async responseRows(workspaceId: string, from: Date, to: Date, kind?: SurveyKind): Promise<SurveyResponseRow[]> {
    return this.rowsIn(new Types.ObjectId(workspaceId), [{ from, to }], kind);
  }

  /**
   * The responses of the ranges between consecutive `cuts` (the overview's previous period and
   * range) for the survey KPIs: whole UTC days from the day rollups (tallies, and the CSAT
   * responses to follow up one by one), the responses themselves at the ranges' edges and on days
   * with a write in progress, each counted only for the role whose day is not in a rollup. The
   * KPIs of each range equal those over `responseRows`, follow-ups in the same order.
   */
  async reportRows(workspaceId: string, cuts: readonly Date[]): Promise<SurveyResponseRow[]> {
    const wsId = new Types.ObjectId(workspaceId);
    const plan = await this.dayRollups.forReport(wsId, cuts);
    if (!plan) return this.responseRows(workspaceId, cuts[0], cuts[cuts.length - 1]);
    const edges = plan.raw.length === 0 ? [] : edgeRows(await this.rowsIn(wsId, plan.raw), plan.raw);
    return [...mergeByRange(plan.rows, cuts, mergeSurveyEntries).flatMap(surveyRowsOfDay), ...edges].sort(byAnswer);
  }

  /** Recounts every day of the workspace's responses (the repair; the bench's seed). */
  rebuildDayRollups(workspaceId: string): Promise<void> {
    return this.dayRollups.rebuild(new Types.ObjectId(workspaceId));
  }

  /** Responses answered in any of `spans`, or whose survey was sent in one, oldest answer first. */
  private async rowsIn(wsId: Types.ObjectId, spans: readonly TimeRange[], kind?: SurveyKind): Promise<SurveyResponseRow[]> {
    const ranges = spans.map((s) => ({ $gte: s.from, $lt: s.to }));
    const filter: Record<string, unknown> = {
      workspaceId: wsId,
      $or: ranges.flatMap((range) => [{ respondedAt: range }, { sentAt: range }]),
    };
    if (kind) filter.type = kind;
    const docs = await this.responses
      .find(filter, { type: 1, score: 1, respondedAt: 1, sentAt: 1, caseId: 1, agentId: 1 })
      .sort({ respondedAt: 1, _id: 1 })
      .lean();
    return docs.map((d) => ({
      responseId: String(d._id),
      kind: d.type,
      score: d.score,
      respondedAt: d.respondedAt,
      sentAt: d.sentAt ?? null,
      caseId: idOrNull(d.caseId),
      agentId: d.agentId ?? null,
    }));
  }

  /** CSAT responses of 3 or less answered since `since`, every workspace (follow-up alerts; docs/KPIS.md, "Surveys"). */
  async followUpsSince(since: Date) {
    const docs = await this.responses
      .find(
        { type: 'csat', score: { $lte: 3 }, respondedAt: { $gte: since } },
        { workspaceId: 1, score: 1, respondedAt: 1, caseId: 1, comment: 1 },
      )
      .lean();
    return docs.map((d) => ({
      workspaceId: String(d.workspaceId),
      responseId: String(d._id),
      score: d.score,
      respondedAt: d.respondedAt,
      caseId: idOrNull(d.caseId),
      comment: d.comment ?? null,
    }));
  }

  /** Mean CSAT score per case, for the cases export. */
  async csatByCase(workspaceId: string, caseIds: string[]): Promise<Map<string, number>> {
    const ids = caseIds.filter((id) => isValidObjectId(id)).map((id) => new Types.ObjectId(id));
    if (ids.length === 0) return new Map();
    const rows = await this.responses.aggregate<{ _id: Types.ObjectId; mean: number }>([
      { $match: { workspaceId: new Types.ObjectId(workspaceId), type: 'csat', caseId: { $in: ids } } },
      { $group: { _id: '$caseId', mean: { $avg: '$score' } } },
    ]);
    return new Map(rows.map((r) => [String(r._id), r.mean]));
  }

  /** Surveys of this kind sent in `[from, to)`; 0 when none were recorded. */
  async sendCount(workspaceId: string, kind: SurveyKind, from: Date, to: Date): Promise<number> {
    const [total] = await this.sends.aggregate<{ n: number }>([
      { $match: { workspaceId: new Types.ObjectId(workspaceId), type: kind, sentAt: { $gte: from, $lt: to } } },
      { $group: { _id: null, n: { $sum: '$count' } } },
    ]);
    return total?.n ?? 0;
  }

  private async idsByExternalId(model: Model<SurveyResponse> | Model<SurveySend>, wsId: Types.ObjectId, keys: string[]) {
    const byKey = model as unknown as Model<{ externalId: string | null }>;
    const docs = await findInChunks(keys, (chunk) =>
      byKey.find({ workspaceId: wsId, externalId: { $in: chunk } }, { externalId: 1 }).lean(),
    );
    return new Map(docs.map((d) => [d.externalId!, d._id]));
  }
}

function listFilter(workspaceId: string, field: string, q: ListSurveySendsQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
  if (q.type) filter.type = q.type;
  if (q.from || q.to) filter[field] = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
  return filter;
}

/** Keyset pagination on (`field` desc, _id desc), as the mentions list does. */
async function newestFirst<D extends { _id: Types.ObjectId }>(
  model: Model<D>,
  filter: Record<string, unknown>,
  field: keyof D & string,
  q: { cursor?: string; limit?: number },
): Promise<{ rows: D[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const query = q.cursor ? { $and: [filter, afterCursor(field, decodeCursor(q.cursor))] } : filter;
  const rows = (await model
    .find(query)
    .sort({ [field]: -1, _id: -1 })
    .limit(limit + 1)
    .lean()) as D[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last[field] as Date, last._id) : null };
}

const byId = (workspaceId: string, id: string) => ({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) });
