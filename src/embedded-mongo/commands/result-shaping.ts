import type { Document } from 'bson';
import type { Source } from 'mingo/lazy';
import { Query } from 'mingo/query';
import type { CollationSpec } from 'mingo/types';
import { cloneDeep } from 'mingo/util';
import type { CollectionStore, StoredRecord } from '../storage/collection-store';
import { projectionNeedsCopy } from '../query/pipeline-safety';
import { mingoOptions, runPipeline } from '../query/query-language';

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

const EMPTY: Iterator<Document> = { next: () => ({ done: true, value: undefined }) };

/**
 * The lazy result of a find: index candidates, filtered, sorted, skipped, limited and projected by
 * mingo. Nothing is evaluated until a batch is taken, so `findOne` on an unindexed field stops at
 * the first match.
 */
export function findResults(collection: CollectionStore | undefined, spec: FindSpec): Iterator<Document> {
  if (!collection) return EMPTY;
  let sort = spec.sort && Object.keys(spec.sort).length ? spec.sort : undefined;
  let source: Iterable<Document> = collection.candidates(spec.collation ? null : spec.filter);
  if (sort && '$natural' in sort) {
    if (sort.$natural === -1) source = [...source].reverse();
    sort = undefined;
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
  if (spec.limit) cursor.limit(spec.limit);
  return {
    next: () => {
      const value = cursor.next() as Document | undefined;
      if (value === undefined) return { done: true, value: undefined };
      return { done: false, value: simple ? simple(value) : value };
    },
  };
}

function* mapIterable<T, R>(source: Iterable<T>, fn: (v: T) => R): Generator<R> {
  for (const v of source) yield fn(v);
}
