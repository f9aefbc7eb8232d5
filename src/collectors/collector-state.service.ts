import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { ApiUsage, CollectionLease, CollectionStatus, CollectorCursor, type StreamRunCounts } from './schemas/collector-state.schema';
import { WorkspaceApiUsage } from './schemas/read-quota.schema';

export interface CursorState {
  sinceId: string | null;
  pending: { newestId: string | null; untilId: string } | null;
}

/** The newer of two numeric post ids (X's and Mastodon's grow with time), compared as integers, not as strings. */
export const newerId = (a: string | null | undefined, b: string | null | undefined): string | null =>
  !a ? (b ?? null) : !b ? a : BigInt(a) >= BigInt(b) ? a : b;

/** Monthly read caps that apply to one workspace's collection on a network (0 = none). */
export interface ReadCaps {
  /** every workspace's reads together (`X_MONTHLY_READ_CAP`) */
  installation: number;
  /** this workspace's own reads (its override, `X_WORKSPACE_MONTHLY_READ_CAP`, or its fair share) */
  workspace: number;
}

export const NO_READ_CAPS: ReadCaps = { installation: 0, workspace: 0 };

export class ReadCapReachedError extends Error {
  constructor(
    readonly platform: string,
    readonly month: string,
    readonly cap: number,
    readonly scope: 'installation' | 'workspace' = 'installation',
  ) {
    super(
      scope === 'workspace'
        ? `this workspace's monthly read cap of ${cap} posts for ${platform} reached in ${month}; its collection stops until next month or until the installation admin raises its quota`
        : `monthly read cap of ${cap} posts for ${platform} reached in ${month}; collection stops until next month or a higher X_MONTHLY_READ_CAP`,
    );
    this.name = 'ReadCapReachedError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Cursors, leases and API usage: the collectors' own bookkeeping. */
@Injectable()
export class CollectorStateService {
  readonly instanceId = randomUUID();

  constructor(
    @InjectModel(CollectorCursor.name) private readonly cursors: Model<CollectorCursor>,
    @InjectModel(CollectionLease.name) private readonly leases: Model<CollectionLease>,
    @InjectModel(ApiUsage.name) private readonly usage: Model<ApiUsage>,
    @InjectModel(CollectionStatus.name) private readonly statuses: Model<CollectionStatus>,
    @InjectModel(WorkspaceApiUsage.name) private readonly workspaceUsage: Model<WorkspaceApiUsage>,
  ) {}

  /** Records the start, success or failure of a topic's collection, with what each stream did when it ended. */
  async recordRun(
    topicId: string,
    workspaceId: string,
    event:
      | { started: Date }
      | { succeeded: Date; counts: CollectionStatus['lastCounts']; streams?: StreamRunCounts[] }
      | { failed: Date; error: string; kind: 'network' | 'run'; streams?: StreamRunCounts[] },
  ): Promise<void> {
    const $set =
      'started' in event
        ? { lastStartedAt: event.started }
        : 'succeeded' in event
          ? { lastSucceededAt: event.succeeded, lastCounts: event.counts, ...(event.streams ? { lastRunStreams: event.streams } : {}) }
          : {
              lastFailedAt: event.failed,
              lastError: event.error.slice(0, 500),
              lastErrorKind: event.kind,
              ...(event.streams ? { lastRunStreams: event.streams } : {}),
            };
    await this.statuses.updateOne(
      { topicId: new Types.ObjectId(topicId) },
      { $set: { ...$set, workspaceId: new Types.ObjectId(workspaceId) } },
      { upsert: true },
    );
  }

  /** Topics whose last collection failed after their last success (every workspace; alerts). */
  async failingCollections() {
    const docs = await this.statuses.find({ lastFailedAt: { $ne: null } }).lean();
    return docs
      .filter((d) => d.lastFailedAt && (!d.lastSucceededAt || d.lastFailedAt > d.lastSucceededAt))
      .map((d) => ({
        topicId: String(d.topicId),
        workspaceId: String(d.workspaceId),
        failedAt: d.lastFailedAt!,
        lastSucceededAt: d.lastSucceededAt,
        error: d.lastError ?? '',
      }));
  }

  /** How the last collection of a topic ended (null: never run). */
  async lastRun(topicId: string) {
    return this.statuses.findOne({ topicId: new Types.ObjectId(topicId) }).lean();
  }

  /** The run status and stream cursors of these topics. */
  async topicStatus(topicIds: string[]) {
    const ids = topicIds.map((id) => new Types.ObjectId(id));
    const [statuses, cursors] = await Promise.all([
      this.statuses.find({ topicId: { $in: ids } }).lean(),
      this.cursors
        .find({ topicId: { $in: ids } })
        .sort({ stream: 1 })
        .lean(),
    ]);
    return { statuses, cursors: cursors as ((typeof cursors)[number] & { updatedAt?: Date })[] };
  }

  async cursor(topicId: string, stream: string): Promise<CursorState> {
    const doc = await this.cursors.findOne({ topicId: new Types.ObjectId(topicId), stream }).lean();
    return { sinceId: doc?.sinceId ?? null, pending: doc?.pending ?? null };
  }

  /** Called only after the batch the new state covers has been stored. */
  async saveCursor(topicId: string, stream: string, state: CursorState): Promise<void> {
    await this.cursors.updateOne(
      { topicId: new Types.ObjectId(topicId), stream },
      { $set: { sinceId: state.sinceId, pending: state.pending } },
      { upsert: true },
    );
  }

  async deleteCursors(topicId: string): Promise<void> {
    await this.cursors.deleteMany({ topicId: new Types.ObjectId(topicId) });
  }

  /** Takes the lease or renews our own; false when another holder's lease is still valid. */
  async tryLease(key: string, ttlMs: number, holder = this.instanceId): Promise<boolean> {
    const now = new Date();
    try {
      const doc = await this.leases.findOneAndUpdate(
        { key, $or: [{ expiresAt: { $lte: now } }, { holder }] },
        { $set: { holder, expiresAt: new Date(now.getTime() + ttlMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.holder === holder;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async waitForLease(key: string, ttlMs: number, timeoutMs: number, holder = this.instanceId): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.tryLease(key, ttlMs, holder)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(500);
    }
  }

  async releaseLease(key: string, holder = this.instanceId): Promise<void> {
    await this.leases.deleteOne({ key, holder });
  }

  /**
   * Claims the next run of an interval (a topic's collection on demand): true when none was
   * claimed within the last `intervalMs`; otherwise the seconds until one may be. One claim per
   * interval across instances: the lease key is unique, so of two concurrent claims one fails.
   */
  async claimInterval(key: string, intervalMs: number): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    const now = new Date();
    try {
      await this.leases.findOneAndUpdate(
        { key, expiresAt: { $lte: now } },
        { $set: { holder: randomUUID(), expiresAt: new Date(now.getTime() + intervalMs) } },
        { upsert: true },
      );
      return { ok: true };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const held = await this.leases.findOne({ key }).lean();
      const waitMs = held ? held.expiresAt.getTime() - now.getTime() : intervalMs;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
  }

  private static month(d = new Date()) {
    return d.toISOString().slice(0, 7);
  }

  /**
   * Throws when the month's reads have reached a cap: the installation's (every workspace
   * together) or this workspace's own. Checked before each page, so a run may end up to one
   * page over its cap, as with a single cap.
   */
  async assertUnderCap(platform: string, caps: ReadCaps, workspaceId: string): Promise<void> {
    if (caps.installation <= 0 && caps.workspace <= 0) return;
    const month = CollectorStateService.month();
    const [installation, workspace] = await Promise.all([
      caps.installation > 0 ? this.readsThisMonth(platform) : 0,
      caps.workspace > 0 ? this.readsThisMonth(platform, workspaceId) : 0,
    ]);
    if (caps.installation > 0 && installation >= caps.installation)
      throw new ReadCapReachedError(platform, month, caps.installation, 'installation');
    if (caps.workspace > 0 && workspace >= caps.workspace) throw new ReadCapReachedError(platform, month, caps.workspace, 'workspace');
  }

  /** Counts reads installation-wide and, when the reads were made for a workspace, for it too. */
  async countReads(platform: string, reads: number, workspaceId?: string | null): Promise<void> {
    if (reads <= 0) return;
    const month = CollectorStateService.month();
    await Promise.all([
      this.usage.updateOne({ platform, month }, { $inc: { reads } }, { upsert: true }),
      workspaceId
        ? this.workspaceUsage.updateOne(
            { workspaceId: new Types.ObjectId(workspaceId), platform, month },
            { $inc: { reads } },
            { upsert: true },
          )
        : null,
    ]);
  }

  /** Reads this month, installation-wide or (with `workspaceId`) of one workspace. */
  async readsThisMonth(platform: string, workspaceId?: string): Promise<number> {
    const month = CollectorStateService.month();
    const doc = workspaceId
      ? await this.workspaceUsage.findOne({ workspaceId: new Types.ObjectId(workspaceId), platform, month }).lean()
      : await this.usage.findOne({ platform, month }).lean();
    return doc?.reads ?? 0;
  }
}
