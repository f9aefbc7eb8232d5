import type { Document } from 'bson';
import type { Source } from 'mingo/lazy';
import { Query } from 'mingo/query';
import { cloneDeep } from 'mingo/util';
import type { CollectionStore, StoredRecord } from '../collection-store';
import { projectionNeedsCopy } from '../pipeline-safety';
import { mingoOptions, runPipeline } from '../query-language';

export function applyProjection(doc: Document, projection: Document): Document {
  if (Object.keys(projection).length === 0) return doc;
  const input = projectionNeedsCopy(projection) ? (cloneDeep(doc) as Document) : doc;
  return runPipeline([input], [{ $project: projection }]).collect<Document>()[0];
}

export function sortDocuments(docs: Document[], sort: Document): Document[] {
  return runPipeline(docs, [{ $sort: sort }]).collect<Document>();
}

export function sortRecords(records: StoredRecord[], sort: Document): StoredRecord[] {
  const ridOf = new Map(records.map((r) => [r.doc, r.rid]));
  return sortDocuments(
    records.map((r) => r.doc),
    sort,
  ).map((doc) => ({ rid: ridOf.get(doc)!, doc }));
}

export interface FindSpec {
  filter: Document;
  sort?: Document;
  projection?: Document;
  skip?: number;
  limit?: number;
  variables?: Document;
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
  let source: Iterable<Document> = collection.candidates(spec.filter);
  if (sort && '$natural' in sort) {
    if (sort.$natural === -1) source = [...source].reverse();
    sort = undefined;
  }
  const projection = spec.projection ?? {};
  if (projectionNeedsCopy(projection)) source = mapIterable(source, (d) => cloneDeep(d) as Document);
  const cursor = new Query(spec.filter, mingoOptions(spec.variables ? { variables: spec.variables } : {})).find<Document>(
    source as Source,
    projection,
  );
  if (sort) cursor.sort(sort as Record<string, 1 | -1>);
  if (spec.skip) cursor.skip(spec.skip);
  if (spec.limit) cursor.limit(spec.limit);
  return {
    next: () => {
      const value = cursor.next();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
  };
}

function* mapIterable<T, R>(source: Iterable<T>, fn: (v: T) => R): Generator<R> {
  for (const v of source) yield fn(v);
}
