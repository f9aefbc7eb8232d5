import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ReportVersion } from './report-version.schema';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** The `report_versions` collection: the only holder of its Mongoose model. */
@Injectable()
export class ReportVersionsRepository {
  constructor(@InjectModel(ReportVersion.name) private readonly versions: Model<ReportVersion>) {}

  /** Marks the workspace's report inputs changed (after the write that changed them). */
  async bump(workspaceId: string | Types.ObjectId): Promise<void> {
    await this.versions.updateOne({ workspaceId: oid(workspaceId) }, { $inc: { version: 1 } }, { upsert: true });
  }

  /** Bumps each workspace once. */
  async bumpAll(workspaceIds: Iterable<string | Types.ObjectId>): Promise<void> {
    const unique = new Set([...workspaceIds].map(String));
    await Promise.all([...unique].map((id) => this.bump(id)));
  }

  /** The workspace's current version (0 before its first change): one indexed lookup. */
  async current(workspaceId: string | Types.ObjectId): Promise<number> {
    const doc = await this.versions.findOne({ workspaceId: oid(workspaceId) }, { _id: 0, version: 1 }).lean();
    return doc?.version ?? 0;
  }
}
