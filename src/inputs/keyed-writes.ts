import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { EJSON } from 'bson';
import { AnyBulkWriteOperation, Model, Types } from 'mongoose';
import { AcceptedRecord, RecordRef, RejectedRecord } from './record-batch';

/**
 * Writes a validated batch where each record may carry a key (an `externalId`, or a period and
 * channel) that is unique in the workspace: a record whose key is already stored replaces that
 * record's values; a key that appears twice in one batch is written once, with the later values
 * (the same outcome as sending the records one after the other). Records without a key are
 * always new.
 */

export interface KeyedRecord<D> {
  ref: RecordRef;
  /** Unique within the workspace; `null` when the record has no key. */
  key: string | null;
  doc: D;
}

interface PlannedWrite<D> {
  id: Types.ObjectId;
  key: string | null;
  doc: D;
}

export interface WritePlan<D> {
  inserts: PlannedWrite<D>[];
  updates: PlannedWrite<D>[];
  /** One per record, in input order; several share an id when they share a key. */
  accepted: (RecordRef & { id: Types.ObjectId; status: 'stored' | 'updated' })[];
}

export function planKeyedWrites<D>(
  records: readonly KeyedRecord<D>[],
  existing: ReadonlyMap<string, Types.ObjectId>,
  newId: () => Types.ObjectId = () => new Types.ObjectId(),
): WritePlan<D> {
  const plan: WritePlan<D> = { inserts: [], updates: [], accepted: [] };
  const inBatch = new Map<string, PlannedWrite<D>>();
  for (const { ref, key, doc } of records) {
    const earlier = key === null ? undefined : inBatch.get(key);
    if (earlier) {
      earlier.doc = doc;
      plan.accepted.push({ ...ref, id: earlier.id, status: 'updated' });
      continue;
    }
    const storedId = key === null ? undefined : existing.get(key);
    const write: PlannedWrite<D> = { id: storedId ?? newId(), key, doc };
    (storedId ? plan.updates : plan.inserts).push(write);
    if (key !== null) inBatch.set(key, write);
    plan.accepted.push({ ...ref, id: write.id, status: storedId ? 'updated' : 'stored' });
  }
  return plan;
}

export interface KeyedCollection<D> {
  model: Model<D>;
  workspaceId: Types.ObjectId;
  /** Ids of the records already stored under these keys. */
  existing: (keys: string[]) => Promise<Map<string, Types.ObjectId>>;
  /** The filter that finds the record stored under `key` (used when another request stored it first). */
  keyFilter: (doc: D) => Record<string, unknown>;
}

export interface KeyedWriteResult {
  accepted: AcceptedRecord[];
  rejected: RejectedRecord[];
}

const logger = new Logger('KeyedWrites');

type StoredRecord = Record<string, unknown> & { _id: Types.ObjectId };

/** Why one write of a batch was not done. */
interface WriteFailure {
  /** The message for the caller: names the cause, never the database's own words. */
  error: string;
  /** The record was valid and the database failed: sending it again is safe. */
  retry: boolean;
  /** For the log. */
  detail: string;
  code?: number;
}

const DATABASE_FAILED = 'the record could not be stored: the database failed while storing the batch; it was not kept, send it again';

function failureOf(raw: { name?: string; code?: number; errmsg?: string; message?: string }): WriteFailure {
  const detail = raw.errmsg ?? raw.message ?? `write error ${raw.code}`;
  if (raw.name === 'ValidationError' || raw.name === 'CastError') {
    return { error: `the record could not be stored: ${raw.message}`, retry: false, detail };
  }
  if (raw.code === 11000)
    return {
      error: 'the record could not be stored: it conflicts with a stored record (duplicate key)',
      retry: false,
      detail,
      code: 11000,
    };
  return { error: DATABASE_FAILED, retry: true, detail, code: raw.code };
}

/**
 * The fate of each write of an unordered bulk: a failure, `null` when it is known to be done, or
 * `undefined` when the database did not say (the command itself failed part-way, or the counts
 * do not add up, e.g. an update that matched nothing because its record was deleted meanwhile).
 */
/** What an unordered bulk write answers or rejects with, as far as this code reads it. */
type BulkOutcome = Record<string, unknown> & {
  message?: string;
  mongoose?: { results?: unknown[] };
  writeErrors?: { index: number }[];
  result?: Record<string, unknown>;
};

async function runBulk(model: Model<StoredRecord>, ops: AnyBulkWriteOperation<StoredRecord>[], insertCount: number) {
  let res: BulkOutcome | null = null;
  let err: BulkOutcome | null = null;
  try {
    res = (await model.bulkWrite(ops, { ordered: false })) as unknown as BulkOutcome;
  } catch (e) {
    err = (e ?? {}) as BulkOutcome;
  }
  const fates = new Array<WriteFailure | null | undefined>(ops.length).fill(undefined);
  // A document that fails Mongoose's own validation is left out of an unordered bulk without an
  // error thrown; Mongoose then gives the outcome per original position in `mongoose.results`,
  // and the database's write-error indexes count only the documents it was sent.
  const perOp: unknown[] | undefined = (err ?? res)?.mongoose?.results;
  if (Array.isArray(perOp)) perOp.forEach((r, i) => r && (fates[i] = failureOf(r)));
  else for (const we of (err?.writeErrors ?? []) as { index: number }[]) fates[we.index] = failureOf(we as never);

  const result: Record<string, unknown> | null | undefined = err ? err.result : res;
  const count = (name: string) => (typeof result?.[name] === 'number' ? result[name] : -1);
  const failedIn = (from: number, to: number) => fates.slice(from, to).filter(Boolean).length;
  if (count('insertedCount') + failedIn(0, insertCount) === insertCount) for (let i = 0; i < insertCount; i++) fates[i] ??= null;
  if (count('matchedCount') + failedIn(insertCount, ops.length) === ops.length - insertCount)
    for (let i = insertCount; i < ops.length; i++) fates[i] ??= null;
  return { fates, err };
}

