import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, Types } from 'mongoose';
import { ReportVersionsRepository } from '../report-freshness/report-versions.repository';
import { ROLLUP_SPAN_MS, type RollupPiece } from '../common/time-buckets';
import { SPAN_COUNTERS, spanIncrements } from './rollup-spans';
import { APPLIED_KEPT, applyGuardedRows, combineWrites, notTaken, taking, type RollupGuard } from './rollup-guard';
import { MentionRollup, MentionRollupSpan, MentionRollupSpanState } from './schemas/mention-rollup.schema';

export { APPLIED_KEPT } from './rollup-guard';

export interface GuardedIncrement {
  key: { workspaceId: Types.ObjectId; topicId: Types.ObjectId; hour: Date; platform: string };
  inc: Record<string, number>;
}

/** The `mention_rollups` collection: the only holder of its Mongoose model. */
@Injectable()
export class RollupsRepository {
  constructor(
    @InjectModel(MentionRollup.name) private readonly rollups: Model<MentionRollup>,
    @InjectModel(MentionRollupSpan.name) private readonly spans: Model<MentionRollupSpan>,
    @InjectModel(MentionRollupSpanState.name) private readonly spanStates: Model<MentionRollupSpanState>,
    // Optional: specs that wire the mentions services alone have no reports to refresh.
    @Optional() private readonly reportVersions?: ReportVersionsRepository,
  ) {}

  /**
   * Applies each write's increments (one write, or a group commit of ingestion batches, each under
   * its own guard: a lane's write, or a batch or correction id from before lanes) with one update
   * per row, created if missing, unless the row already took that guard, remembering it there in
   * the same update: each row takes each write exactly once however often it runs.
   */
  async incrementCombined(writes: { guard: RollupGuard; increments: GuardedIncrement[] }[]): Promise<void> {
    const slots = combineWrites(writes);
    if (slots.length === 0) return;
    // The slots first, then their hours and days: a rebuild of the spans (below) relies on it.
    await applyGuardedRows(this.rollups.collection, slots);
    await applyGuardedRows(
      this.spans.collection,
      combineWrites(writes.map((w) => ({ guard: w.guard, increments: spanIncrements(w.increments) }))),
      { also: { rev: 1 } },
    );
    // After the counts: a report cached before this write is recomputed on its next call.
    await this.reportVersions?.bumpAll(slots.map((b) => b.key.workspaceId as Types.ObjectId));
  }

  /**
   * Applies an increment to the existing row of `key` at `hour` unless it took `guard`; whether
   * such a row exists (whatever the guard said).
   */
  async incrementExistingOnce(key: GuardedIncrement['key'], guard: RollupGuard, inc: Record<string, number>): Promise<boolean> {
    const res = await this.rollups.collection.updateOne({ ...key, ...notTaken(guard) }, { $inc: inc, ...taking(guard) });
    const exists = res.matchedCount > 0 || !!(await this.rollups.exists(key));
    // The slot's hour and day rows move with it, under the same guard (rows a rebuild has yet to make count it then).
    if (exists) {
      for (const s of spanIncrements([{ key, inc }])) {
        await this.spans.collection.updateOne({ ...s.key, ...notTaken(guard) }, { $inc: { ...s.inc, rev: 1 }, ...taking(guard) });
      }
    }
    if (res.modifiedCount > 0) await this.reportVersions?.bump(key.workspaceId);
    return exists;
  }

  /** The rows of one scope (a topic or ALL_TOPICS) from `from` on, before `to`, without keys or guards. */
  async rows(workspaceId: Types.ObjectId, topicId: Types.ObjectId, from: Date, to: Date, platform?: string) {
    const filter: Record<string, unknown> = { workspaceId, topicId, hour: { $gte: from, $lt: to } };
    if (platform) filter.platform = platform;
    return this.rollups.find(filter, { _id: 0, workspaceId: 0, topicId: 0, langs: 0, applied: 0, writers: 0 }).lean();
  }

