import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { LaneGuard } from './rollup-guard';
import { RollupBatch } from './schemas/mention-rollup.schema';

/** The `rollup_batches` collection (the rollups' outbox): the only holder of its Mongoose model. */
@Injectable()
export class RollupBatchesRepository {
  constructor(@InjectModel(RollupBatch.name) private readonly batches: Model<RollupBatch>) {}

  async open(
    batchId: Types.ObjectId,
    workspaceId: Types.ObjectId,
    topicId: Types.ObjectId,
    startedAt: Date,
    workspaceWide = true,
    guard?: LaneGuard,
  ): Promise<void> {
    // Through the driver: every value is of its stored type already, and a Mongoose document's
    // construction and validation cost the client more than the write (one per stored page).
    const entry: RollupBatch & { _id: Types.ObjectId } = { _id: batchId, workspaceId, topicId, startedAt, workspaceWide };
    if (guard) Object.assign(entry, { lane: guard.lane, seq: guard.seq });
    await this.batches.collection.insertOne(entry);
  }

  get(batchId: Types.ObjectId) {
    return this.batches.findById(batchId).lean();
  }

  async close(batchId: Types.ObjectId): Promise<void> {
    await this.batches.deleteOne({ _id: batchId });
  }

  /** Closes several counted batches with one write (a group commit's). */
  async closeAll(batchIds: Types.ObjectId[]): Promise<void> {
    await this.batches.collection.deleteMany({ _id: { $in: batchIds } });
  }

  async startedBefore(before: Date): Promise<Types.ObjectId[]> {
    return (await this.batches.find({ startedAt: { $lt: before } }, { _id: 1 }).lean()).map((b) => b._id);
  }

  /** Which of these batches are still open, with when they started. */
  async openAmong(ids: Types.ObjectId[]) {
    return this.batches.find({ _id: { $in: ids } }, { startedAt: 1 }).lean();
  }
}
