import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { ReplyInput } from '../collectors/collected';
import { CompetitorReply } from './schemas/competitor-reply.schema';

/** A competitor's reply as public care reads it. */
export interface CompetitorReplyRow {
  topicId: string;
  platform: string;
  externalId: string;
  accountHandle: string;
  url: string;
  createdAt: Date;
  inReplyToExternalId: string;
}

/** The `competitor_replies` collection: the only holder of its model. */
@Injectable()
export class CompetitorRepliesRepository {
  constructor(@InjectModel(CompetitorReply.name) private readonly replies: Model<CompetitorReply>) {}

  /** Stores each reply of a competitor topic once; answers how many were new. */
  async ingest(workspaceId: string, topicId: string, inputs: ReplyInput[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const wsId = new Types.ObjectId(workspaceId);
    const tId = new Types.ObjectId(topicId);
    const res = await this.replies.bulkWrite(
      inputs.map((r) => ({
        updateOne: {
          filter: { workspaceId: wsId, topicId: tId, platform: r.platform, externalId: r.externalId },
          update: {
            $setOnInsert: {
              accountExternalId: r.accountExternalId,
              accountHandle: r.accountHandle,
              text: r.text,
              url: r.url,
              createdAt: r.createdAt,
              inReplyToExternalId: r.inReplyToExternalId,
              conversationId: r.conversationId ?? null,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    return res.upsertedCount;
  }

  /** The topics' replies published in `[from, to)`, oldest first. */
  async published(workspaceId: string, topicIds: string[], from: Date, to: Date, platform?: string): Promise<CompetitorReplyRow[]> {
    if (topicIds.length === 0) return [];
    const filter: Record<string, unknown> = {
      workspaceId: new Types.ObjectId(workspaceId),
      topicId: { $in: topicIds.map((t) => new Types.ObjectId(t)) },
      createdAt: { $gte: from, $lt: to },
    };
    if (platform) filter.platform = platform;
    const docs = await this.replies
      .find(filter, { topicId: 1, platform: 1, externalId: 1, accountHandle: 1, url: 1, createdAt: 1, inReplyToExternalId: 1 })
      .sort({ createdAt: 1 })
      .lean();
    return docs.map((d) => ({
      topicId: String(d.topicId),
      platform: d.platform,
      externalId: d.externalId,
      accountHandle: d.accountHandle,
      url: d.url,
      createdAt: d.createdAt,
      inReplyToExternalId: d.inReplyToExternalId,
    }));
  }
  /** One topic's replies on one network to these posts (customer messages or its own earlier replies). */
  async answering(workspaceId: string, topicId: string, platform: string, inReplyTo: string[]): Promise<CompetitorReplyRow[]> {
    if (inReplyTo.length === 0) return [];
    const filter = {
      workspaceId: new Types.ObjectId(workspaceId),
      topicId: new Types.ObjectId(topicId),
      platform,
      inReplyToExternalId: { $in: inReplyTo },
    };
    return this.rows(filter);
  }

  /** One topic's replies on one network by their network ids. */
  async byExternalIds(workspaceId: string, topicId: string, platform: string, externalIds: string[]): Promise<CompetitorReplyRow[]> {
    if (externalIds.length === 0) return [];
    const filter = {
      workspaceId: new Types.ObjectId(workspaceId),
      topicId: new Types.ObjectId(topicId),
      platform,
      externalId: { $in: externalIds },
    };
    return this.rows(filter);
  }

  private async rows(filter: Record<string, unknown>): Promise<CompetitorReplyRow[]> {
    const docs = await this.replies
      .find(filter, { topicId: 1, platform: 1, externalId: 1, accountHandle: 1, url: 1, createdAt: 1, inReplyToExternalId: 1 })
      .lean();
    return docs.map((d) => ({
      topicId: String(d.topicId),
      platform: d.platform,
      externalId: d.externalId,
      accountHandle: d.accountHandle,
      url: d.url,
      createdAt: d.createdAt,
      inReplyToExternalId: d.inReplyToExternalId,
    }));
  }
}
