import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model, Types } from 'mongoose';
import type { AccountSnapshotInput, PostInput, PublicMetrics } from '../collectors/collected';
import { startOfUtcHour as hourOf } from '../common/time-buckets';
import { ReportVersionsRepository } from '../report-freshness/report-versions.repository';
import { AccountSnapshot, OwnPost } from './schemas/own-post.schema';

@Injectable()
export class EngagementService {
  constructor(
    @InjectModel(OwnPost.name) private readonly posts: Model<OwnPost>,
    @InjectModel(AccountSnapshot.name) private readonly snapshots: Model<AccountSnapshot>,
    // Optional: specs that wire this service alone have no reports to refresh.
    @Optional() private readonly reportVersions?: ReportVersionsRepository,
  ) {}

  /**
   * Stores own posts once (unique workspace + platform + id); a post seen again only gets its
   * latest metrics. Returns how many were new.
   */
  async ingestPosts(workspaceId: string, topicId: string | null, inputs: PostInput[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const wsId = new Types.ObjectId(workspaceId);
    const now = new Date();
    const ops: AnyBulkWriteOperation<OwnPost>[] = inputs.map((p) => ({
      updateOne: {
        filter: { workspaceId: wsId, platform: p.platform, externalId: p.externalId },
        update: {
          $setOnInsert: {
            accountExternalId: p.accountExternalId,
            accountHandle: p.accountHandle,
            text: p.text,
            url: p.url,
            createdAt: p.createdAt,
          },
          $set: { metrics: p.metrics, metricsUpdatedAt: now },
          ...(topicId ? { $addToSet: { topicIds: new Types.ObjectId(topicId) } } : {}),
        },
        upsert: true,
      },
    }));
    const res = await this.posts.bulkWrite(ops, { ordered: false });
    await this.reportVersions?.bump(wsId);
    return res.upsertedCount;
  }

  async recordFollowers(workspaceId: string, samples: AccountSnapshotInput[]): Promise<void> {
    if (samples.length === 0) return;
    const wsId = new Types.ObjectId(workspaceId);
    await this.snapshots.bulkWrite(
      samples.map((s) => ({
        updateOne: {
          filter: { workspaceId: wsId, platform: s.platform, accountExternalId: s.externalId, at: hourOf(s.at) },
          update: { $set: { followers: s.followers, handle: s.handle } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    await this.reportVersions?.bump(wsId);
  }

  /** Own posts published since `since`, for the metrics refresher. */
  async recentPostIds(workspaceId: string, platform: string, since: Date): Promise<string[]> {
    const docs = await this.posts
      .find({ workspaceId: new Types.ObjectId(workspaceId), platform, createdAt: { $gte: since } }, { externalId: 1 })
      .lean();
    return docs.map((d) => d.externalId);
  }

  async applyMetrics(workspaceId: string, platform: string, updates: { externalId: string; metrics: PublicMetrics }[]): Promise<number> {
    if (updates.length === 0) return 0;
    const wsId = new Types.ObjectId(workspaceId);
    const now = new Date();
    const res = await this.posts.bulkWrite(
      updates.map((u) => ({
        updateOne: {
          filter: { workspaceId: wsId, platform, externalId: u.externalId },
          update: { $set: { metrics: u.metrics, metricsUpdatedAt: now } },
        },
      })),
      { ordered: false },
    );
    if (res.modifiedCount > 0) await this.reportVersions?.bump(wsId);
    return res.modifiedCount;
  }

  /**
   * Plain rows for the engagement KPIs (reports): only the fields they read (the overview reads
   * every post of its range and the previous period; texts and URLs were most of their bytes).
   */
  async postsPublished(workspaceId: string, from: Date, to: Date, topicId?: string, platform?: string) {
    const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId), createdAt: { $gte: from, $lt: to } };
    if (topicId) filter.topicIds = new Types.ObjectId(topicId);
    if (platform) filter.platform = platform;
    return this.posts
      .find(filter, { _id: 0, externalId: 1, accountExternalId: 1, createdAt: 1, metrics: 1, topicIds: 1 })
      .sort({ createdAt: -1 })
      .lean<Pick<OwnPost, 'externalId' | 'accountExternalId' | 'createdAt' | 'metrics' | 'topicIds'>[]>();
  }

  /** Own posts published in `[from, to)`, newest first, streamed from a cursor (CSV export). */
  async *exportPosts(workspaceId: string, from?: Date, to?: Date, topicId?: string, platform?: string) {
    const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
    if (from || to) filter.createdAt = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
    if (topicId) filter.topicIds = new Types.ObjectId(topicId);
    if (platform) filter.platform = platform;
    const cursor = this.posts.find(filter).sort({ createdAt: -1, _id: -1 }).lean().cursor({ batchSize: 500 });
    for await (const p of cursor) yield p;
  }

  async followerSamples(workspaceId: string, before: Date) {
    return this.snapshots
      .find({ workspaceId: new Types.ObjectId(workspaceId), at: { $lte: before } })
      .sort({ at: 1 })
      .lean();
  }
}