const sameValue = (a: unknown, b: unknown) => EJSON.stringify({ v: a ?? null }) === EJSON.stringify({ v: b ?? null });

/**
 * Writes the batch in one unordered bulk and answers, per record, whether it is stored. A record
 * is reported stored only when the database said so, or when reading it back shows it as sent;
 * when even that read fails, the request fails (503) rather than guess.
 */
export async function writeKeyedBatch<D extends object>(
  target: KeyedCollection<D>,
  records: readonly KeyedRecord<D>[],
): Promise<KeyedWriteResult> {
  if (records.length === 0) return { accepted: [], rejected: [] };
  const keys = [...new Set(records.map((r) => r.key).filter((k): k is string => k !== null))];
  const plan = planKeyedWrites(records, keys.length ? await target.existing(keys) : new Map());
  const writes = [...plan.inserts, ...plan.updates];
  // Model<D>'s generic filter and operation types cannot be satisfied for an unknown D; the
  // documents and filters are built by the service that owns the collection.
  const model = target.model as unknown as Model<StoredRecord>;
  const ops: AnyBulkWriteOperation<StoredRecord>[] = [
    ...plan.inserts.map((w) => ({ insertOne: { document: { _id: w.id, ...(w.doc as Record<string, unknown>) } } })),
    ...plan.updates.map((w) => ({
      updateOne: { filter: { _id: w.id, workspaceId: target.workspaceId }, update: { $set: w.doc as Record<string, unknown> } },
    })),
  ];
  const { fates, err } = await runBulk(model, ops, plan.inserts.length);

  const replacedIds = new Map<string, Types.ObjectId>();
  for (let i = 0; i < plan.inserts.length; i++) {
    const write = writes[i];
    if (fates[i]?.code !== 11000 || write.key === null) continue;
    // Another request stored the same key between our read and our insert: ours replaces it.
    try {
      const filter = target.keyFilter(write.doc);
      await model.updateOne(filter, { $set: write.doc });
      const winner = await model.findOne(filter, { _id: 1 }).lean();
      if (winner) {
        replacedIds.set(String(write.id), winner._id);
        fates[i] = null;
      }
    } catch (e) {
      fates[i] = failureOf(e as never);
    }
  }

  const unknown = writes.filter((_, i) => fates[i] === undefined);
  if (unknown.length) {
    const readBack = await findInChunks(
      unknown.map((w) => w.id),
      (ids) => model.find({ _id: { $in: ids } }).lean(),
    ).catch((e) => {
      logger.error({ err: err?.message ?? null, readBack: (e as Error)?.message }, 'A batch failed part-way and could not be read back');
      throw new ServiceUnavailableException(
        'the database failed while storing this batch, and which records were stored is not known: records sent with an externalId can be sent again safely',
      );
    });
    const byId = new Map(readBack.map((d) => [String(d._id), d as Record<string, unknown>]));
    for (let i = 0; i < writes.length; i++) {
      if (fates[i] !== undefined) continue;
      const stored = byId.get(String(writes[i].id));
      // An insert's id is new, so finding it is enough; an update is done when the record holds what was sent.
      const asSent =
        stored &&
        (i < plan.inserts.length || Object.entries(writes[i].doc as Record<string, unknown>).every(([k, v]) => sameValue(stored[k], v)));
      fates[i] = asSent ? null : { error: DATABASE_FAILED, retry: true, detail: err?.message ?? 'not stored as sent' };
    }
  }

  const failures = new Map<string, WriteFailure>();
  writes.forEach((w, i) => fates[i] && failures.set(String(w.id), fates[i]));
  // The database's own messages stay in the log; the caller learns which record failed and why.
  if (failures.size)
    logger.warn(
      { failures: [...failures.values()].map((f) => f.detail), batchError: err?.message },
      'Some records of a batch were not stored',
    );

  const accepted: AcceptedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  for (const { id, status, ...ref } of plan.accepted) {
    const failure = failures.get(String(id));
    if (failure) {
      rejected.push({ ...ref, errors: [failure.error], ...(failure.retry ? { retry: true as const } : {}) });
      continue;
    }
    const replaced = replacedIds.get(String(id));
    accepted.push({ ...ref, id: String(replaced ?? id), status: replaced ? 'updated' : status });
  }
  return { accepted, rejected };
}

/** Values per `$in` when looking records up by key. */
export const KEYS_PER_QUERY = 200;

/**
 * Runs `find` over `values` a few hundred at a time: the embedded engine tests `$in` against each
 * candidate by scanning the list, so one query with 5,000 values costs 5,000 × 5,000 comparisons
 * (about 15 s for dates), where 25 queries of 200 cost a fraction of a second. MongoDB does not mind.
 */
export async function findInChunks<T, R>(values: readonly T[], find: (chunk: T[]) => Promise<R[]>, size = KEYS_PER_QUERY): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) out.push(...(await find(values.slice(i, i + size))));
  return out;
}
