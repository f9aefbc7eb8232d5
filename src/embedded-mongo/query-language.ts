import type { Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { Context, ProcessingMode } from 'mingo/core';
import type { Iterator as LazyIterator, Source } from 'mingo/lazy';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query } from 'mingo/query';
import type { CollectionResolver, Options } from 'mingo/types';
import { updateOne, type PipelineStage, type Modifier } from 'mingo/updater';
import { bsonTypeOperators } from './bson-type-operators';
import { timezoneDateOperators } from './timezone-date-operators';

/**
 * The engine's single doorway to mingo: query, update and aggregation semantics all come from it.
 * The context is built here (rather than through mingo's default export) so the corrected date
 * operators and the bson-aware type operators replace mingo's own; server-side JavaScript ($where, $function, $accumulator) is off
 * because any local process can reach the port.
 */
export const MINGO_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: { ...expressionOperators, ...timezoneDateOperators, ...bsonTypeOperators },
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
} as unknown as Parameters<typeof Context.init>[0]);

const BASE_OPTIONS: Partial<Options> = {
  context: MINGO_CONTEXT,
  idKey: '_id',
  scriptEnabled: false,
  useStrictMode: true,
  failOnError: true,
  processingMode: ProcessingMode.CLONE_OFF,
};

export function mingoOptions(extra: Partial<Options> = {}): Options {
  return { ...BASE_OPTIONS, ...extra } as Options;
}

export type DocumentPredicate = (doc: Document) => boolean;

const MATCH_ALL: DocumentPredicate = () => true;

/** Compiles a query filter once; an empty filter matches without calling mingo. */
export function compileFilter(filter: Document | undefined | null, variables?: Document): DocumentPredicate {
  if (!filter || Object.keys(filter).length === 0) return MATCH_ALL;
  const query = new Query(filter, mingoOptions(variables ? { variables } : {}));
  return (doc) => query.test(doc);
}

export interface PipelineRunOptions {
  collectionResolver?: CollectionResolver;
  variables?: Document;
  /** Clone input documents first: set for stages that would write into their input objects. */
  cloneInput?: boolean;
}

/** Streams `source` through an aggregation pipeline. */
export function runPipeline(source: Source, pipeline: Document[], opts: PipelineRunOptions = {}): LazyIterator {
  const options = mingoOptions({
    collectionResolver: opts.collectionResolver,
    variables: opts.variables,
    processingMode: opts.cloneInput ? ProcessingMode.CLONE_INPUT : ProcessingMode.CLONE_OFF,
  });
  return new Aggregator(pipeline, options).stream(source);
}

/**
 * Applies update operators or an update pipeline to `doc` in place and reports whether anything
 * changed. The caller passes a private copy. `condition` resolves the positional `$` operator.
 */
export function applyUpdateToCopy(
  doc: Document,
  update: Document | Document[],
  arrayFilters: Document[] | undefined,
  condition: Document | undefined,
  variables?: Document,
): { doc: Document; modified: boolean } {
  const docs = [doc];
  const result = updateOne(
    docs,
    condition ?? {},
    update as Modifier<Document> | PipelineStage[],
    { arrayFilters, cloneMode: 'copy', let: variables },
    mingoOptions(),
  );
  return { doc: docs[0], modified: result.modifiedCount > 0 };
}
