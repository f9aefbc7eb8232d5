import { Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { PendingCounts } from '../report-freshness/pending-counts';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { applyGuardedRows, combineWrites, notTaken, taking, type RollupGuard } from '../mentions/rollup-guard';
import { ThemeRollup, type LabelCells, type ThemeSpan } from './schemas/theme-rollup.schema';

export interface ThemeRollupKey {
  workspaceId: Types.ObjectId;
  topicId: Types.ObjectId;
  span: ThemeSpan;
  start: Date;
  platform: string;
  lang: string;
}

export interface ThemeIncrement {
  key: ThemeRollupKey;
  inc: Record<string, number>;
}

/** A stretch of one span to read: rows whose start is in [from, to). */
export interface SpanRange {
  span: ThemeSpan;
  from: Date;
  to: Date;
}

export interface ThemeRollupRow {
  start: Date;
  span: ThemeSpan;
  platform: string;
  lang: string;
  m: LabelCells;
  p: Record<string, LabelCells>;
}

/** The `theme_rollups` collection: the only holder of its Mongoose model. */
@Injectable()
export class ThemeRollupsRepository implements OnApplicationBootstrap {
  private readonly logger = new Logger('ThemeRollups');
  /** The start's removal of earlier versions' slot rows (specs await it). */
  slotRowsDropped: Promise<number> = Promise.resolve(0);

  constructor(
    @InjectModel(ThemeRollup.name) private readonly rollups: Model<ThemeRollup>,
    // Optional: specs that wire the themes alone have no queued counts.
    @Optional() private readonly pending?: PendingCounts,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: nothing reads slot rows any more, so the start need not wait for it.
    this.slotRowsDropped = this.dropSlotRows().catch((err: Error) => {
      this.logger.warn({ err: err.message }, 'Could not remove the 15-minute theme rows of an earlier version; retried at the next start');
      return 0;
    });
  }

  /**
   * Removes the 15-minute slot rows an earlier version kept (the themes now count a report's partial
   * hours from their mentions): half the rows of the collection, read by nothing.
   */
  async dropSlotRows(): Promise<number> {
    const { deletedCount } = await this.rollups.collection.deleteMany({ span: 'slot' });
    if (deletedCount) this.logger.log({ removed: deletedCount }, 'Removed the 15-minute theme rows of an earlier version');
    return deletedCount;
  }

  /**
   * Applies each write's increments (one write, or a group commit) with one update per row,
   * created if missing, unless the row already took that write's guard, remembering it in the same
   * update: exactly once however often a batch is replayed.
   */
  async incrementCombined(writes: { guard: RollupGuard; increments: ThemeIncrement[] }[]): Promise<void> {
    // What the schema's defaults added on insert is set here: a row without key phrases keeps `p: {}`.
    await applyGuardedRows(this.rollups.collection, combineWrites(writes), {
      onInsert: (inc) => (Object.keys(inc).some((path) => path.startsWith('p.')) ? undefined : { p: {} }),
    });
  }

  /** Applies increments to existing rows only (a correction moves counts, it never creates them). */
  async incrementExistingOnce(guard: RollupGuard, increments: ThemeIncrement[]): Promise<void> {
    if (increments.length === 0) return;
    await this.rollups.collection.bulkWrite(
      increments.map((b) => ({
        updateOne: { filter: { ...b.key, ...notTaken(guard) }, update: { $inc: b.inc, ...taking(guard) } },
      })),
      { ordered: false },
    );
  }

  /** The rows of one scope in these ranges (one query per range: each an index range scan). */
  async rows(
    workspaceId: Types.ObjectId,
    topicId: Types.ObjectId,
    ranges: SpanRange[],
    opts: { platform?: string; lang?: string } = {},
  ): Promise<ThemeRollupRow[]> {
    // What this process stored before the call is counted first (the rollup outbox's group commit).
    await this.pending?.settle();
    const parts = await Promise.all(
      ranges
        .filter((r) => r.from < r.to)
        .map((r) => {
          const filter: Record<string, unknown> = { workspaceId, topicId, span: r.span, start: { $gte: r.from, $lt: r.to } };
          if (opts.platform) filter.platform = opts.platform;
          if (opts.lang) filter.lang = opts.lang;
          return this.rollups.find(filter, { _id: 0, start: 1, span: 1, platform: 1, lang: 1, m: 1, p: 1 }).lean<ThemeRollupRow[]>();
        }),
    );
    return parts.flat();
  }
}
