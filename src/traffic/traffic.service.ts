import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { findInChunks, KeyedRecord, writeKeyedBatch } from '../inputs/keyed-writes';
import { IncomingBatch, IngestReport, ingestReport, validateBatch } from '../inputs/record-batch';
import type { SupportContactRow, TrafficRow } from '../common/rows';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { ListSupportContactsQuery, SupportContactInputDto } from './dto/support-contact.dto';
import { ListPeriodsQuery, TrafficInputDto } from './dto/traffic.dto';
import { alignmentProblem, Granularity, resolvePeriodStart } from './period-alignment';
import { ContactChannel, SupportContact } from './schemas/support-contact.schema';
import { TrafficPeriod } from './schemas/traffic-period.schema';

/** A traffic period as the report layer reads it: TrafficRow plus the help-centre sessions. */
export interface TrafficInputRow extends TrafficRow {
  socialSessions: number | null;
  helpCenterSessions: number | null;
}

export interface TrafficView {
  id: string;
  periodStart: Date;
  granularity: Granularity;
  sessions: number;
  socialSessions: number | null;
  helpCenterSessions: number | null;
  updatedAt?: Date;
}

export interface SupportContactView {
  id: string;
  periodStart: Date;
  granularity: Granularity;
  channel: ContactChannel;
  count: number;
  updatedAt?: Date;
}

/** The drill-down lists are not paginated; a range holding more periods than this is cut short (`truncated`). */
export const MAX_LISTED_PERIODS = 10_000;

type TrafficDoc = TrafficPeriod & { _id: Types.ObjectId; updatedAt?: Date };
type ContactDoc = SupportContact & { _id: Types.ObjectId; updatedAt?: Date };

const trafficKey = (granularity: string, periodStart: Date) => `${granularity}|${periodStart.toISOString()}`;
const contactKey = (granularity: string, periodStart: Date, channel: string) => `${granularity}|${periodStart.toISOString()}|${channel}`;

const trafficView = (d: TrafficDoc): TrafficView => ({
  id: String(d._id),
  periodStart: d.periodStart,
  granularity: d.granularity,
  sessions: d.sessions,
  socialSessions: d.socialSessions ?? null,
  helpCenterSessions: d.helpCenterSessions ?? null,
  updatedAt: d.updatedAt,
});

const contactView = (d: ContactDoc): SupportContactView => ({
  id: String(d._id),
  periodStart: d.periodStart,
  granularity: d.granularity,
  channel: d.channel,
  count: d.count,
  updatedAt: d.updatedAt,
});

/**
 * The deflection inputs (docs/KPIS.md, Deflection): website sessions and assisted contacts per hour or
 * local day. A later value for the same period (and channel) replaces the earlier one, so a feed
 * can resend a day as its numbers settle.
 */
@Injectable()
export class TrafficService {
  constructor(
    @InjectModel(TrafficPeriod.name) private readonly traffic: Model<TrafficPeriod>,
    @InjectModel(SupportContact.name) private readonly contacts: Model<SupportContact>,
    private readonly workspaces: WorkspacesService,
  ) {}

  async ingestTraffic(workspaceId: string, batch: IncomingBatch): Promise<IngestReport> {
    const wsId = new Types.ObjectId(workspaceId);
    const zone = (await this.workspaces.get(workspaceId)).timezone;
    const { valid, rejected } = await validateBatch(TrafficInputDto, batch, (dto) => {
      const problems = periodProblems(dto.periodStart, dto.granularity, zone);
      if (dto.socialSessions !== undefined && dto.socialSessions > dto.sessions) {
        problems.push('socialSessions must not be greater than sessions');
      }
      return problems;
    });
    const records: KeyedRecord<TrafficPeriod>[] = valid.map(({ ref, value }) => {
      const periodStart = resolvePeriodStart(value.periodStart, zone)!;
      return {
        ref,
        key: trafficKey(value.granularity, periodStart),
        doc: {
          workspaceId: wsId,
          periodStart,
          granularity: value.granularity,
          sessions: value.sessions,
          socialSessions: value.socialSessions ?? null,
          helpCenterSessions: value.helpCenterSessions ?? null,
        },
      };
    });
    const written = await writeKeyedBatch(
      {
        model: this.traffic,
        workspaceId: wsId,
        existing: async () => {
          const starts = [...new Set(records.map((r) => r.doc.periodStart.getTime()))].map((t) => new Date(t));
          const docs = await findInChunks(starts, (chunk) =>
            this.traffic.find({ workspaceId: wsId, periodStart: { $in: chunk } }, { periodStart: 1, granularity: 1 }).lean(),
          );
          return new Map(docs.map((d) => [trafficKey(d.granularity, d.periodStart), d._id]));
        },
        keyFilter: (doc) => ({ workspaceId: wsId, periodStart: doc.periodStart, granularity: doc.granularity }),
      },
      records,
    );
    return ingestReport(written.accepted, [...rejected, ...written.rejected]);
  }

