import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { Types } from 'mongoose';
import { Settings, SETTINGS } from '../config/settings';
import { enqueueNowAndEvery, type JobEngine } from '../jobs/job-queue';
import { JOB_ENGINE } from '../jobs/jobs.module';
import { ThemeCounter } from '../themes/theme-counter.service';
import { themeIncrements } from '../themes/theme-counting';
import type { ThemeIncrement } from '../themes/theme-rollups.repository';
import { startOfRollupSlot } from '../common/time-buckets';
import { MentionsRepository, type MentionRow } from './mentions.repository';
import { RollupBatchesRepository } from './rollup-batches.repository';
import { PendingCounts } from '../report-freshness/pending-counts';
import { guardOf, RollupLanes, type LaneGuard, type RollupGuard, type RollupLane } from './rollup-guard';
import { RollupsRepository, type GuardedIncrement } from './rollups.repository';
import { ALL_TOPICS } from './schemas/mention-rollup.schema';

/** A batch this old is finished by the repair: its writer has died (a live one takes milliseconds). */
export const ROLLUP_REPAIR_GRACE_MS = 15_000;
const ROLLUP_REPAIR_EVERY_SECONDS = 30;
/**
 * How long a stored batch waits for others to share its rollup write (a group commit): pages
 * stored meanwhile are counted in the same update per row, so a collector storing page after page
 * costs the rollups one write per group instead of one per page. Readers in this process, API
 * writes and a graceful stop write the queue at once (`flush`).
 */
export const COUNT_DELAY_MS = 100;
/** The most batches one group write takes; an ingestion that finds this many queued waits for them (backpressure). */
export const COUNT_GROUP_MAX = 64;

/** A stored batch waiting for its rollup write: its outbox entry is open, under `guard` of `lane`. */
export interface QueuedCount {
  batchId: Types.ObjectId;
  lane: RollupLane;
  guard: LaneGuard;
  entries: RollupEntry[];
  /** The entries' increments, when the caller computed them beforehand (`RollupOutboxService.increments`). */
  increments?: CountIncrements;
}

/** What some entries add to the mention rollups and to the theme rollups. */
export interface CountIncrements {
  rollups: GuardedIncrement[];
  themes: ThemeIncrement[];
}

/**
 * A mention to count, and the rollup scopes (ALL_TOPICS, topics) it counts in (its text: for the
 * themes' key phrases). ALL_TOPICS, the workspace-wide figures, holds the brand topics' mentions
 * only: a mention only competitor topics matched is not the brand's (Mention.competitorOnly).
 */
export interface RollupEntry {
  row: Pick<MentionRow, 'workspaceId' | 'platform' | 'createdAt' | 'sentiment' | 'intent' | 'lang'> & { text?: string };
  topics: Types.ObjectId[];
}

/**
 * What some mentions add to the rollups: one increment per scope, 15-minute slot and platform,
 * with the count, the sentiment score's sum, one per sentiment label, intent and language.
 */
export function rollupIncrements(entries: RollupEntry[]): GuardedIncrement[] {
  const buckets = new Map<string, GuardedIncrement>();
  for (const { row: r, topics } of entries) {
    for (const topicId of topics) {
      const hour = startOfRollupSlot(r.createdAt);
      const id = `${String(topicId)}|${hour.getTime()}|${r.platform}`;
      let b = buckets.get(id);
      if (!b) buckets.set(id, (b = { key: { workspaceId: r.workspaceId, topicId, hour, platform: r.platform }, inc: {} }));
      const inc = b.inc;
      const add = (field: string, n: number) => (inc[field] = (inc[field] ?? 0) + n);
      add('count', 1);
      add('scoreSum', r.sentiment.score);
      add(r.sentiment.label, 1);
      add(r.intent, 1);
      add(`langs.${r.lang.replace(/[^a-z]/g, '') || 'und'}`, 1);
    }
  }
  return [...buckets.values()];
}

/**
 * The rollups' outbox (a transactional outbox without transactions): ingestion opens a batch
 * before writing mentions, counts them, then closes it. A batch a crash left open is finished by
 * the repair (a queued job at start, then every 30 s), exactly once per rollup row.
 */
