import { Types, type mongo } from 'mongoose';

/** Batch or correction ids a rollup row remembers in `applied`: the guards of writes from before writer lanes. */
export const APPLIED_KEPT = 100;

/** A write of one writer lane: its `seq`-th, the lanes' own sequence (see `RollupLanes`). */
export interface LaneGuard {
  lane: string;
  seq: number;
}

/**
 * What makes a rollup increment apply to a row at most once: a lane's write (`writers.<lane>`
 * on the row holds the highest sequence of that lane it took), or, for a batch or correction
 * opened before lanes existed, its id in the row's `applied` list.
 */
export type RollupGuard = LaneGuard | Types.ObjectId;

const isLane = (g: RollupGuard): g is LaneGuard => !(g instanceof Types.ObjectId);

/** The filter condition a row meets while it has not taken `guard`. */
export function notTaken(guard: RollupGuard): mongo.Document {
  // `$not: { $gte }` also matches a row this lane never wrote (no such field).
  return isLane(guard) ? { [`writers.${guard.lane}`]: { $not: { $gte: guard.seq } } } : { applied: { $ne: guard } };
}

/** The update operator that records `guard` on the row in the same update as its increment. */
export function taking(guard: RollupGuard): mongo.Document {
  return isLane(guard)
    ? { $max: { [`writers.${guard.lane}`]: guard.seq } }
    : { $push: { applied: { $each: [guard], $slice: -APPLIED_KEPT } } };
}

/** The guard an outbox entry or a pending correction carries: its lane write, or its own id (written before lanes). */
export function guardOf(entry: { _id?: Types.ObjectId; id?: Types.ObjectId; lane?: string | null; seq?: number | null }): RollupGuard {
  if (entry.lane && typeof entry.seq === 'number') return { lane: entry.lane, seq: entry.seq };
  const id = entry._id ?? entry.id;
  if (!id) throw new Error('a rollup write without a guard');
  return id;
}

/**
 * One writer lane: a sequence of rollup writes that never overlap (each write's rows are all
 * updated, or its writer has stopped, before the next starts). Its id is new in each process, so
 * a lane whose writer died never writes again.
 */
export class RollupLane {
  readonly id = new Types.ObjectId().toHexString();
  private last = 0;

  next(): LaneGuard {
    return { lane: this.id, seq: ++this.last };
  }
}

/**
 * The process's writer lanes. A rollup row keeps, per lane, the highest sequence it took; as a
 * lane's writes never overlap, a row that took write n of a lane has taken every earlier write of
 * that lane that concerned it, so "took n" is exactly `writers.<lane> ≥ n`, however many writes
 * came after (nothing to forget, unlike a list of recent ids). A write that fails retires its lane
 * (the entry stays open for the repair, which replays it under the same guard); a lane that
 * finished its write goes back to the pool, so a row holds about one entry per concurrent writer
 * and process start.
 */
export class RollupLanes {
  private readonly idle: RollupLane[] = [];

  acquire(): RollupLane {
    return this.idle.pop() ?? new RollupLane();
  }

  /** Only after the lane's write is done (its entry closed or discarded); a failed lane is simply not released. */
  release(lane: RollupLane): void {
    this.idle.push(lane);
  }
}
