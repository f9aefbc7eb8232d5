import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model, Types } from 'mongoose';
import { afterCursor, decodeCursor, encodeCursor } from '../../mentions/page-cursor';
import type { RejectedItem } from '../collected';
import { QuarantinedItem } from './quarantined-item.schema';

/** Which quarantined items: by id, or by topic, network, reason and when they were set aside. */
export interface QuarantineSelection {
  ids?: string[];
  topic?: string;
  platform?: string;
  reason?: string;
  from?: Date;
  to?: Date;
}

export type QuarantinedRow = QuarantinedItem & { _id: Types.ObjectId };

export interface QuarantinedView {
  id: string;
  topicId: string;
  platform: string;
  stream: string;
  externalId: string | null;
  reason: string;
  problem: string;
  payload: unknown;
  runId: string;
  rejectedAt: Date;
  lastRejectedAt: Date;
  sightings: number;
}

export const toQuarantinedView = (r: QuarantinedRow): QuarantinedView => ({
  id: String(r._id),
  topicId: String(r.topicId),
  platform: r.platform,
  stream: r.stream,
  externalId: r.externalId,
  reason: r.reason,
  problem: r.problem,
  payload: r.payload,
  runId: r.runId,
  rejectedAt: r.rejectedAt,
  lastRejectedAt: r.lastRejectedAt,
  sightings: r.sightings,
});

/** The only class that touches the quarantine collection. Every read is scoped to one workspace. */
@Injectable()
export class QuarantineRepository {
  constructor(@InjectModel(QuarantinedItem.name) private readonly items: Model<QuarantinedItem>) {}

  /**
   * Sets items aside for a topic. An item already there (same topic, network and id) is not
   * duplicated: its reason, problem and payload become the latest, and it counts one more sighting.
   */
  async put(
    scope: { workspaceId: string; topicId: string; stream: string; runId: string },
    rejected: RejectedItem[],
    at = new Date(),
  ): Promise<void> {
    if (rejected.length === 0) return;
    const workspaceId = new Types.ObjectId(scope.workspaceId);
    const topicId = new Types.ObjectId(scope.topicId);
    await this.items.bulkWrite(
      rejected.map((r): AnyBulkWriteOperation<QuarantinedItem> => {
        const latest = {
          reason: r.reason,
          problem: r.problem.slice(0, 2000),
          payload: r.payload ?? null,
          runId: scope.runId,
          lastRejectedAt: at,
          stream: scope.stream,
        };
        if (r.externalId === null) {
          return {
            insertOne: {
              document: { workspaceId, topicId, platform: r.platform, externalId: null, ...latest, rejectedAt: at, sightings: 1 },
            },
          };
        }
        return {
          updateOne: {
            filter: { topicId, platform: r.platform, externalId: r.externalId },
            update: { $set: latest, $setOnInsert: { workspaceId, rejectedAt: at }, $inc: { sightings: 1 } },
            upsert: true,
          },
        };
      }),
      { ordered: true },
    );
  }

  private filter(workspaceId: string, s: QuarantineSelection): Record<string, unknown> {
    const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
    if (s.ids) filter._id = { $in: s.ids.map((id) => new Types.ObjectId(id)) };
    if (s.topic) filter.topicId = new Types.ObjectId(s.topic);
    if (s.platform) filter.platform = s.platform;
    if (s.reason) filter.reason = s.reason;
    if (s.from || s.to) filter.rejectedAt = { ...(s.from ? { $gte: s.from } : {}), ...(s.to ? { $lt: s.to } : {}) };
    return filter;
  }

  /** Newest first, keyset-paginated as GET /mentions. */
  async list(workspaceId: string, s: QuarantineSelection, page: { cursor?: string; limit: number }) {
    const filter = this.filter(workspaceId, s);
    const query = page.cursor ? { $and: [filter, afterCursor('rejectedAt', decodeCursor(page.cursor))] } : filter;
    const rows = (await this.items
      .find(query)
      .sort({ rejectedAt: -1, _id: -1 })
      .limit(page.limit + 1)
      .lean()) as QuarantinedRow[];
    const shown = rows.slice(0, page.limit);
    const last = shown[shown.length - 1];
    return {
      data: shown.map(toQuarantinedView),
      nextCursor: rows.length > page.limit && last ? encodeCursor(last.rejectedAt, last._id) : null,
    };
  }

  /** The selected items, oldest first, at most `limit`. */
  async select(workspaceId: string, s: QuarantineSelection, limit: number): Promise<QuarantinedRow[]> {
    return await this.items.find(this.filter(workspaceId, s)).sort({ rejectedAt: 1, _id: 1 }).limit(limit).lean();
  }

  async remove(ids: Types.ObjectId[]): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.items.deleteMany({ _id: { $in: ids } });
    return res.deletedCount ?? 0;
  }

  /** Items set aside per topic and stream (for the collection status). */
  async countByStream(topicIds: string[]): Promise<{ topicId: string; stream: string; count: number }[]> {
    if (topicIds.length === 0) return [];
    const rows = await this.items.aggregate<{ _id: { topicId: Types.ObjectId; stream: string }; count: number }>([
      { $match: { topicId: { $in: topicIds.map((id) => new Types.ObjectId(id)) } } },
      { $group: { _id: { topicId: '$topicId', stream: '$stream' }, count: { $sum: 1 } } },
    ]);
    return rows.map((r) => ({ topicId: String(r._id.topicId), stream: r._id.stream, count: r.count }));
  }
}