@Injectable()
export class RollupOutboxService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('RollupOutbox');
  private repairTimer: NodeJS.Timeout | null = null;
  /** This process's writer lanes: ingestion batches and corrections each take one for their rollup write. */
  readonly lanes = new RollupLanes();
  private readonly closing = new Set<Promise<void>>();
  /** When this process started: with the embedded engine in-process, an entry opened before was left by a dead process. */
  private readonly bootedAt = new Date();
  private queue: QueuedCount[] = [];
  private queued = 0;
  private written = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private draining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly flushAll = () => this.flush();

  constructor(
    private readonly mentions: MentionsRepository,
    private readonly rollups: RollupsRepository,
    private readonly batches: RollupBatchesRepository,
    private readonly themes: ThemeCounter,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
    // Optional: specs that wire the mentions services alone have no readers to settle.
    @Optional() private readonly pending?: PendingCounts,
  ) {
    this.jobs.define({ queue: 'rollup-repair', attempts: 2, backoffMs: 2_000, process: () => this.repairRollups() });
    this.pending?.register(this.flushAll);
  }

  onApplicationBootstrap() {
    if (!this.settings.worker) return;
    const onError = (err: Error) => this.logger.error({ err: err.message }, 'Could not schedule the rollup repair');
    this.repairTimer = enqueueNowAndEvery(this.jobs, 'rollup-repair', ROLLUP_REPAIR_EVERY_SECONDS, {}, onError);
  }

  /** The queued counts and the closes still on their way are written before the connection goes. */
  async beforeApplicationShutdown() {
    await this.flush();
    await this.closed();
    this.pending?.unregister(this.flushAll);
  }

  /** Resolves once the counted batches' closes sent so far are written (or failed, left to the repair). */
  async closed(): Promise<void> {
    await Promise.all([...this.closing]);
  }

  onApplicationShutdown() {
    if (this.repairTimer) clearInterval(this.repairTimer);
    if (this.timer) clearTimeout(this.timer);
  }

  /** Before the mentions are written: if the process dies after, the repair finds this batch. */
  async open(
    batchId: Types.ObjectId,
    workspaceId: Types.ObjectId,
    topicId: Types.ObjectId,
    workspaceWide = true,
    guard?: LaneGuard,
  ): Promise<void> {
    await this.batches.open(batchId, workspaceId, topicId, new Date(), workspaceWide, guard);
  }

  /** Closes a batch that wrote nothing (every post of its page was stored already). */
  async discard(batchId: Types.ObjectId): Promise<void> {
    await this.batches.close(batchId);
  }

  /**
   * Counts the batch's mentions (guarded by its lane write, or by its id for a batch from before
   * lanes) and closes it. The mention and theme rollups are written side by side: each is guarded
   * on its own, so if either fails the entry stays open and the repair applies what is missing, once.
   */
  async countAndClose(batchId: Types.ObjectId, guard: RollupGuard, entries: RollupEntry[]): Promise<void> {
    await this.countCombined([{ guard, entries }]);
    await this.batches.close(batchId);
  }

  /** Several writes' counts at once, one update per rollup row, each write taken at most once per row. */
  private async countCombined(writes: { guard: RollupGuard; entries: RollupEntry[]; increments?: CountIncrements }[]): Promise<void> {
    const counted = writes.map((w) => ({ guard: w.guard, ...(w.increments ?? this.increments(w.entries)) }));
    await Promise.all([
      this.rollups.incrementCombined(counted.map((w) => ({ guard: w.guard, increments: w.rollups }))),
      this.themes.countCombined(counted.map((w) => ({ guard: w.guard, increments: w.themes }))),
    ]);
  }

  /**
   * What these entries add to the rollups, computed now: ingestion does it while the engine
   * stores the page, so the group write has only to send it.
   */
  increments(entries: RollupEntry[]): CountIncrements {
    return { rollups: rollupIncrements(entries), themes: themeIncrements(entries) };
  }

  /**
   * Queues a stored batch's counts for the next group write (within COUNT_DELAY_MS) and returns:
   * the mentions are stored and the batch's open entry guarantees the counts, so the caller (and
   * its cursor) may go on. Waits only when COUNT_GROUP_MAX batches are queued (backpressure). The
   * group write releases each batch's lane and closes its entry; if it fails, the lanes retire and
   * the entries stay open for the repair, which applies what each row is missing, once.
   */
  async countLater(item: QueuedCount): Promise<void> {
    this.queue.push(item);
    this.queued++;
    if (this.queue.length >= COUNT_GROUP_MAX) return this.flush();
    if (!this.timer && !this.draining) this.timer = setTimeout(this.flushAll, COUNT_DELAY_MS);
  }

  /** Writes every count queued before the call; resolves once they are written (or given up to the repair). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const upTo = this.queued;
    if (this.written >= upTo) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push({ upTo, resolve }));
    this.drain();
    return done;
  }

  /**
   * One group write at a time, each taking everything queued (up to COUNT_GROUP_MAX). The next
   * follows at once only for a waiting flush or a full queue; otherwise the batches stored
   * meanwhile wait out COUNT_DELAY_MS, so a steady stream of pages is written in groups of many.
   */
  private drain(): void {
    if (this.draining) return;
    this.draining = (async () => {
      let first = true;
      while (this.queue.length && (first || this.waiters.length || this.queue.length >= COUNT_GROUP_MAX)) {
        first = false;
        const group = this.queue.splice(0, COUNT_GROUP_MAX);
        await this.writeGroup(group);
        this.written += group.length;
        this.waiters = this.waiters.filter((w) => (w.upTo <= this.written ? (w.resolve(), false) : true));
      }
    })().finally(() => {
      this.draining = null;
      if (this.queue.length) {
        if (this.waiters.length) this.drain();
        else this.timer ??= setTimeout(this.flushAll, COUNT_DELAY_MS);
      }
    });
  }

  private async writeGroup(group: QueuedCount[]): Promise<void> {
    try {
      await this.countCombined(group);
    } catch (err) {
      const mentions = group.reduce((n, g) => n + g.entries.length, 0);
      this.logger.error(
        { err: (err as Error).message, batches: group.length, mentions },
        'Could not count stored mentions in the rollups; the repair will',
      );
      return;
    }
    for (const g of group) this.lanes.release(g.lane);
    this.closeLater(group.map((g) => g.batchId));
  }

  /**
   * Closes counted batches (a group's, in one write) without holding their writers back: if the close is lost (a
   * crash, a failure) the repair replays the entry later, and every row refuses it (each took the
   * batch's write already), so it only costs the replay. A graceful stop waits for these closes.
   */
  closeLater(batchIds: Types.ObjectId[]): void {
    const closing = this.batches
      .closeAll(batchIds)
      .catch((err: Error) =>
        this.logger.warn({ batches: batchIds.length, err: err.message }, 'Could not close counted batches; the repair will'),
      )
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  /**
   * Applies the rollup increments the mentions of write batch `batchId` owe (found by the batch
   * marks they carry), then deletes the outbox entry. Exactly once per rollup row however often it
   * runs (the normal path, a repair after a crash, or both at once): a row takes an increment only
   * while it has not taken the batch's lane write (`writers.<lane>` below its sequence number; see
   * `RollupLanes`), and the same update records it there. The batch's lane never writes again
   * (its writer died or gave it up on the failure), or has moved on only after this write reached
   * every row, so no later write can hide it.
   */
  async applyRollupBatch(batchId: Types.ObjectId): Promise<number> {
    const batch = await this.batches.get(batchId);
    if (!batch) return 0; // finished meanwhile
    const { inserted, linked } = await this.mentions.ofBatch(batchId);
    await this.countAndClose(batchId, guardOf(batch), [
      ...inserted.map((row) => ({ row, topics: batch.workspaceWide === false ? [batch.topicId] : [ALL_TOPICS, batch.topicId] })),
      ...linked.map((row) => ({ row, topics: (row.rollupLinks ?? []).filter((l) => l.batch.equals(batchId)).map((l) => l.topic) })),
    ]);
    return inserted.length + linked.length;
  }

  /** Finishes the outbox batches older than the grace period (their writer died mid-batch). */
  async repairRollups(now = new Date()): Promise<{ batches: number; mentions: number }> {
    // With the engine in this process (no MONGODB_URI) it owns the data directory: an entry opened
    // before this process started was left by a dead one, and is finished now rather than after the grace.
    const graceCut = now.getTime() - ROLLUP_REPAIR_GRACE_MS;
    const cut = this.settings.mongodbUri ? graceCut : Math.max(graceCut, Math.min(this.bootedAt.getTime(), now.getTime()));
    const stale = await this.batches.startedBefore(new Date(cut));
    let mentions = 0;
    for (const id of stale) mentions += await this.applyRollupBatch(id);
    if (stale.length) this.logger.warn({ batches: stale.length, mentions }, 'Finished rollup increments a stopped process left behind');
    return { batches: stale.length, mentions };
  }

  /** Ingestion batches still counting some mention; those a crash left are finished here first. */
  async settle(batchIds: Types.ObjectId[]): Promise<{ open: number }> {
    // This process's own queued counts and closes first: then an entry still open is another process's, or abandoned.
    await this.flush();
    await this.closed();
    const open = await this.batches.openAmong(batchIds);
    const abandoned = open.filter((b) => Date.now() - b.startedAt.getTime() >= ROLLUP_REPAIR_GRACE_MS);
    for (const b of abandoned) await this.applyRollupBatch(b._id);
    return { open: open.length - abandoned.length };
  }
}
