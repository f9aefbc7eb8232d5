import { Logger } from '@nestjs/common';
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

export async function writeKeyedBatch<D extends object>(target: KeyedCollection<D>, records: readonly KeyedRecord<D>[]): Promise<KeyedWriteResult> {
  if (records.length === 0) return { accepted: [], rejected: [] };
  const keys = [...new Set(records.map((r) => r.key).filter((k): k is string => k !== null))];
  const plan = planKeyedWrites(records, keys.length ? await target.existing(keys) : new Map());
  const writes = [...plan.inserts, ...plan.updates];
  // Model<D>'s generic filter and operation types cannot be satisfied for an unknown D; the
  // documents and filters are built by the service that owns the collection.
  const model = target.model as unknown as Model<StoredRecord>;
  const ops: AnyBulkWriteOperation<StoredRecord>[] = [
    ...plan.inserts.map((w) => ({ insertOne: { document: { _id: w.id, ...(w.doc as Record<string, unknown>) } } })),
    ...plan.updates.map((w) => ({ updateOne: { filter: { _id: w.id, workspaceId: target.workspaceId }, update: { $set: w.doc as Record<string, unknown> } } })),
  ];

  const failures = new Map<string, string>();
  const replacedIds = new Map<string, Types.ObjectId>();
  await model.bulkWrite(ops, { ordered: false }).catch(async (err) => {
    const writeErrors: { index: number; code?: number; errmsg?: string }[] = err?.writeErrors ?? [];
    if (!writeErrors.length) throw err;
    for (const we of writeErrors) {
      const write = writes[we.index];
      if (!write) continue;
      // Another request stored the same key between our read and our insert: ours replaces it.
      if (we.code === 11000 && write.key !== null && we.index < plan.inserts.length) {
        const filter = target.keyFilter(write.doc);
        await model.updateOne(filter, { $set: write.doc as Record<string, unknown> });
        const winner = await model.findOne(filter, { _id: 1 }).lean();
        if (winner) {
          replacedIds.set(String(write.id), winner._id);
          continue;
        }
      }
      failures.set(String(write.id), we.errmsg ?? `write error ${we.code}`);
    }
  });
  if (failures.size) logger.warn({ failures: [...failures.values()] }, 'Some records of a batch were not stored');
  // The database's own message stays in the log; the caller learns which record failed.

  const accepted: AcceptedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  for (const { id, status, ...ref } of plan.accepted) {
    const failure = failures.get(String(id));
    if (failure) {
      rejected.push({ ...(ref as RecordRef), errors: ['the record could not be stored; try again'] });
      continue;
    }
    const replaced = replacedIds.get(String(id));
    accepted.push({ ...(ref as RecordRef), id: String(replaced ?? id), status: replaced ? 'updated' : status });
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
