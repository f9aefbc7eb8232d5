import type { Document } from 'bson';
import type { Source } from 'mingo/lazy';
import { Query } from 'mingo/query';
import type { CollationSpec } from 'mingo/types';
import { cloneDeep } from 'mingo/util';
import type { CollectionStore, StoredRecord } from '../storage/collection-store';
import { projectionNeedsCopy } from '../query/pipeline-safety';
import { compileFilter, mingoOptions, runPipeline, type DocumentPredicate } from '../query/query-language';

/**
 * The common projections, top-level fields only, included (`{ a: 1, b: 1 }`, with or without
 * `_id: 0`) or excluded (`{ a: 0 }`), as a plain copy of the named fields in document order: the
 * same result mingo's `$project` gives, at a fraction of its cost on a large result. Null for
 * anything else (dotted paths, expressions, slices), which mingo handles.
 */
export function simpleProjector(projection: Document): ((doc: Document) => Document) | null {
  const keys = Object.keys(projection);
  if (keys.length === 0) return null;
  const included = new Set<string>();
  const excluded = new Set<string>();
  for (const k of keys) {
    const v = projection[k];
    if (k.includes('.') || k.startsWith('$')) return null;
    if (v === 1 || v === true) included.add(k);
    else if (v === 0 || v === false) excluded.add(k);
    else return null;
  }
  if (included.size > 0) {
    if (excluded.size > 1 || (excluded.size === 1 && !excluded.has('_id'))) return null;
    if (!excluded.has('_id')) included.add('_id');
    return (doc) => {
      const out: Document = {};
      if (included.has('_id') && '_id' in doc) out._id = doc._id;
      const fields = Object.keys(doc);
      for (let i = 0; i < fields.length; i++) {
        const k = fields[i];
        if (k !== '_id' && included.has(k)) out[k] = doc[k];
      }
      return out;
    };
  }
  return (doc) => {
    const out: Document = {};
    const fields = Object.keys(doc);
    for (let i = 0; i < fields.length; i++) if (!excluded.has(fields[i])) out[fields[i]] = doc[fields[i]];
    return out;
  };
}

export function applyProjection(doc: Document, projection: Document): Document {
  if (Object.keys(projection).length === 0) return doc;
  const simple = simpleProjector(projection);
  if (simple) return simple(doc);
  const input = projectionNeedsCopy(projection) ? cloneDeep<Document>(doc) : doc;
  return runPipeline([input], [{ $project: projection }]).collect<Document>()[0];
}

export function sortDocuments(docs: Document[], sort: Document, collation?: CollationSpec): Document[] {
  return runPipeline(docs, [{ $sort: sort }], { collation }).collect<Document>();
}

export function sortRecords(records: StoredRecord[], sort: Document, collation?: CollationSpec): StoredRecord[] {
  const ridOf = new Map(records.map((r) => [r.doc, r.rid]));
  return sortDocuments(
    records.map((r) => r.doc),
    sort,
    collation,
  ).map((doc) => ({ rid: ridOf.get(doc)!, doc }));
}

export interface FindSpec {
  filter: Document;
  sort?: Document;
  projection?: Document;
  skip?: number;
  limit?: number;
  variables?: Document;
  /** Non-simple collation: strings compare by it, and every document is a candidate (index keys are binary). */
  collation?: CollationSpec;
}

/** The results of a find; `freeze` reads the rest of an index walk now, before the collection changes. */
export interface FindResults extends Iterator<Document> {
  freeze?(): void;
}

const EMPTY: FindResults = { next: () => ({ done: true, value: undefined }) };

/**
 * The lazy result of a find: index candidates, filtered, sorted, skipped, limited and projected by
 * mingo. Nothing is evaluated until a batch is taken, so `findOne` on an unindexed field stops at
 * the first match. When an index provides the sort (`CollectionStore.sortedCandidates`), the
 * candidates come in order from an index walk and mingo only filters them, so a limit stops the
 * walk; otherwise mingo sorts every candidate.
 */
export function findResults(collection: CollectionStore | undefined, spec: FindSpec): FindResults {
  if (!collection) return EMPTY;
  let sort = spec.sort && Object.keys(spec.sort).length ? spec.sort : undefined;
  let walk: FreezableSource | null = null;
  let source: Iterable<Document>;
  // Index keys compare binary: under a collation, candidates are every document and mingo sorts.
  const sorted = sort && !spec.collation && !('$natural' in sort) ? collection.sortedCandidates(spec.filter, sort, !!spec.limit) : null;
  if (sort && sorted) {
    const matches = lazily(() => compileFilter(spec.filter, spec.variables));
    source = walk = new FreezableSource(walkedDocuments(sorted.groups, sort, sorted.covered, matches));
    sort = undefined;
  } else {
    source = collection.candidates(spec.collation ? null : spec.filter);
    if (sort && '$natural' in sort) {
      if (sort.$natural === -1) source = [...source].reverse();
      sort = undefined;
    }
  }
  let projection = spec.projection ?? {};
  const simple = simpleProjector(projection);
  if (simple) projection = {};
  if (projectionNeedsCopy(projection)) source = mapIterable(source, (d) => cloneDeep<Document>(d));
  const cursor = new Query(spec.filter, mingoOptions({ variables: spec.variables, collation: spec.collation })).find<Document>(
    source as Source,
    projection,
  );
  if (sort) cursor.sort(sort);
  if (spec.skip) cursor.skip(spec.skip);
  // The limit is counted here: mingo's is a filter that lets nothing more through but still reads
  // (and tests) every remaining candidate, which would undo a walk's early stop.
  let remaining = spec.limit || Infinity;
  return {
    next: () => {
      const value = remaining > 0 ? (cursor.next() as Document | undefined) : undefined;
      if (value === undefined) return { done: true, value: undefined };
      remaining--;
      return { done: false, value: simple ? simple(value) : value };
    },
    freeze: walk ? () => walk.freeze() : undefined,
  };
}

/**
 * An index walk's groups as documents in sort order: a group the walk did not order on every sort
 * field is filtered and then sorted by mingo (its matches in natural order, as a whole-collection
 * sort sees them); a single document or a group tying on all of them comes as it is.
 */
function* walkedDocuments(
  groups: Iterable<{ docs: Document[]; ordered: boolean }>,
  sort: Document,
  covered: number,
  matches: () => DocumentPredicate,
): Generator<Document> {
  const whole = covered === Object.keys(sort).length;
  for (const { docs, ordered } of groups) {
    if (docs.length > 1 && !(ordered && whole)) yield* sortDocuments(docs.filter(matches()), sort);
    else yield* docs;
  }
}

function lazily<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}

/** A lazy source that can read the rest of itself into memory at once (`freeze`) and go on from there. */
class FreezableSource implements IterableIterator<Document> {
  private buffered: Document[] | null = null;
  private position = 0;

  constructor(private readonly source: Iterator<Document>) {}

  next(): IteratorResult<Document> {
    if (!this.buffered) return this.source.next();
    if (this.position < this.buffered.length) return { done: false, value: this.buffered[this.position++] };
    return { done: true, value: undefined };
  }

  freeze(): void {
    if (this.buffered) return;
    const rest: Document[] = [];
    for (let r = this.source.next(); !r.done; r = this.source.next()) rest.push(r.value);
    this.buffered = rest;
  }

  [Symbol.iterator](): IterableIterator<Document> {
    return this;
  }
}

function* mapIterable<T, R>(source: Iterable<T>, fn: (v: T) => R): Generator<R> {
  for (const v of source) yield fn(v);
}
