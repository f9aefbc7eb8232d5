import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { VipAuthor } from './schemas/vip-author.schema';

/** The workspace's VIP authors (by network and the network's author id). */
@Injectable()
export class VipAuthorsService {
  constructor(@InjectModel(VipAuthor.name) private readonly vips: Model<VipAuthor>) {}

  async mark(workspaceId: string, platform: string, authorId: string, by: string) {
    await this.vips.updateOne(
      { workspaceId: new Types.ObjectId(workspaceId), platform, authorId },
      { $setOnInsert: { markedBy: by } },
      { upsert: true },
    );
    return { platform, authorId, vip: true };
  }

  async unmark(workspaceId: string, platform: string, authorId: string) {
    await this.vips.deleteOne({ workspaceId: new Types.ObjectId(workspaceId), platform, authorId });
    return { platform, authorId, vip: false };
  }

  /** Keys `platform:authorId` of every VIP of the workspace. */
  async keys(workspaceId: string): Promise<Set<string>> {
    const rows = await this.vips.find({ workspaceId: new Types.ObjectId(workspaceId) }, { platform: 1, authorId: 1 }).lean();
    return new Set(rows.map((r) => `${r.platform}:${r.authorId}`));
  }
}