  async ingestSupportContacts(workspaceId: string, batch: IncomingBatch): Promise<IngestReport> {
    const wsId = new Types.ObjectId(workspaceId);
    const zone = (await this.workspaces.get(workspaceId)).timezone;
    const { valid, rejected } = await validateBatch(SupportContactInputDto, batch, (dto) =>
      periodProblems(dto.periodStart, dto.granularity, zone),
    );
    const records: KeyedRecord<SupportContact>[] = valid.map(({ ref, value }) => {
      const periodStart = resolvePeriodStart(value.periodStart, zone)!;
      return {
        ref,
        key: contactKey(value.granularity, periodStart, value.channel),
        doc: { workspaceId: wsId, periodStart, granularity: value.granularity, channel: value.channel, count: value.count },
      };
    });
    const written = await writeKeyedBatch(
      {
        model: this.contacts,
        workspaceId: wsId,
        existing: async () => {
          const starts = [...new Set(records.map((r) => r.doc.periodStart.getTime()))].map((t) => new Date(t));
          const docs = await findInChunks(starts, (chunk) =>
            this.contacts.find({ workspaceId: wsId, periodStart: { $in: chunk } }, { periodStart: 1, granularity: 1, channel: 1 }).lean(),
          );
          return new Map(docs.map((d) => [contactKey(d.granularity, d.periodStart, d.channel), d._id]));
        },
        keyFilter: (doc) => ({ workspaceId: wsId, periodStart: doc.periodStart, granularity: doc.granularity, channel: doc.channel }),
      },
      records,
    );
    return ingestReport(written.accepted, [...rejected, ...written.rejected]);
  }

  /** Periods in range, oldest first. */
  async listTraffic(workspaceId: string, q: ListPeriodsQuery): Promise<{ data: TrafficView[]; truncated: boolean }> {
    const filter = listFilter(workspaceId, q);
    const docs = (await this.traffic
      .find(filter)
      .sort({ periodStart: 1, granularity: 1 })
      .limit(MAX_LISTED_PERIODS + 1)
      .lean()) as TrafficDoc[];
    return { data: docs.slice(0, MAX_LISTED_PERIODS).map(trafficView), truncated: docs.length > MAX_LISTED_PERIODS };
  }

  async listSupportContacts(workspaceId: string, q: ListSupportContactsQuery): Promise<{ data: SupportContactView[]; truncated: boolean }> {
    const filter = listFilter(workspaceId, q);
    if (q.channel) filter.channel = q.channel;
    const docs = (await this.contacts
      .find(filter)
      .sort({ periodStart: 1, granularity: 1, channel: 1 })
      .limit(MAX_LISTED_PERIODS + 1)
      .lean()) as ContactDoc[];
    return { data: docs.slice(0, MAX_LISTED_PERIODS).map(contactView), truncated: docs.length > MAX_LISTED_PERIODS };
  }

  async getTraffic(workspaceId: string, id: string): Promise<TrafficView> {
    const doc = isValidObjectId(id) ? ((await this.traffic.findOne(byId(workspaceId, id)).lean()) as TrafficDoc | null) : null;
    if (!doc) throw new NotFoundException(`traffic period ${id} not found`);
    return trafficView(doc);
  }

  async getSupportContact(workspaceId: string, id: string): Promise<SupportContactView> {
    const doc = isValidObjectId(id) ? ((await this.contacts.findOne(byId(workspaceId, id)).lean()) as ContactDoc | null) : null;
    if (!doc) throw new NotFoundException(`support contact record ${id} not found`);
    return contactView(doc);
  }

  /** Traffic periods starting in `[from, to)`, oldest first, for the report layer. */
  async trafficRows(workspaceId: string, from: Date, to: Date): Promise<TrafficInputRow[]> {
    const docs = await this.traffic
      .find(rangeFilter(workspaceId, from, to), { periodStart: 1, granularity: 1, sessions: 1, socialSessions: 1, helpCenterSessions: 1 })
      .sort({ periodStart: 1 })
      .lean();
    return docs.map((d) => ({
      periodStart: d.periodStart,
      granularity: d.granularity,
      sessions: d.sessions,
      socialSessions: d.socialSessions ?? null,
      helpCenterSessions: d.helpCenterSessions ?? null,
    }));
  }

  /** Assisted contacts of the periods starting in `[from, to)`, oldest first, for the report layer. */
  async supportContactRows(workspaceId: string, from: Date, to: Date): Promise<SupportContactRow[]> {
    const docs = await this.contacts
      .find(rangeFilter(workspaceId, from, to), { periodStart: 1, granularity: 1, channel: 1, count: 1 })
      .sort({ periodStart: 1 })
      .lean();
    return docs.map((d) => ({ periodStart: d.periodStart, granularity: d.granularity, channel: d.channel, contacts: d.count }));
  }
}

function periodProblems(periodStart: string, granularity: Granularity, zone: string): string[] {
  const start = resolvePeriodStart(periodStart, zone);
  if (!start) return [`periodStart ${periodStart} is not a date in ${zone}`];
  const problem = alignmentProblem(start, granularity, zone);
  return problem ? [problem] : [];
}

function rangeFilter(workspaceId: string, from: Date, to: Date) {
  return { workspaceId: new Types.ObjectId(workspaceId), periodStart: { $gte: from, $lt: to } };
}

function listFilter(workspaceId: string, q: ListPeriodsQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
  if (q.from || q.to) filter.periodStart = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
  if (q.granularity) filter.granularity = q.granularity;
  return filter;
}

const byId = (workspaceId: string, id: string) => ({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) });
