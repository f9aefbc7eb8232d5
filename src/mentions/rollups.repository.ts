import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, Types } from 'mongoose';
import { ReportVersionsRepository } from '../report-freshness/report-versions.repository';
import { MentionRollup } from './schemas/mention-rollup.schema';

/** Batch or correction ids a rollup row remembers; a crashed batch is replayed long before 100 more arrive. */
export const APPLIED_KEPT = 100;

export interface GuardedIncrement {
  key: { workspaceId: Types.ObjectId; topicId: Types.ObjectId; hour: Date; platform: string };
  inc: Record<string, number>;
}

/** The `mention_rollups` collection: the only holder of its Mongoose model. */
@Injectable()
export class RollupsRepository {
  constructor(
    @InjectModel(MentionRollup.name) private readonly rollups: Model<MentionRollup>,
    // Optional: specs that wire the mentions services alone have no reports to refresh.
    @Optional() private readonly reportVersions?: ReportVersionsRepository,
  ) {}

  /**
   * Applies each increment to its row (created if missing) unless the row already took write
   * `guard` (a batch or a correction id), remembering it there in the same update: exactly once
   * however often it runs.
   */
  async incrementOnce(guard: Types.ObjectId, increments: GuardedIncrement[]): Promise<void> {
    const updates = increments.map((b): { filter: mongo.Document; update: mongo.Document } => ({
      filter: { ...b.key, applied: { $ne: guard } },
      update: { $inc: b.inc, $push: { applied: { $each: [guard], $slice: -APPLIED_KEPT } } },
    }));
    if (updates.length === 0) return;
    // The driver's own bulkWrite: every key and count is already of its stored type, so Mongoose's
    // casting of each `$inc` path would change nothing and costs the client time on every batch.
    try {
      await this.rollups.collection.bulkWrite(
        updates.map((u) => ({ updateOne: { ...u, upsert: true } })),
        { ordered: false },
      );
    } catch (err) {
      // A duplicate key on the upsert: the row exists, so the guarded update did not match it:
      // either the guard is already counted there, or another batch created the row meanwhile.
      // Retry those without upsert; the guard decides.
      const errors = ((err as { writeErrors?: { index: number; code: number }[] }).writeErrors ?? []) as { index: number; code: number }[];
      if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
      await this.rollups.collection.bulkWrite(
        errors.map((e) => ({ updateOne: updates[e.index] })),
        { ordered: false },
      );
    }
    // After the counts: a report cached before this write is recomputed on its next call.
    await this.reportVersions?.bumpAll(increments.map((b) => b.key.workspaceId));
  }

  /**
   * Applies an increment to the existing row of `key` at `hour` unless it took `guard`; whether
   * such a row exists (whatever the guard said).
   */
  async incrementExistingOnce(key: GuardedIncrement['key'], guard: Types.ObjectId, inc: Record<string, number>): Promise<boolean> {
    const res = await this.rollups.updateOne(
      { ...key, applied: { $ne: guard } },
      { $inc: inc, $push: { applied: { $each: [guard], $slice: -APPLIED_KEPT } } },
    );
    if (res.modifiedCount > 0) await this.reportVersions?.bump(key.workspaceId);
    return res.matchedCount > 0 || !!(await this.rollups.exists(key));
  }

  /** The rows of one scope (a topic or ALL_TOPICS) from `from` on, before `to`, without keys or guards. */
  async rows(workspaceId: Types.ObjectId, topicId: Types.ObjectId, from: Date, to: Date, platform?: string) {
    const filter: Record<string, unknown> = { workspaceId, topicId, hour: { $gte: from, $lt: to } };
    if (platform) filter.platform = platform;
    return this.rollups.find(filter, { _id: 0, workspaceId: 0, topicId: 0, langs: 0, applied: 0 }).lean();
  }
}
