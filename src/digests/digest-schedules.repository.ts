import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { DigestSchedule } from './schemas/digest-schedule.schema';

export type ScheduleLean = DigestSchedule & { _id: Types.ObjectId };
export type ScheduleFields = Omit<DigestSchedule, 'workspaceId' | 'createdAt' | 'updatedAt'>;

/** The only access to `digest_schedules`; every call but `enabled()` is scoped to a workspace. */
@Injectable()
export class DigestSchedulesRepository {
  constructor(@InjectModel(DigestSchedule.name) private readonly schedules: Model<DigestSchedule>) {}

  async create(workspaceId: string, fields: ScheduleFields): Promise<ScheduleLean> {
    const doc = await this.schedules.create({ ...fields, workspaceId: new Types.ObjectId(workspaceId) });
    return doc.toObject();
  }

  list(workspaceId: string): Promise<ScheduleLean[]> {
    return this.schedules
      .find({ workspaceId: new Types.ObjectId(workspaceId) })
      .sort({ createdAt: -1 })
      .lean<ScheduleLean[]>();
  }

  get(workspaceId: string, id: string): Promise<ScheduleLean | null> {
    if (!isValidObjectId(id)) return Promise.resolve(null);
    return this.schedules.findOne({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) }).lean<ScheduleLean>();
  }

  /** Any workspace's schedule, for the job that sends it (the job carries only ids). */
  byId(id: string): Promise<ScheduleLean | null> {
    if (!isValidObjectId(id)) return Promise.resolve(null);
    return this.schedules.findById(new Types.ObjectId(id)).lean<ScheduleLean>();
  }

  update(workspaceId: string, id: string, fields: Partial<ScheduleFields>): Promise<ScheduleLean | null> {
    return this.schedules
      .findOneAndUpdate(
        { _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) },
        { $set: fields },
        { returnDocument: 'after' },
      )
      .lean<ScheduleLean>();
  }

  async remove(workspaceId: string, id: string): Promise<boolean> {
    if (!isValidObjectId(id)) return false;
    const r = await this.schedules.deleteOne({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) });
    return r.deletedCount > 0;
  }

  /** Every enabled schedule of every workspace, for the scheduler. */
  enabled(): Promise<ScheduleLean[]> {
    return this.schedules.find({ enabled: true }).lean<ScheduleLean[]>();
  }
}