  /** The slot rows of one scope for the slot pieces of a cover (`rollupCover`). */
  async slotRowsIn(workspaceId: Types.ObjectId, topicId: Types.ObjectId, pieces: RollupPiece[], platform?: string) {
    const fine = pieces.filter((p) => p.span === 'slot');
    if (fine.length === 0) return [];
    const filter: Record<string, unknown> = { workspaceId, topicId, $or: fine.map((p) => ({ hour: { $gte: p.from, $lt: p.to } })) };
    if (platform) filter.platform = platform;
    return this.rollups.find(filter, { _id: 0, workspaceId: 0, topicId: 0, langs: 0, applied: 0, writers: 0 }).lean();
  }

  /**
   * The hour and day rows of one scope for the pieces of a cover (`rollupCover`; slot pieces are
   * read with `rows`); without their per-slot inbound support unless `withInbound`.
   */
  async spanRows(workspaceId: Types.ObjectId, topicId: Types.ObjectId, pieces: RollupPiece[], platform?: string, withInbound = true) {
    const coarse = pieces.filter((p) => p.span !== 'slot');
    if (coarse.length === 0) return [];
    const filter: Record<string, unknown> = {
      workspaceId,
      topicId,
      $or: coarse.map((p) => ({ span: p.span, start: { $gte: p.from, $lt: p.to } })),
    };
    if (platform) filter.platform = platform;
    // Without `inb` (each row's inbound support per slot, 96 numbers a day row) where no peak hour is asked of the rows.
    const projection = {
      _id: 0,
      workspaceId: 0,
      topicId: 0,
      applied: 0,
      writers: 0,
      rev: 0,
      rebuiltBy: 0,
      ...(withInbound ? {} : { inb: 0 }),
    };
    return this.spans
      .find(filter, projection)
      .lean<Omit<MentionRollupSpan, 'workspaceId' | 'topicId' | 'applied' | 'writers' | 'rev' | 'rebuiltBy'>[]>();
  }

  /** Whether the workspace's hour and day rows are whole (built from its slots, kept since). */
  async spansWhole(workspaceId: Types.ObjectId): Promise<boolean> {
    return !!(await this.spanStates.exists({ workspaceId }));
  }

