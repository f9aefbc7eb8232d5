import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '../common/errors';
import { DigestRun, RecipientStatus, RunRecipient, RunStatus } from './schemas/digest-run.schema';

export type RunLean = DigestRun & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

export interface NewRun {
  workspaceId: string;
  scheduleId: string;
  period: string;
  from: Date;
  to: Date;
  dueAt: Date;
  late: boolean;
  manual: boolean;
  recipients: RunRecipient[];
}

/** The only access to `digest_runs`. */
@Injectable()
export class DigestRunsRepository {
  constructor(@InjectModel(DigestRun.name) private readonly runs: Model<DigestRun>) {}

  /**
   * Claims the run of (schedule, period) for `owner`: inserts it, or takes over a run still being
   * sent whose owner is this same job (a retry) or whose lease has lapsed (its instance died).
   * `null` when the run is finished or another live owner holds it: nothing is to be sent.
   */
  async claim(run: NewRun, owner: string, leaseMs: number): Promise<RunLean | null> {
    const now = Date.now();
    try {
      const doc = await this.runs.create({
        ...run,
        workspaceId: new Types.ObjectId(run.workspaceId),
        scheduleId: new Types.ObjectId(run.scheduleId),
        status: 'sending',
        owner,
        leaseUntil: new Date(now + leaseMs),
      });
      return doc.toObject();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    return this.runs
      .findOneAndUpdate(
        {
          scheduleId: new Types.ObjectId(run.scheduleId),
          period: run.period,
          status: 'sending',
          $or: [{ owner }, { leaseUntil: { $lt: new Date(now) } }],
        },
        { $set: { owner, leaseUntil: new Date(now + leaseMs) } },
        { returnDocument: 'after' },
      )
      .lean<RunLean>();
  }

  exists(scheduleId: string, period: string): Promise<boolean> {
    return this.runs.exists({ scheduleId: new Types.ObjectId(scheduleId), period }).then((r) => r !== null);
  }

  /** Runs left `sending` whose lease lapsed (their instance died mid-run). */
  abandoned(): Promise<RunLean[]> {
    return this.runs.find({ status: 'sending', leaseUntil: { $lt: new Date() } }).lean<RunLean[]>();
  }

  setSubject(runId: Types.ObjectId, subject: string) {
    return this.runs.updateOne({ _id: runId }, { $set: { subject } });
  }

  markRecipient(runId: Types.ObjectId, index: number, status: RecipientStatus, error: string | null) {
    return this.runs.updateOne(
      { _id: runId },
      {
        $set: {
          [`recipients.${index}.status`]: status,
          [`recipients.${index}.error`]: error,
          ...(status === 'sent' ? { [`recipients.${index}.sentAt`]: new Date() } : {}),
        },
        $inc: { [`recipients.${index}.attempts`]: 1 },
      },
    );
  }

  finish(runId: Types.ObjectId, status: RunStatus) {
    return this.runs.updateOne({ _id: runId }, { $set: { status, finishedAt: new Date() } });
  }

  list(workspaceId: string, scheduleId: string, limit = 50): Promise<RunLean[]> {
    return this.runs
      .find({ workspaceId: new Types.ObjectId(workspaceId), scheduleId: new Types.ObjectId(scheduleId) })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<RunLean[]>();
  }

  byId(runId: string): Promise<RunLean | null> {
    return this.runs.findById(new Types.ObjectId(runId)).lean<RunLean>();
  }

  removeFor(workspaceId: string, scheduleId: string) {
    return this.runs.deleteMany({ workspaceId: new Types.ObjectId(workspaceId), scheduleId: new Types.ObjectId(scheduleId) });
  }
}
