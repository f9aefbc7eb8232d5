import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, Types } from 'mongoose';
import { notTaken, taking, type RollupGuard } from '../mentions/rollup-guard';
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
export class ThemeRollupsRepository {
  constructor(@InjectModel(ThemeRollup.name) private readonly rollups: Model<ThemeRollup>) {}

  /**
   * Applies each increment to its row (created if missing) unless the row already took `guard`,
   * remembering it in the same update: exactly once however often a batch is replayed.
   */
  async incrementOnce(guard: RollupGuard, increments: ThemeIncrement[]): Promise<void> {
    const updates = increments.map((b): { filter: mongo.Document; update: mongo.Document } => ({
      filter: { ...b.key, ...notTaken(guard) },
      update: { $inc: b.inc, ...taking(guard) },
    }));
    if (updates.length === 0) return;
    // The driver's own bulkWrite, as the mention rollups do: keys and counts are already of their
    // stored types, and Mongoose's casting of ~60 `$inc` paths a row cost more than the engine's
    // work. What its defaults added on insert is set here: a row without key phrases keeps `p: {}`.
    const upserts = updates.map((u) => {
      const phrases = Object.keys(u.update.$inc as Record<string, number>).some((path) => path.startsWith('p.'));
      return { updateOne: { ...u, update: phrases ? u.update : { ...u.update, $setOnInsert: { p: {} } }, upsert: true } };
    });
    try {
      await this.rollups.collection.bulkWrite(upserts, { ordered: false });
    } catch (err) {
      // A duplicate key on the upsert: the row exists and either took the guard already or was
      // created meanwhile by another batch; without upsert the guard decides.
      const errors = ((err as { writeErrors?: { index: number; code: number }[] }).writeErrors ?? []) as { index: number; code: number }[];
      if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
      await this.rollups.collection.bulkWrite(
        errors.map((e) => ({ updateOne: updates[e.index] })),
        { ordered: false },
      );
    }
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
