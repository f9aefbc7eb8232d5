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

/** What one rollup write adds to one row, under that write's guard. */
export interface GuardedPart {
  guard: RollupGuard;
  inc: Record<string, number>;
}

/** One row's increments from one or more writes (each under its own guard), for one update. */
export interface GuardedRow {
  key: mongo.Document;
  parts: GuardedPart[];
}

/** A row key as a string: its values in order (dates as milliseconds, ids as hex). */
const rowId = (key: mongo.Document): string =>
  Object.values(key)
    .map((v) => (v instanceof Date ? String(v.getTime()) : String(v)))
    .join('|');

/**
 * The rows several writes touch, each with every write's part: the writes of one group commit,
 * applied together with one update per row (`applyGuardedRows`). Each write has a guard of its
 * own (no two of one lane), so a row takes each at most once.
 */
export function combineWrites(
  writes: { guard: RollupGuard; increments: { key: mongo.Document; inc: Record<string, number> }[] }[],
): GuardedRow[] {
  const rows = new Map<string, GuardedRow>();
  for (const { guard, increments } of writes) {
    for (const { key, inc } of increments) {
      const id = rowId(key);
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { key, parts: [] }));
      row.parts.push({ guard, inc });
    }
  }
  return [...rows.values()];
}

/** The filter and update that apply every part of `row` (plus `also`) unless the row took any of their guards. */
export function guardedUpdate(row: GuardedRow, also: Record<string, number> = {}): { filter: mongo.Document; update: mongo.Document } {
  if (row.parts.length === 1) {
    const { guard, inc } = row.parts[0];
    // The part's own increment when nothing is added (it may be shared by rows of several scopes: never written to).
    const sum = Object.keys(also).length ? { ...inc, ...also } : inc;
    return { filter: { ...row.key, ...notTaken(guard) }, update: { $inc: sum, ...taking(guard) } };
  }
  const sum: Record<string, number> = { ...also };
  const filter: mongo.Document = { ...row.key };
  const max: Record<string, number> = {};
  const ids: Types.ObjectId[] = [];
  for (const { guard, inc } of row.parts) {
    for (const path in inc) sum[path] = (sum[path] ?? 0) + inc[path];
    if (isLane(guard)) {
      const path = `writers.${guard.lane}`;
      if (path in max) throw new Error(`two writes of lane ${guard.lane} in one rollup update`);
      Object.assign(filter, notTaken(guard));
      max[path] = guard.seq;
    } else ids.push(guard);
  }
  const update: mongo.Document = { $inc: sum };
  if (Object.keys(max).length) update.$max = max;
  if (ids.length) {
    filter.applied = { $nin: ids };
    update.$push = { applied: { $each: ids, $slice: -APPLIED_KEPT } };
  }
  return { filter, update };
}

/**
 * Upserts each row with all its parts in one update, unless the row took any of their guards. A
 * duplicate key means the row exists and refused the combined update (it took some guard, or
 * another writer created it meanwhile): its parts are then applied one by one, each deciding by
 * its own guard, so every part counts exactly once either way.
 */
export async function applyGuardedRows(
  collection: mongo.Collection<mongo.Document>,
  rows: GuardedRow[],
  opts: { also?: Record<string, number>; onInsert?: (inc: mongo.Document) => mongo.Document | undefined } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const updates = rows.map((row) => guardedUpdate(row, opts.also));
  try {
    // The driver's own bulkWrite: keys and counts are already of their stored types, so Mongoose's
    // casting of every `$inc` path would change nothing and costs the client time on every batch.
    await collection.bulkWrite(
      updates.map(({ filter, update }) => {
        const onInsert = opts.onInsert?.(update.$inc as mongo.Document);
        return { updateOne: { filter, update: onInsert ? { ...update, $setOnInsert: onInsert } : update, upsert: true } };
      }),
      { ordered: false },
    );
  } catch (err) {
    const errors = ((err as { writeErrors?: { index: number; code: number }[] }).writeErrors ?? []) as { index: number; code: number }[];
    if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
    await collection.bulkWrite(
      errors.flatMap((e) =>
        rows[e.index].parts.map((part) => ({ updateOne: guardedUpdate({ key: rows[e.index].key, parts: [part] }, opts.also) })),
      ),
      { ordered: false },
    );
  }
}
