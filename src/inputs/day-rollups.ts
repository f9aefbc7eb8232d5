import { SingleFlight } from '../common/single-flight';
import { Logger } from '@nestjs/common';
import { Model, Schema as MongooseSchema, Types } from 'mongoose';
import type { TimeRange } from '../common/rows';

/**
 * Day rollups of records pushed through the API (leads, survey responses): per workspace and UTC
 * day, the tallies the overview's KPIs need (`E`, what the owning service counts), so a report of
 * any length reads about a row a day, plus the records themselves at its edges (a KPI counts a
 * record at its exact instant, so a range that starts mid-day reads that day's records).
 *
 * - **Written from the records.** A write recounts every day it touched (the record's day before
 *   and after) from the records stored there, so a retry or a replay never counts twice. Each
 *   recount writes its row only if no recount that started later wrote it first (`countedAt`),
 *   so the row always holds a read that began after every finished write of the day.
 * - **Crash safe.** Before the records are written, a pending mark names the days; it is removed
 *   once they are recounted. While a mark is open, reports read those days' records instead of
 *   the rows; a mark left by a process that died is recounted by the next report that sees it
 *   (after `STALE_MARK_MS`).
 * - **Built once.** A workspace whose records predate the rollups (no `built` mark) is read from
 *   its records while a rebuild counts every day, once at a time per process.
 */

/** A pending mark older than this was left by a writer that died: the next report recounts its days. */
export const STALE_MARK_MS = 60_000;
const DAY_MS = 24 * 3600_000;

export interface DayRollupRow<E> {
  day: Date;
  entries: E[];
}

/** The collections of one kind of record: its day rows, and its marks (pending writes, and whether it was built). */
export function dayRollupSchemas(prefix: string) {
  const rows = new MongooseSchema(
    {
      workspaceId: { type: Types.ObjectId, required: true },
      day: { type: Date, required: true },
      entries: { type: [MongooseSchema.Types.Mixed], default: [] },
      countedAt: { type: Date, required: true },
    },
    { collection: `${prefix}_day_rollups`, versionKey: false },
  );
  rows.index({ workspaceId: 1, day: 1 }, { unique: true });
  const marks = new MongooseSchema(
    {
      workspaceId: { type: Types.ObjectId, required: true },
      kind: { type: String, required: true, enum: ['pending', 'built'] },
      days: { type: [Date], default: [] },
      at: { type: Date, required: true },
    },
    { collection: `${prefix}_rollup_marks`, versionKey: false },
  );
  marks.index({ workspaceId: 1, kind: 1 });
  return { rows, marks };
}

export const startOfUtcDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

