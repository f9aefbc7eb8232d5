import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { ApiUsage, CollectionLease, CollectionStatus, CollectorCursor, type StreamRunCounts } from './schemas/collector-state.schema';

export interface CursorState {
  sinceId: string | null;
  pending: { newestId: string | null; untilId: string } | null;
}

/** The newer of two numeric post ids (X's and Mastodon's grow with time), compared as integers, not as strings. */
export const newerId = (a: string | null | undefined, b: string | null | undefined): string | null =>
  !a ? (b ?? null) : !b ? a : BigInt(a) >= BigInt(b) ? a : b;

export class ReadCapReachedError extends Error {
  constructor(
    readonly platform: string,
    readonly month: string,
    readonly cap: number,
  ) {
    super(`monthly read cap of ${cap} posts for ${platform} reached in ${month}; collection stops until next month or a higher X_MONTHLY_READ_CAP`);
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
          : { lastFailedAt: event.failed, lastError: event.error.slice(0, 500), lastErrorKind: event.kind, ...(event.streams ? { lastRunStreams: event.streams } : {}) };
    await this.statuses.updateOne({ topicId: new Types.ObjectId(topicId) }, { $set: { ...$set, workspaceId: new Types.ObjectId(workspaceId) } }, { upsert: true });
  }

  /** Topics whose last collection failed after their last success (every workspace; alerts). */
  async failingCollections() {
    const docs = await this.statuses.find({ lastFailedAt: { $ne: null } }).lean();
    return docs
      .filter((d) => d.lastFailedAt && (!d.lastSucceededAt || d.lastFailedAt > d.lastSucceededAt))
      .map((d) => ({ topicId: String(d.topicId), workspaceId: String(d.workspaceId), failedAt: d.lastFailedAt!, lastSucceededAt: d.lastSucceededAt, error: d.lastError ?? '' }));
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
      this.cursors.find({ topicId: { $in: ids } }).sort({ stream: 1 }).lean(),
    ]);
    return { statuses, cursors: cursors as (typeof cursors[number] & { updatedAt?: Date })[] };
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

  private static month(d = new Date()) {
    return d.toISOString().slice(0, 7);
  }

  /** Throws when the month's reads have reached the cap (0 = no cap). */
  async assertUnderCap(platform: string, cap: number): Promise<void> {
    if (cap <= 0) return;
    const month = CollectorStateService.month();
    const doc = await this.usage.findOne({ platform, month }).lean();
    if ((doc?.reads ?? 0) >= cap) throw new ReadCapReachedError(platform, month, cap);
  }

  async countReads(platform: string, reads: number): Promise<void> {
    if (reads <= 0) return;
    await this.usage.updateOne({ platform, month: CollectorStateService.month() }, { $inc: { reads } }, { upsert: true });
  }

  async readsThisMonth(platform: string): Promise<number> {
    const doc = await this.usage.findOne({ platform, month: CollectorStateService.month() }).lean();
    return doc?.reads ?? 0;
  }
}
