import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { ReplyInput } from '../collectors/collected';
import { BrandReply } from './schemas/brand-reply.schema';

export interface StoredReply extends ReplyInput {
  id: string;
}

@Injectable()
export class RepliesService {
  constructor(@InjectModel(BrandReply.name) private readonly replies: Model<BrandReply>) {}

  /** Stores each brand reply once; returns the ones stored for the first time. */
  async ingest(workspaceId: string, inputs: ReplyInput[]): Promise<StoredReply[]> {
    if (inputs.length === 0) return [];
    const wsId = new Types.ObjectId(workspaceId);
    const res = await this.replies.bulkWrite(
      inputs.map((r) => ({
        updateOne: {
          filter: { workspaceId: wsId, platform: r.platform, externalId: r.externalId },
          update: {
            $setOnInsert: {
              accountExternalId: r.accountExternalId,
              accountHandle: r.accountHandle,
              text: r.text,
              url: r.url,
              createdAt: r.createdAt,
              inReplyToExternalId: r.inReplyToExternalId,
              inReplyToUserId: r.inReplyToUserId ?? null,
              conversationId: r.conversationId ?? null,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    const byIndex = res.upsertedIds as Record<string, Types.ObjectId>;
    return Object.entries(byIndex).map(([i, id]) => ({ ...inputs[Number(i)], id: String(id) }));
  }

  async findReplyingTo(workspaceId: string, platform: string, externalIds: string[]): Promise<StoredReply[]> {
    if (externalIds.length === 0) return [];
    const docs = await this.replies
      .find({ workspaceId: new Types.ObjectId(workspaceId), platform, inReplyToExternalId: { $in: externalIds } })
      .sort({ createdAt: 1 })
      .lean();
    return docs.map(toStored);
  }

  async findByExternalId(workspaceId: string, platform: string, externalId: string): Promise<StoredReply | null> {
    const doc = await this.replies.findOne({ workspaceId: new Types.ObjectId(workspaceId), platform, externalId }).lean();
    return doc ? toStored(doc) : null;
  }
}

function toStored(d: BrandReply & { _id: unknown }): StoredReply {
  return {
    id: String(d._id),
    platform: d.platform as StoredReply['platform'],
    externalId: d.externalId,
    accountExternalId: d.accountExternalId,
    accountHandle: d.accountHandle,
    text: d.text,
    url: d.url,
    createdAt: d.createdAt,
    inReplyToExternalId: d.inReplyToExternalId,
    inReplyToUserId: d.inReplyToUserId,
    conversationId: d.conversationId,
  };
}
