import { ConflictException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { MentionsService } from '../mentions/mentions.service';
import { afterCursor, decodeCursor, encodeCursor, PageCursor } from '../mentions/page-cursor';
import { isSocialLead, LeadAttributionOptions } from '../common/lead-attribution';
import type { LeadRow, TimeRange } from '../common/rows';
import { type DayRollupMarkDoc, DayRollups, type DayRollupRowDoc, daysOf, dayRuns, mergeByRange } from '../inputs/day-rollups';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { LeadInputDto, ListLeadsQuery } from './dto/lead.dto';
import { parseInstant } from '../inputs/instant';
import { findInChunks, KeyedRecord, writeKeyedBatch } from '../inputs/keyed-writes';
import { IncomingBatch, IngestReport, ingestReport, validateBatch } from '../inputs/record-batch';
import { Lead } from './schemas/lead.schema';
import { SIGNATURE_TOLERANCE_SECONDS, verifyWebhook } from '../common/signed-webhooks';
import { LeadWebhookReceipt } from './schemas/webhook-receipt.schema';
import {
  LEAD_DAY_ROLLUP,
  LEAD_ROLLUP_MARK,
  leadDayEntries,
  type LeadDayEntry,
  leadRowsOfDay,
  type LeadTags,
  mergeLeadEntries,
} from './lead-day-rollups';

/** A lead as the report layer reads it: LeadRow plus its worth. */
export interface LeadInputRow extends LeadRow {
  utmCampaign: string | null;
  value: number | null;
}

export interface LeadView {
  id: string;
  occurredAt: Date;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  mentionId: string | null;
  value: number | null;
  externalId: string | null;
  /** Attributed to social by the workspace's current social mediums (docs/KPIS.md, "Leads"). */
  social: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

type LeadDoc = Lead & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

const utm = (value: string | undefined) => value?.trim().toLowerCase() || null;

function toRow(doc: LeadDoc): LeadInputRow {
  return {
    leadId: String(doc._id),
    createdAt: doc.occurredAt,
    utmSource: doc.utmSource ?? null,
    utmMedium: doc.utmMedium ?? null,
    utmCampaign: doc.utmCampaign ?? null,
    mentionId: doc.mentionId ? String(doc.mentionId) : null,
    value: doc.value ?? null,
  };
}

function toView(doc: LeadDoc, attribution: LeadAttributionOptions): LeadView {
  const row = toRow(doc);
  return {
    id: row.leadId,
    occurredAt: doc.occurredAt,
    utmSource: row.utmSource,
    utmMedium: row.utmMedium,
    utmCampaign: row.utmCampaign,
    mentionId: row.mentionId,
    value: row.value,
    externalId: doc.externalId ?? null,
    social: isSocialLead(row, attribution),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const ROW_FIELDS = { occurredAt: 1, utmSource: 1, utmMedium: 1, utmCampaign: 1, mentionId: 1, value: 1 } as const;
/** What a lead's day rollup entry reads (./lead-day-rollups). */
const TAG_FIELDS = { _id: 0, occurredAt: 1, utmSource: 1, utmMedium: 1, mentionId: 1 } as const;
/** Rows read per round trip when the social filter has to look at more leads than it returns. */
const SCAN_CHUNK = 2000;

@Injectable()
export class LeadsService {
  /** Leads per UTC day (src/inputs/day-rollups.ts): what the overview reads instead of every lead of its range. */
  private readonly dayRollups: DayRollups<LeadDayEntry>;

  constructor(
    @InjectModel(Lead.name) private readonly leads: Model<Lead>,
    @InjectModel(LeadWebhookReceipt.name) private readonly receipts: Model<LeadWebhookReceipt>,
    private readonly workspaces: WorkspacesService,
    private readonly mentions: MentionsService,
    @InjectModel(LEAD_DAY_ROLLUP) dayRows: Model<DayRollupRowDoc>,
    @InjectModel(LEAD_ROLLUP_MARK) dayMarks: Model<DayRollupMarkDoc>,
  ) {
    this.dayRollups = new DayRollups<LeadDayEntry>(
      dayRows,
      dayMarks,
      {
        count: async (workspaceId, days) =>
          leadDayEntries(
            (await this.leads
              .find({ workspaceId, $or: dayRuns(days).map((r) => ({ occurredAt: { $gte: r.from, $lt: r.to } })) }, TAG_FIELDS)
              .lean()) as LeadTags[],
          ),
        countAll: async (workspaceId) => {
          const tags: LeadTags[] = [];
          for await (const d of this.leads.find({ workspaceId }, TAG_FIELDS).lean().cursor()) tags.push(d);
          return leadDayEntries(tags);
        },
      },
      'LeadDayRollups',
    );
  }

  /**
   * Stores a batch of leads. Idempotent on `externalId`: a lead sent again replaces the stored
   * one. A `mentionId` must name a mention of this workspace.
   */
  async ingest(workspaceId: string, batch: IncomingBatch): Promise<IngestReport> {
    const wsId = new Types.ObjectId(workspaceId);
    const mentionChecks = new Map<string, Promise<boolean>>();
    const isOwnMention = (id: string) => {
      if (!mentionChecks.has(id)) mentionChecks.set(id, this.mentions.exists(workspaceId, id));
      return mentionChecks.get(id)!;
    };
    const { valid, rejected } = await validateBatch(LeadInputDto, batch, async (dto) =>
      dto.mentionId && !(await isOwnMention(dto.mentionId)) ? [`mentionId ${dto.mentionId} is not a mention of this workspace`] : [],
    );
    const records: KeyedRecord<Lead>[] = valid.map(({ ref, value }) => ({
      ref,
      key: value.externalId ?? null,
      doc: {
        workspaceId: wsId,
        occurredAt: parseInstant(value.occurredAt)!,
        utmSource: utm(value.utmSource),
        utmMedium: utm(value.utmMedium),
        utmCampaign: utm(value.utmCampaign),
        mentionId: value.mentionId ? new Types.ObjectId(value.mentionId) : null,
        value: value.value ?? null,
        externalId: value.externalId ?? null,
      },
    }));
    // The stored leads these records replace: their days are recounted too (the lead may move to another day).
    const keys = [...new Set(records.map((r) => r.key).filter((k): k is string => k !== null))];
    const stored = await findInChunks(keys, (chunk) =>
      this.leads.find({ workspaceId: wsId, externalId: { $in: chunk } }, { externalId: 1, occurredAt: 1 }).lean(),
    );
    const days = daysOf([...records.map((r) => r.doc.occurredAt), ...stored.map((d) => d.occurredAt)]);
    const written = await this.dayRollups.writeMarked(wsId, days, () =>
      writeKeyedBatch(
        {
          model: this.leads,
          workspaceId: wsId,
          existing: async () => new Map(stored.map((d) => [d.externalId!, d._id])),
          keyFilter: (doc) => ({ workspaceId: wsId, externalId: doc.externalId }),
        },
        records,
      ),
    );
    return ingestReport(written.accepted, [...rejected, ...written.rejected]);
  }

  /**
   * Checks a signed webhook before anything is read from it, then records its signature so the
   * same request cannot be accepted twice (409) while its timestamp is within the tolerance;
   * once outside it, the signature check refuses it as stale. Returns the receipt's id, which
   * `forgetWebhook` drops when the request then fails, so the sender may send it again.
   * An unknown workspace answers exactly like a wrong signature (a random secret is checked), so
   * the endpoint does not tell which workspace ids exist.
   */
  async acceptWebhook(
    workspaceId: string,
    rawBody: Buffer | undefined,
    headers: { signature?: string; timestamp?: string },
    now = Date.now(),
  ): Promise<Types.ObjectId> {
    const secret = isValidObjectId(workspaceId)
      ? await this.workspaces.webhookSecret(workspaceId).catch((err) => {
          if (err instanceof NotFoundException) return null;
          throw err;
        })
      : null;
    const check = verifyWebhook(secret ?? randomBytes(32).toString('hex'), rawBody ?? Buffer.alloc(0), headers, now);
    if (!check.ok && check.reason === 'stale') {
      throw new UnauthorizedException(
        `stale X-Signature-Timestamp: more than ${SIGNATURE_TOLERANCE_SECONDS} s from the server's clock; sign each request with the time it is sent`,
      );
    }
    if (!check.ok || !secret) {
      throw new UnauthorizedException(
        'invalid or missing signature: send X-Signature-Timestamp: <unix seconds> and X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the webhook secret>',
      );
    }
    const receipt = {
      _id: new Types.ObjectId(),
      workspaceId: new Types.ObjectId(workspaceId),
      signature: check.signature,
      receivedAt: new Date(now),
      expiresAt: new Date((check.timestamp + SIGNATURE_TOLERANCE_SECONDS) * 1000),
    };
    try {
      await this.receipts.create(receipt);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      throw new ConflictException(
        'this signed request was already received (same X-Signature): to send the leads again, sign them again with a new timestamp',
      );
    }
    return receipt._id;
  }

  /** Drops a receipt whose request failed, so the sender's retry of the same request is accepted. */
  async forgetWebhook(receiptId: Types.ObjectId): Promise<void> {
    await this.receipts.deleteOne({ _id: receiptId });
  }

  /** Newest first, with cursor pagination; `social` filters by the KPI's attribution rule. */
  async list(workspaceId: string, q: ListLeadsQuery): Promise<{ data: LeadView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const attribution = await this.attribution(workspaceId);
    const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
    if (q.from || q.to) filter.occurredAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };

    // Attribution depends on the workspace's settings at read time, so the social filter runs
    // here, with the same rule as the report, and reads on until the page is full.
    const page: LeadDoc[] = [];
    let cursor: PageCursor | null = q.cursor ? decodeCursor(q.cursor) : null;
    const chunk = q.social === undefined ? limit + 1 : Math.max(SCAN_CHUNK, limit + 1);
    for (;;) {
      const rows = (await this.leads
        .find(cursor ? { $and: [filter, afterCursor('occurredAt', cursor)] } : filter)
        .sort({ occurredAt: -1, _id: -1 })
        .limit(chunk)
        .lean()) as LeadDoc[];
      for (const r of rows) {
        if (q.social === undefined || isSocialLead(toRow(r), attribution) === q.social) page.push(r);
        if (page.length > limit) break;
      }
      const last = rows[rows.length - 1];
      if (page.length > limit || rows.length < chunk || !last) break;
      cursor = { at: last.occurredAt, id: last._id };
    }
    const data = page.slice(0, limit);
    const end = data[data.length - 1];
    return {
      data: data.map((d) => toView(d, attribution)),
      nextCursor: page.length > limit && end ? encodeCursor(end.occurredAt, end._id) : null,
    };
  }

  /** A lead of this workspace; another workspace's lead is "not found". */
  async get(workspaceId: string, id: string): Promise<LeadView> {
    const doc = isValidObjectId(id)
      ? ((await this.leads.findOne({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) }).lean()) as LeadDoc | null)
      : null;
    if (!doc) throw new NotFoundException(`lead ${id} not found`);
    return toView(doc, await this.attribution(workspaceId));
  }

  /** Leads that occurred in `[from, to)`, oldest first, for the report layer. */
  async rows(workspaceId: string, from: Date, to: Date): Promise<LeadInputRow[]> {
    const docs = (await this.leads
      .find(this.rangeFilter(workspaceId, from, to), ROW_FIELDS)
      .sort({ occurredAt: 1, _id: 1 })
      .lean()) as LeadDoc[];
    return docs.map(toRow);
  }

  /**
   * The leads of the ranges between consecutive `cuts` (the overview's previous period and range)
   * for `leads.social`: whole UTC days from the day rollups (a row per day and tags, with its
   * `count`), the leads themselves at the ranges' edges and on days with a write in progress.
   * Every lead read lies wholly in one range, so each range counts exactly what `rows` gives it.
   */
  async reportRows(workspaceId: string, cuts: readonly Date[]): Promise<LeadRow[]> {
    const wsId = new Types.ObjectId(workspaceId);
    const plan = await this.dayRollups.forReport(wsId, cuts);
    if (!plan) return this.rows(workspaceId, cuts[0], cuts[cuts.length - 1]);
    return [...mergeByRange(plan.rows, cuts, mergeLeadEntries).flatMap(leadRowsOfDay), ...(await this.rowsIn(wsId, plan.raw))];
  }

  private async rowsIn(workspaceId: Types.ObjectId, spans: TimeRange[]): Promise<LeadInputRow[]> {
    if (spans.length === 0) return [];
    const docs = (await this.leads
      .find({ workspaceId, $or: spans.map((r) => ({ occurredAt: { $gte: r.from, $lt: r.to } })) }, ROW_FIELDS)
      .lean()) as LeadDoc[];
    return docs.map(toRow);
  }

  /** Recounts every day of the workspace's leads (the repair; the bench's seed). */
  rebuildDayRollups(workspaceId: string): Promise<void> {
    return this.dayRollups.rebuild(new Types.ObjectId(workspaceId));
  }

  /** The same rows as `rows`, read through a cursor, for ranges too large to hold at once. */
  async *streamRows(workspaceId: string, from: Date, to: Date): AsyncGenerator<LeadInputRow> {
    const cursor = this.leads
      .find(this.rangeFilter(workspaceId, from, to), ROW_FIELDS)
      .sort({ occurredAt: 1, _id: 1 })
      .lean()
      .cursor();
    for await (const doc of cursor) yield toRow(doc as LeadDoc);
  }

  private rangeFilter(workspaceId: string, from: Date, to: Date) {
    return { workspaceId: new Types.ObjectId(workspaceId), occurredAt: { $gte: from, $lt: to } };
  }

  private async attribution(workspaceId: string): Promise<LeadAttributionOptions> {
    return { socialMediums: (await this.workspaces.get(workspaceId)).settings.socialMediums };
  }
}
