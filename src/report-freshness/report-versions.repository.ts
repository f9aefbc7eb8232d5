import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ReportVersion } from './report-version.schema';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** The `report_versions` collection: the only holder of its Mongoose model. */
@Injectable()
export class ReportVersionsRepository {
  constructor(@InjectModel(ReportVersion.name) private readonly versions: Model<ReportVersion>) {}

  /** When this process last finished bumping for an API write (ms; 0 before any). */
  lastApiWriteAt = 0;

  /**
   * Marks the workspace's report inputs changed (after the write that changed them); `api` for a
   * write made through the API, which the report cache shows on the caller's next call.
   */
  async bump(workspaceId: string | Types.ObjectId, opts: { api?: boolean } = {}): Promise<void> {
    const inc = opts.api ? { version: 1, apiWrites: 1 } : { version: 1 };
    await this.versions.updateOne({ workspaceId: oid(workspaceId) }, { $inc: inc }, { upsert: true });
    if (opts.api) this.lastApiWriteAt = Date.now();
  }

  /** Bumps each workspace once. */
  async bumpAll(workspaceIds: Iterable<string | Types.ObjectId>): Promise<void> {
    const unique = new Set([...workspaceIds].map(String));
    await Promise.all([...unique].map((id) => this.bump(id)));
  }

  /** The workspace's current version (0 before its first change): one indexed lookup. */
  async current(workspaceId: string | Types.ObjectId): Promise<number> {
    return (await this.stamp(workspaceId)).version;
  }

  /** The workspace's current version and API write count (0 before any): one indexed lookup. */
  async stamp(workspaceId: string | Types.ObjectId): Promise<{ version: number; apiWrites: number }> {
    const doc = await this.versions.findOne({ workspaceId: oid(workspaceId) }, { _id: 0, version: 1, apiWrites: 1 }).lean();
    return { version: doc?.version ?? 0, apiWrites: doc?.apiWrites ?? 0 };
  }
}