  /**
   * Builds the workspace's hour and day rows from its slots (rows written before they existed),
   * while ingestion may be writing. Each span row is replaced by the sum of its slots only if no
   * write touched it since it was read (a compare-and-set on `rev`), and remembers the guards its
   * slots hold (each lane's highest write, and the ids in `applied`): an increment that reached the slots before they were read, but the span after, is
   * then refused by the guard; one that reached neither is counted by its own write. The rows a
   * write touched meanwhile are built again, alone (a few hot hours), until none is left.
   */
  async rebuildSpans(workspaceId: Types.ObjectId): Promise<number> {
    type SpanDoc = {
      span: 'hour' | 'day';
      start: Date;
      topicId: Types.ObjectId;
      platform: string;
      rev?: number;
      rebuiltBy?: Types.ObjectId;
    };
    const keyOf = (d: { topicId: unknown; span: string; start: Date; platform: string }) =>
      `${String(d.topicId)}|${d.span}|${d.start.getTime()}|${d.platform}`;
    const spanFilter = (d: SpanDoc) => ({ workspaceId, topicId: d.topicId, span: d.span, start: d.start, platform: d.platform });
    let written = 0;
    let pending: SpanDoc[] | null = null; // null: every row of the workspace
    for (let attempt = 0; attempt < 20; attempt++) {
      const attemptId = new Types.ObjectId();
      const fields = { _id: 0, topicId: 1, span: 1, start: 1, platform: 1, rev: 1 };
      const beforeDocs: SpanDoc[] = pending
        ? await this.spans.find({ workspaceId, $or: pending.map(spanFilter) }, fields).lean<SpanDoc[]>()
        : await this.spans.find({ workspaceId }, fields).lean<SpanDoc[]>();
      const before = new Map(beforeDocs.map((d) => [keyOf(d), d.rev ?? 0]));
      const slots = pending
        ? await this.rollups
            .find(
              {
                workspaceId,
                $or: pending.map((d) => ({
                  topicId: d.topicId,
                  platform: d.platform,
                  hour: { $gte: d.start, $lt: new Date(d.start.getTime() + ROLLUP_SPAN_MS[d.span]) },
                })),
              },
              { _id: 0, langs: 0 },
            )
            .lean()
        : await this.rollups.find({ workspaceId }, { _id: 0, langs: 0 }).lean();
      const only = pending ? new Set(pending.map(keyOf)) : null;
      const wanted = new Map<
        string,
        { key: SpanDoc; inc: Record<string, number>; applied: Set<string>; writers: Record<string, number> }
      >();
      for (const slot of slots) {
        const inc: Record<string, number> = {};
        for (const f of SPAN_COUNTERS) inc[f] = (slot as unknown as Record<string, number>)[f] ?? 0;
        for (const s of spanIncrements([{ key: slot, inc }])) {
          const id = keyOf(s.key);
          if (only && !only.has(id)) continue;
          let w = wanted.get(id);
          if (!w) wanted.set(id, (w = { key: s.key as SpanDoc, inc: {}, applied: new Set(), writers: {} }));
          for (const [f, n] of Object.entries(s.inc)) w.inc[f] = (w.inc[f] ?? 0) + n;
          for (const g of slot.applied ?? []) w.applied.add(String(g));
          // Per writer lane, the highest write any of its slots took: a lane's writes never overlap,
          // so every earlier write of that lane is in the slots read here.
          for (const [lane, seq] of Object.entries(slot.writers ?? {})) w.writers[lane] = Math.max(w.writers[lane] ?? 0, seq);
        }
      }
      const ops: mongo.AnyBulkWriteOperation[] = [];
      for (const [id, w] of wanted) {
        // The newest guards (ObjectIds grow with time): an increment still in flight is a recent one.
        const applied = [...w.applied]
          .sort()
          .slice(-APPLIED_KEPT)
          .map((g) => new Types.ObjectId(g));
        const rev = before.get(id);
        const counters: Record<string, unknown> = Object.fromEntries(SPAN_COUNTERS.map((f) => [f, 0]));
        const inb: Record<string, number> = {};
        for (const [f, n] of Object.entries(w.inc)) {
          if (f.startsWith('inb.')) inb[f.slice(4)] = n;
          else counters[f] = n;
        }
        const doc = { ...spanFilter(w.key), ...counters, inb, applied, writers: w.writers, rev: (rev ?? 0) + 1, rebuiltBy: attemptId };
        ops.push(
          rev === undefined
            ? { insertOne: { document: doc } }
            : { replaceOne: { filter: { ...spanFilter(w.key), rev }, replacement: doc, upsert: false } },
        );
      }
      for (let i = 0; i < ops.length; i += 1000) {
        try {
          const res = await this.spans.collection.bulkWrite(ops.slice(i, i + 1000), { ordered: false });
          written += res.insertedCount + res.modifiedCount;
        } catch (err) {
          // A row created by a write meanwhile (duplicate key): built again below.
          const errors = (err as { writeErrors?: { code: number }[] }).writeErrors ?? [];
          if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
        }
      }
      // The rows this attempt did not replace: a write reached them between the read and the replace.
      const missed = [...wanted.values()].map((w) => w.key);
      const took = new Set(
        (
          await this.spans
            .find({ workspaceId, rebuiltBy: attemptId }, { _id: 0, topicId: 1, span: 1, start: 1, platform: 1 })
            .lean<SpanDoc[]>()
        ).map(keyOf),
      );
      pending = missed.filter((k) => !took.has(keyOf(k)));
      if (pending.length === 0) {
        await this.spanStates.updateOne({ workspaceId }, { $set: { builtAt: new Date() } }, { upsert: true });
        return written;
      }
    }
    throw new Error('the mention rollups kept changing while their hour and day rows were built; the next report tries again');
  }

  /** The workspaces that have mention rollups. */
  async workspacesWithRollups(): Promise<Types.ObjectId[]> {
    const ids: unknown[] = await this.rollups.distinct('workspaceId');
    return ids.filter((id): id is Types.ObjectId => id instanceof Types.ObjectId);
  }
}
