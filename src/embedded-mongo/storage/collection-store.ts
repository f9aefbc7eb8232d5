import type { Document } from 'bson';
import type { ChangeLog } from './change-log';
import { compactDocument } from './document-compaction';
import { CommandError, DuplicateKeyError, ErrorCode } from '../errors';
import { OrderedIndex, type IndexEntry, type IndexSpec } from './ordered-index';
import { canonicalKey, formatDuplicateKey } from '../query/index-key';
import { compileFilter, type DocumentPredicate } from '../query/query-language';
import { exactMatches, planQuery, planSort, type QueryPlan } from './query-planner';

export const ID_INDEX_NAME = '_id_';

/** A stored document with its record id (stable for the document's life, used by indexes). */
export interface StoredRecord {
  rid: number;
  doc: Document;
}

export type IndexCreation = 'created' | 'exists';

/**
 * One collection: documents by record id, in insertion order (MongoDB's natural order), and its
 * indexes. Stored documents are never modified in place; a write builds a new document and swaps
 * it in, so a cursor, a snapshot being written or an aggregation can hold references safely.
 * Every mutation checks all unique indexes before touching any, so a failed write changes nothing.
 */
export class CollectionStore {
  private readonly docs = new Map<number, Document>();
  private readonly indexes = new Map<string, OrderedIndex>();
  private nextRid = 1;
  readonly idIndex: OrderedIndex;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document = {},
    private readonly changeLog: () => ChangeLog | null = () => null,
  ) {
    this.idIndex = new OrderedIndex({ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }, null, true);
    this.indexes.set(ID_INDEX_NAME, this.idIndex);
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get count(): number {
    return this.docs.size;
  }

  documents(): IterableIterator<Document> {
    return this.docs.values();
  }

  records(): IterableIterator<[number, Document]> {
    return this.docs.entries();
  }

  get(rid: number): Document | undefined {
    return this.docs.get(rid);
  }

  ridForId(id: unknown): number | undefined {
    const rids = this.idIndex.lookup([[canonicalKey(id)]]);
    return rids.size ? rids.values().next().value : undefined;
  }

  indexList(): OrderedIndex[] {
    return [...this.indexes.values()];
  }

  getIndex(name: string): OrderedIndex | undefined {
    return this.indexes.get(name);
  }

  plan(filter: Document | null | undefined): QueryPlan | null {
    return planQuery(filter, this.indexes.values());
  }

  /**
   * Records that may match `filter`, in natural order: the index candidates when an index
   * applies, otherwise every record.
   */
  private *candidateRecords(filter: Document | null | undefined): Generator<[number, Document]> {
    const plan = this.plan(filter);
    if (!plan) {
      yield* this.docs.entries();
      return;
    }
    // Index candidates come in key order; sorting record ids restores natural order.
    const rids = plan.rids.size > 1 ? [...plan.rids].sort((a, b) => a - b) : plan.rids;
    for (const rid of rids) {
      const doc = this.docs.get(rid);
      if (doc) yield [rid, doc];
    }
  }

  /**
   * Documents that may match `filter`, in `sort` order by an index walk (see `planSort`), or null
   * when no index provides the sort. Groups come in order; a group whose documents tie on the
   * walked fields and has `ordered` needs sorting only on the sort fields past `covered`; one without
   * `ordered` needs sorting on every field. The walk is lazy and reads the indexes as they are:
   * take what is needed before the collection changes (a cursor kept open takes the rest first).
   */
  sortedCandidates(
    filter: Document | null | undefined,
    sort: Document,
    limited: boolean,
  ): { covered: number; groups: Generator<{ docs: Document[]; ordered: boolean }> } | null {
    const plan = planSort(filter, sort, this.indexes.values(), limited);
    if (!plan) return null;
    const docs = this.docs;
    function* groups(): Generator<{ docs: Document[]; ordered: boolean }> {
      for (const { rids, ordered } of plan!.index.sortedWalk(plan!.prefix, plan!.range, plan!.directions)) {
        const out: Document[] = [];
        for (const rid of rids) {
          const doc = docs.get(rid);
          if (doc) out.push(doc);
        }
        if (out.length) yield { docs: out, ordered };
      }
    }
    return { covered: plan.covered, groups: groups() };
  }

  /** Documents that may match `filter` (see candidateRecords); the caller applies the filter. */
  *candidates(filter: Document | null | undefined): Generator<Document> {
    for (const [, doc] of this.candidateRecords(filter)) yield doc;
  }

  /** Matching records in natural order, using an index to pick candidates when one applies. */
  *match(filter: Document | null | undefined, predicate: DocumentPredicate = compileFilter(filter)): Generator<StoredRecord> {
    for (const [rid, doc] of this.candidateRecords(filter)) if (predicate(doc)) yield { rid, doc };
  }

  /**
   * How many records match `filter`, up to `upTo`: from an index alone when its keys are exactly
   * the matches (see `exactMatches`), else by testing the candidates. `filter` null: no index
   * (under a collation), every record is tested.
   */
  countMatches(filter: Document | null, predicate: DocumentPredicate, upTo = Infinity): number {
    const exact = filter ? exactMatches(filter, this.indexes.values()) : null;
    if (exact) return exact.size;
    let n = 0;
    for (const _ of this.match(filter, predicate)) if (++n >= upTo) break;
    return n;
  }

  /** Inserts a document that already has an `_id`. */
  insert(doc: Document): number {
    compactDocument(doc);
    const perIndex = this.entriesFor(doc);
    this.assertNoConflicts(perIndex, 0);
    const rid = this.nextRid++;
    for (const [index, entries] of perIndex) index.add(rid, entries);
    this.docs.set(rid, doc);
    this.changeLog()?.record({ op: 'put', db: this.db, coll: this.name, doc });
    return rid;
  }

  /**
   * Swaps in a new version of a stored document (same `_id`). `compacted`: the caller built `next`
   * from compacted values and copies of the previous version's containers (an update's operators,
   * see copyUpdatedPaths), so walking the whole document again would find nothing to compact.
   */
  replace(rid: number, next: Document, compacted = false): void {
    const previous = this.docs.get(rid);
    if (!previous) throw new Error(`record ${rid} not found in ${this.ns}`);
    if (!compacted) compactDocument(next);
    const changes: Array<[OrderedIndex, IndexEntry[], IndexEntry[]]> = [];
    for (const index of this.indexes.values()) {
      if (!index.maintained || index.sameSourceValues(previous, next)) continue;
      const before = index.entriesFor(previous);
      const after = index.entriesFor(next);
      if (!sameKeys(before, after)) changes.push([index, before, after]);
    }
    this.assertNoConflicts(
      changes.map(([index, , after]) => [index, after]),
      rid,
    );
    for (const [index, before, after] of changes) {
      index.remove(rid, before);
      index.add(rid, after);
    }
    this.docs.set(rid, next);
    this.changeLog()?.record({ op: 'put', db: this.db, coll: this.name, doc: next });
  }

  remove(rid: number): void {
    const doc = this.docs.get(rid);
    if (!doc) return;
    for (const index of this.indexes.values()) {
      if (index.maintained) index.remove(rid, index.entriesFor(doc));
    }
    this.docs.delete(rid);
    this.changeLog()?.record({ op: 'del', db: this.db, coll: this.name, id: doc._id });
  }

  /** Replay path: insert or overwrite by `_id` without uniqueness checks (the journal is trusted). */
  restore(doc: Document): void {
    compactDocument(doc);
    const rid = this.ridForId(doc._id);
    if (rid === undefined) {
      const newRid = this.nextRid++;
      for (const index of this.indexes.values()) if (index.maintained) index.add(newRid, index.entriesFor(doc));
      this.docs.set(newRid, doc);
      return;
    }
    const previous = this.docs.get(rid)!;
    for (const index of this.indexes.values()) {
      if (!index.maintained) continue;
      index.remove(rid, index.entriesFor(previous));
      index.add(rid, index.entriesFor(doc));
    }
    this.docs.set(rid, doc);
  }

  removeById(id: unknown): void {
    const rid = this.ridForId(id);
    if (rid !== undefined) this.remove(rid);
  }

  /**
   * Creates an index, building it over the stored documents. Fails (changing nothing) if a unique
   * index would have duplicates, or if the name or key pattern is taken by a different index.
   */
  createIndex(spec: IndexSpec, options: { trusted?: boolean } = {}): IndexCreation {
    const existing = this.indexes.get(spec.name);
    if (existing) {
      if (canonicalKey(existing.spec.key) !== canonicalKey(spec.key)) {
        throw new CommandError(
          ErrorCode.IndexKeySpecsConflict,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      }
      if (!sameIndexOptions(existing.spec, spec)) {
        throw new CommandError(
          ErrorCode.IndexOptionsConflict,
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      }
      return 'exists';
    }
    for (const other of this.indexes.values()) {
      if (canonicalKey(other.spec.key) === canonicalKey(spec.key) && sameFilterAndCollation(other.spec, spec)) {
        throw new CommandError(ErrorCode.IndexOptionsConflict, `Index already exists with a different name: ${other.name}`);
      }
    }
    const partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : null;
    const index = new OrderedIndex(spec, partial);
    for (const [rid, doc] of this.docs) {
      const entries = index.entriesFor(doc);
      if (!options.trusted) {
        const conflict = index.findConflict(entries, rid);
        if (conflict) throw this.duplicateKey(index, conflict);
      }
      index.add(rid, entries);
    }
    this.indexes.set(spec.name, index);
    this.changeLog()?.record({ op: 'createIndex', db: this.db, coll: this.name, spec });
    return 'created';
  }

  dropIndex(name: string): void {
    if (name === ID_INDEX_NAME) throw new CommandError(ErrorCode.InvalidOptions, 'cannot drop _id index');
    if (!this.indexes.delete(name)) {
      throw new CommandError(ErrorCode.IndexNotFound, `index not found with name [${name}]`);
    }
    this.changeLog()?.record({ op: 'dropIndex', db: this.db, coll: this.name, name });
  }

  private entriesFor(doc: Document): Array<[OrderedIndex, IndexEntry[]]> {
    const out: Array<[OrderedIndex, IndexEntry[]]> = [];
    for (const index of this.indexes.values()) if (index.maintained) out.push([index, index.entriesFor(doc)]);
    return out;
  }

  private assertNoConflicts(perIndex: Array<[OrderedIndex, IndexEntry[]]>, selfRid: number): void {
    for (const [index, entries] of perIndex) {
      const conflict = index.findConflict(entries, selfRid);
      if (conflict) throw this.duplicateKey(index, conflict);
    }
  }

  private duplicateKey(index: OrderedIndex, entry: IndexEntry): DuplicateKeyError {
    const keyValue: Document = {};
    index.fields.forEach((f, i) => (keyValue[f] = entry.values[i]));
    return new DuplicateKeyError(this.ns, index.name, index.spec.key, keyValue, formatDuplicateKey(index.fields, entry.values));
  }
}

function sameKeys(a: IndexEntry[], b: IndexEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const ka = a[i].keys;
    const kb = b[i].keys;
    for (let j = 0; j < ka.length; j++) if (ka[j] !== kb[j]) return false;
  }
  return true;
}

const BOOLEAN_OPTIONS = ['unique', 'sparse'];
const VALUE_OPTIONS = ['partialFilterExpression', 'expireAfterSeconds', 'collation'];

function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return (
    BOOLEAN_OPTIONS.every((f) => Boolean(a[f]) === Boolean(b[f])) &&
    VALUE_OPTIONS.every((f) => canonicalKey(a[f] ?? null) === canonicalKey(b[f] ?? null))
  );
}

/** MongoDB allows two indexes on one key pattern only when they differ in filter or collation. */
function sameFilterAndCollation(a: IndexSpec, b: IndexSpec): boolean {
  return ['partialFilterExpression', 'collation'].every((f) => canonicalKey(a[f] ?? null) === canonicalKey(b[f] ?? null));
}