/** The distinct UTC days of some instants. */
export function daysOf(times: (Date | null | undefined)[]): Date[] {
  const days = new Set<number>();
  for (const t of times) if (t) days.add(startOfUtcDay(t).getTime());
  return [...days].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/** What a report reads for the ranges between consecutive cuts: day rows, and records over `raw`. */
export interface DayCover {
  /** [from, to) spans of whole UTC days whose rows are read (some days may be `dirty`). */
  days: TimeRange[];
  /** [from, to) spans whose records are read (a span may cross a cut: each record counts at its own instant). */
  raw: TimeRange[];
}

/**
 * Whole UTC days inside each range between consecutive cuts, read as rows, so each row lies wholly
 * in one range; the edges beside them, and a day in `dirty` (a pending write), read as records.
 */
export function dayCover(cuts: readonly Date[], dirty: ReadonlySet<number> = new Set()): DayCover {
  const days: TimeRange[] = [];
  const raw: TimeRange[] = [];
  const addRaw = (from: number, to: number) => {
    if (from >= to) return;
    const last = raw[raw.length - 1];
    if (last && last.to.getTime() === from) last.to = new Date(to);
    else raw.push({ from: new Date(from), to: new Date(to) });
  };
  for (let i = 1; i < cuts.length; i++) {
    const a = cuts[i - 1].getTime();
    const b = cuts[i].getTime();
    const d0 = Math.ceil(a / DAY_MS) * DAY_MS;
    const d1 = Math.floor(b / DAY_MS) * DAY_MS;
    if (d0 >= d1) {
      addRaw(a, b);
      continue;
    }
    addRaw(a, d0);
    let runFrom: number | null = null;
    for (let d = d0; d < d1; d += DAY_MS) {
      if (dirty.has(d)) {
        if (runFrom !== null) days.push({ from: new Date(runFrom), to: new Date(d) });
        runFrom = null;
        addRaw(d, d + DAY_MS);
      } else if (runFrom === null) runFrom = d;
    }
    if (runFrom !== null) days.push({ from: new Date(runFrom), to: new Date(d1) });
    addRaw(d1, b);
  }
  return { days, raw };
}

export interface DayRollupCounter<E> {
  /** The entries of each day of `days` (UTC day starts) from the workspace's stored records; a day without records may be absent. */
  count(workspaceId: Types.ObjectId, days: Date[]): Promise<Map<number, E[]>>;
  /** The entries of every day the workspace has records on. */
  countAll(workspaceId: Types.ObjectId): Promise<Map<number, E[]>>;
}

export type DayRollupRowDoc = { workspaceId: Types.ObjectId; day: Date; entries: unknown[]; countedAt: Date };
export type DayRollupMarkDoc = { _id: Types.ObjectId; workspaceId: Types.ObjectId; kind: 'pending' | 'built'; days: Date[]; at: Date };

/** Keeps and reads one kind of record's day rollups (see the top of this file). */
export class DayRollups<E> {
  private readonly logger: Logger;
  private readonly rebuilds = new SingleFlight<void>();
  private readonly repairs = new Set<string>();

  constructor(
    private readonly rows: Model<DayRollupRowDoc>,
    private readonly marks: Model<DayRollupMarkDoc>,
    private readonly counter: DayRollupCounter<E>,
    name: string,
  ) {
    this.logger = new Logger(name);
  }

  /**
   * Writes records of these days (`write`, the days holding them before and after) under a
   * pending mark, then recounts the days and drops the mark.
   */
  async writeMarked<T>(workspaceId: Types.ObjectId, days: Date[], write: () => Promise<T>): Promise<T> {
    const mark = await this.writing(workspaceId, days);
    try {
      return await write();
    } finally {
      await this.written(workspaceId, mark, days);
    }
  }

  /** Before records are written: marks their days pending (reports read those days' records until `written`). */
  private async writing(workspaceId: Types.ObjectId, days: Date[]): Promise<Types.ObjectId | null> {
    if (days.length === 0) return null;
    const mark = await this.marks.create({ workspaceId, kind: 'pending', days, at: new Date() });
    return mark._id;
  }

  /** After the write: recounts the days, then drops the mark; a failure leaves the mark for a later report to recount. */
  private async written(workspaceId: Types.ObjectId, mark: Types.ObjectId | null, days: Date[]): Promise<void> {
    if (!mark) return;
    try {
      await this.recount(workspaceId, days);
      await this.marks.deleteOne({ _id: mark });
    } catch (err) {
      this.logger.error(
        { err: (err as Error).message, workspaceId: String(workspaceId) },
        'Could not recount day rollups; reports read those days from the records',
      );
    }
  }

  /** Rewrites these days' rows from the stored records (a row another recount started later wrote is kept). */
  async recount(workspaceId: Types.ObjectId, days: Date[]): Promise<void> {
    const at = new Date();
    const counted = await this.counter.count(workspaceId, days);
    for (const day of days) await this.put(workspaceId, day, counted.get(day.getTime()) ?? [], at);
  }

  private async put(workspaceId: Types.ObjectId, day: Date, entries: E[], at: Date): Promise<void> {
    try {
      await this.rows.updateOne(
        { workspaceId, day, countedAt: { $lt: at } },
        { $set: { entries: entries, countedAt: at } },
        { upsert: true },
      );
    } catch (err) {
      // The row exists and was counted by a read that started at or after ours: it is newer.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }

  /** Counts every day of the workspace from its records (joined when one runs), then marks it built. */
  rebuild(workspaceId: Types.ObjectId): Promise<void> {
    return this.rebuilds.run(String(workspaceId), () => this.rebuildNow(workspaceId));
  }

  private async rebuildNow(workspaceId: Types.ObjectId): Promise<void> {
    const at = new Date();
    const counted = await this.counter.countAll(workspaceId);
    for (const [ms, entries] of counted) await this.put(workspaceId, new Date(ms), entries, at);
    // Rows of days that have no record any more, unless a recount since wrote them.
    await this.rows.deleteMany({ workspaceId, day: { $nin: [...counted.keys()].map((ms) => new Date(ms)) }, countedAt: { $lt: at } });
    await this.marks.updateOne({ workspaceId, kind: 'built' }, { $set: { at: new Date(), days: [] } }, { upsert: true });
  }

  /**
   * The rows and records a report reads for the ranges between consecutive `cuts`: the rows of
   * whole UTC days (`rows`, those days' records never read) and the spans whose records are read
   * (`raw`). Null while the workspace is not built: the report reads every record (a rebuild starts).
   */
  async forReport(
    workspaceId: Types.ObjectId,
    cuts: readonly Date[],
    now = new Date(),
  ): Promise<{ rows: DayRollupRow<E>[]; raw: TimeRange[] } | null> {
    const marks = await this.marks.find({ workspaceId }, { kind: 1, days: 1, at: 1 }).lean();
    if (!marks.some((m) => m.kind === 'built')) {
      void this.rebuild(workspaceId).catch((err: Error) =>
        this.logger.error({ err: err.message, workspaceId: String(workspaceId) }, 'Could not build day rollups'),
      );
      return null;
    }
    const pending = marks.filter((m) => m.kind === 'pending');
    const dirty = new Set(pending.flatMap((m) => m.days.map((d) => d.getTime())));
    const stale = pending.filter((m) => now.getTime() - m.at.getTime() > STALE_MARK_MS);
    if (stale.length > 0) void this.repair(workspaceId, stale);
    const cover = dayCover(cuts, dirty);
    const docs =
      cover.days.length === 0
        ? []
        : await this.rows
            .find({ workspaceId, $or: cover.days.map((r) => ({ day: { $gte: r.from, $lt: r.to } })) }, { _id: 0, day: 1, entries: 1 })
            .lean();
    return { rows: docs.map((d) => ({ day: d.day, entries: d.entries as E[] })), raw: cover.raw };
  }

  /** Recounts the days of marks whose writer died, then drops them (once at a time per workspace). */
  private async repair(workspaceId: Types.ObjectId, stale: Pick<DayRollupMarkDoc, '_id' | 'days'>[]): Promise<void> {
    const id = String(workspaceId);
    if (this.repairs.has(id)) return;
    this.repairs.add(id);
    try {
      await this.recount(workspaceId, daysOf(stale.flatMap((m) => m.days)));
      await this.marks.deleteMany({ _id: { $in: stale.map((m) => m._id) } });
    } catch (err) {
      this.logger.error({ err: (err as Error).message, workspaceId: id }, 'Could not repair day rollups');
    } finally {
      this.repairs.delete(id);
    }
  }
}

/**
 * Day rows summed per range between consecutive `cuts` (the rows of `forReport` lie wholly in
 * one): one row per range, dated at its first day, its entries combined by `merge`. A 30-day
 * overview then attributes two rows per kind of record, not sixty.
 */
export function mergeByRange<E>(rows: readonly DayRollupRow<E>[], cuts: readonly Date[], merge: (entries: E[]) => E[]): DayRollupRow<E>[] {
  const groups = new Map<number, { day: Date; entries: E[] }>();
  for (const r of rows) {
    // the last cut at or before the day: the range it lies in
    let lo = 0;
    let hi = cuts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cuts[mid].getTime() <= r.day.getTime()) lo = mid;
      else hi = mid - 1;
    }
    const g = groups.get(lo);
    if (!g) groups.set(lo, { day: r.day, entries: [...r.entries] });
    else {
      if (r.day < g.day) g.day = r.day;
      for (const e of r.entries) g.entries.push(e);
    }
  }
  return [...groups.values()].map((g) => ({ day: g.day, entries: merge(g.entries) }));
}

/** Consecutive days as [from, to) runs, for reading a few days' records in few queries. */
export function dayRuns(days: readonly Date[]): TimeRange[] {
  const runs: TimeRange[] = [];
  for (const ms of [...new Set(days.map((d) => d.getTime()))].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last.to.getTime() === ms) last.to = new Date(ms + DAY_MS);
    else runs.push({ from: new Date(ms), to: new Date(ms + DAY_MS) });
  }
  return runs;
}
