import type { Document } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { Context, evalExpr, ProcessingMode } from 'mingo/core';
import { Lazy, type Iterator as LazyIterator, type Source } from 'mingo/lazy';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as updateOperators from 'mingo/operators/update';
import * as windowOperators from 'mingo/operators/window';
import { Query } from 'mingo/query';
import type { CollationSpec, CollectionResolver, Options } from 'mingo/types';
import { bitwiseQueryOperators } from './bitwise-query-operators';
import { bsonTypeOperators } from './bson-type-operators';
import { CommandError, ErrorCode } from '../errors';
import { collatedExpressionOperators, collatedQueryOperators } from './collation';
import { pipelineWritesInput } from './pipeline-safety';
import { timezoneDateOperators } from './timezone-date-operators';

/**
 * The engine's single doorway to mingo: query, update and aggregation semantics all come from it.
 * The context is built here (rather than through mingo's default export) so the corrected date
 * operators and the bson-aware type operators replace mingo's own; server-side JavaScript ($where, $function, $accumulator) is off
 * because any local process can reach the port.
 */
/**
 * mingo's $facet copies every input document once per facet, so that one facet cannot see
 * another's writes. Copies are only needed for a facet that writes into its input (see
 * pipeline-safety.ts); the others read the shared documents, which makes a typical
 * "page + total" facet over 100,000 documents about four times faster.
 */
function $facet(coll: LazyIterator, expr: Document, options: Options): LazyIterator {
  // Stages receive mingo's ComputeOptions, which wraps the plain options.
  const plain: Options = (options as Options & { options?: Options }).options ?? options;
  return coll.transform((docs: Document[]) => {
    const out: Document = {};
    for (const name of Object.keys(expr)) {
      const pipeline = expr[name] as Document[];
      const processingMode = pipelineWritesInput(pipeline) ? ProcessingMode.CLONE_INPUT : plain.processingMode;
      out[name] = new Aggregator(pipeline, { ...plain, processingMode }).run(docs);
    }
    return Lazy([out]);
  });
}

type OperatorTable = Record<string, never>;

function refused(what: string): never {
  throw new CommandError(ErrorCode.BadValue, `${what} is not supported by the embedded engine`);
}

const UTC_ZONES = new Set(['UTC', 'GMT', 'Z', 'Etc/UTC', 'Etc/GMT', '+00:00', '-00:00', '+0000', '+00']);

/**
 * mingo's `$dateAdd`/`$dateSubtract` ignore `timezone`, and its `$dateFromString` takes a zone's
 * offset at the current date rather than at the parsed one: with a zone other than UTC (or, for
 * `$dateFromString`, a fixed offset) they are refused instead of answering in the wrong zone.
 * `$toHashedIndexKey` would not give MongoDB's hash.
 */
function zoneChecked(name: string, original: unknown, accepts: 'utc' | 'offsets' | 'all'): unknown {
  const fn = original as (obj: Document, expr: unknown, options: Options) => unknown;
  return (obj: Document, expr: unknown, options: Options) => {
    if (expr && typeof expr === 'object' && 'timezone' in expr) {
      const zone = evalExpr(obj, (expr as Document).timezone, options);
      // mingo parses offsets and Olson names but not the UTC aliases MongoDB accepts.
      if (UTC_ZONES.has(String(zone))) return fn(obj, { ...(expr as Document), timezone: '+00:00' }, options);
      const fixed = typeof zone === 'string' && /^[+-]\d{2}(:?\d{2})?$/.test(zone);
      if (zone !== null && zone !== undefined && accepts !== 'all' && !(accepts === 'offsets' && fixed)) {
        refused(`${name} with timezone '${String(zone)}'`);
      }
    }
    return fn(obj, expr, options);
  };
}

const ops = expressionOperators as unknown as Record<string, unknown>;
const REFUSED_EXPRESSION_OPERATORS = {
  $dateAdd: zoneChecked('$dateAdd', ops.$dateAdd, 'utc'),
  $dateSubtract: zoneChecked('$dateSubtract', ops.$dateSubtract, 'utc'),
  $dateFromString: zoneChecked('$dateFromString', ops.$dateFromString, 'offsets'),
  $dateDiff: zoneChecked('$dateDiff', ops.$dateDiff, 'all'),
  $toHashedIndexKey: () => refused('$toHashedIndexKey'),
};

export const MINGO_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: {
    ...expressionOperators,
    ...timezoneDateOperators,
    ...bsonTypeOperators,
    ...collatedExpressionOperators(expressionOperators as unknown as OperatorTable),
    ...REFUSED_EXPRESSION_OPERATORS,
  },
  pipeline: { ...pipelineOperators, $facet },
  projection: projectionOperators,
  query: { ...queryOperators, ...collatedQueryOperators(queryOperators as unknown as OperatorTable), ...bitwiseQueryOperators },
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

/**
 * mingo's ComputeOptions, which it builds from plain options on every Query and update by copying
 * every operator table of the context (about 15 µs, then 4 more table copies inside updateOne:
 * most of the cost of a small upsert). Handing mingo a ComputeOptions instance skips the copies.
 * The class is internal to mingo, so it is taken from the options mingo passes to an operator.
 */
interface ComputeOptionsLike extends Options {
  update(locals: Record<string, unknown>): ComputeOptionsLike;
}
interface ComputeOptionsClass {
  init(options: Partial<Options> | ComputeOptionsLike): ComputeOptionsLike;
}
const ComputeOptions: ComputeOptionsClass = (() => {
  let captured: unknown;
  const probe = Context.init({ expression: { $probe: (_o: unknown, _e: unknown, options: unknown) => ((captured = options), null) } });
  evalExpr({}, { $probe: 1 }, { context: probe } as Options);
  const ctor = (captured as { constructor?: Partial<ComputeOptionsClass> } | undefined)?.constructor;
  if (typeof ctor?.init !== 'function') throw new Error('mingo ComputeOptions not found: check the mingo version');
  return ctor as ComputeOptionsClass;
})();

const BASE_COMPUTE_OPTIONS = ComputeOptions.init(BASE_OPTIONS);

function computeOptions(locals?: Record<string, unknown>, collation?: CollationSpec): ComputeOptionsLike {
  const base = collation ? ComputeOptions.init({ ...BASE_OPTIONS, collation }) : BASE_COMPUTE_OPTIONS;
  return locals ? ComputeOptions.init(base).update(locals) : base;
}

/** Evaluates each expression of `exprs` against `doc` (`$merge`'s per-document `let`). */
export function evaluateExpressions(doc: Document, exprs: Document, variables?: Document): Document {
  const options = mingoOptions(variables ? { variables } : {});
  const out: Document = {};
  for (const name of Object.keys(exprs)) out[name] = evalExpr(doc, exprs[name], options);
  return out;
}

/**
 * A command's `let`: each value is an expression evaluated once, before the command runs
 * (`{ r: { $add: [1, 2] } }` binds `$$r` to 3), as MongoDB does.
 */
export function evaluateLet(variables: Document | undefined): Document | undefined {
  if (!variables) return undefined;
  const out: Document = {};
  const options = mingoOptions();
  for (const name of Object.keys(variables)) {
    if (!/^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/.test(name)) {
      throw new Error(`'${name}' starts with an invalid character for a user variable name`);
    }
    out[name] = evalExpr({}, variables[name], options);
  }
  return out;
}

export type DocumentPredicate = (doc: Document) => boolean;

const MATCH_ALL: DocumentPredicate = () => true;

/** Compiles a query filter once; an empty filter matches without calling mingo. */
export function compileFilter(filter: Document | undefined | null, variables?: Document, collation?: CollationSpec): DocumentPredicate {
  if (!filter || Object.keys(filter).length === 0) return MATCH_ALL;
  const query = new Query(filter, computeOptions(variables ? { variables } : undefined, collation));
  return (doc) => query.test(doc);
}

export interface PipelineRunOptions {
  collectionResolver?: CollectionResolver;
  variables?: Document;
  collation?: CollationSpec;
  /** Clone input documents first: set for stages that would write into their input objects. */
  cloneInput?: boolean;
}

/** Streams `source` through an aggregation pipeline. */
export function runPipeline(source: Source, pipeline: Document[], opts: PipelineRunOptions = {}): LazyIterator {
  const options = mingoOptions({
    collectionResolver: opts.collectionResolver,
    variables: opts.variables,
    collation: opts.collation,
    processingMode: opts.cloneInput ? ProcessingMode.CLONE_INPUT : ProcessingMode.CLONE_OFF,
  });
  return new Aggregator(pipeline, options).stream(source);
}

type UpdateOperatorFn = (expr: unknown, arrayFilters: Document[], options: Options) => (obj: Document) => string[];
const UPDATE_OPERATORS = updateOperators as unknown as Record<string, UpdateOperatorFn>;

/**
 * MongoDB rejects an update whose paths overlap across operators (`$set: { a }` with
 * `$inc: { 'a.b' }`); mingo checks this only within one operator when they are applied one by one.
 */
function assertNoPathConflicts(update: Document): void {
  const paths: string[] = [];
  for (const op of Object.keys(update)) {
    const spec = update[op] as Document;
    for (const path of Object.keys(spec ?? {})) {
      paths.push(path);
      if (op === '$rename' && typeof spec[path] === 'string') paths.push(spec[path]);
    }
  }
  if (paths.length < 2) return;
  paths.sort();
  for (let i = 1; i < paths.length; i++) {
    if (paths[i] === paths[i - 1] || paths[i].startsWith(paths[i - 1] + '.')) {
      throw new Error(`updating the path '${paths[i]}' would create a conflict at '${paths[i - 1]}'`);
    }
  }
}

/** The stages MongoDB allows in an update pipeline. */
const UPDATE_PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

/**
 * Runs an update pipeline over one document as an aggregation over that document, which is what
 * MongoDB does: `$setField` may write `$`-prefixed or dotted names, and `$replaceRoot` /
 * `$replaceWith` may produce any document (the caller restores `_id`). The input is not modified.
 */
export function runUpdatePipeline(doc: Document, pipeline: Document[], variables?: Document, collation?: CollationSpec): Document {
  for (const stage of pipeline) {
    const names = isPlainObject(stage) ? Object.keys(stage) : [];
    if (names.length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    if (!UPDATE_PIPELINE_STAGES.has(names[0])) {
      throw new CommandError(ErrorCode.InvalidOptions, `${names[0]} is not allowed to be used within an update`);
    }
  }
  const out = runPipeline([doc], pipeline, { variables, collation, cloneInput: true }).collect<Document>();
  if (out.length !== 1 || !isPlainObject(out[0]))
    throw new CommandError(ErrorCode.BadValue, 'an update pipeline must produce exactly one document');
  return out[0];
}

function isPlainObject(v: unknown): v is Document {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A document as mingo's operators walk into it: a plain object, not a BSON value. */
export const isPlainDocument = (v: unknown): v is Document =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && (v as Document)._bsontype === undefined;

/**
 * What `$inc`, `$max` and `$min` of a number make of a field holding a number or nothing (mingo's
 * operators on numbers): the sum (a missing field starts at 0); the value when the field is
 * missing or the value is greater / smaller, else the field's own.
 */
export const NUMBER_UPDATES: Record<'$inc' | '$max' | '$min', (previous: number | undefined, value: number) => number> = {
  $inc: (previous, amount) => (previous || 0) + amount,
  $max: (previous, value) => (previous === undefined || value > previous ? value : previous),
  $min: (previous, value) => (previous === undefined || value < previous ? value : previous),
};

/**
 * Sets each path of `spec` to `next(what it holds, the spec's number)` when every path is plain
 * (no positional part, not `_id`), runs through plain documents or missing fields (created), and
 * ends at a number or nothing, with numbers in the spec (no NaN); else null. Whether anything changed.
 * `$inc`, `$max` and `$min` are done so (NUMBER_UPDATES) without parsing every path into mingo's
 * update graph, which for a theme row's 60 counters cost more than the rest of the update.
 */
function numbersOnPlainPaths(doc: Document, spec: Document, next: (previous: number | undefined, value: number) => number): boolean | null {
  const paths = Object.keys(spec);
  for (const path of paths) {
    const value: unknown = spec[path];
    if (typeof value !== 'number' || Number.isNaN(value) || path.includes('$') || path === '_id' || path.startsWith('_id.')) return null;
    let node: unknown = doc;
    for (const part of path.split('.')) {
      if (node === undefined) break;
      if (!isPlainDocument(node) || part === '' || part === '__proto__') return null;
      node = node[part];
    }
    if (node !== undefined && (typeof node !== 'number' || Number.isNaN(node))) return null;
  }
  let changed = false;
  for (const path of paths) {
    const parts = path.split('.');
    let node = doc;
    for (let i = 0; i < parts.length - 1; i++) {
      const child: unknown = node[parts[i]];
      node = child === undefined ? (node[parts[i]] = {}) : (child as Document);
    }
    const leaf = parts[parts.length - 1];
    const previous = node[leaf] as number | undefined;
    const value = next(previous, spec[path] as number);
    if (value !== previous) {
      node[leaf] = value;
      changed = true;
    }
  }
  return changed;
}

/**
 * Applies update operators to `doc` in place and reports whether anything changed. The caller
 * passes a private copy. `condition` resolves the positional `$` operator. Operators are
 * mingo's, called one by one (what mingo's updateOne does, minus its per-call copies of the
 * operator tables).
 */
export function applyUpdateToCopy(
  doc: Document,
  update: Document,
  arrayFilters: Document[] | undefined,
  condition: Document | undefined,
  variables?: Document,
): { doc: Document; modified: boolean } {
  assertNoPathConflicts(update);
  const options = computeOptions({ condition: condition ?? {}, updateConfig: { cloneMode: 'copy' }, variables });
  let modified = false;
  for (const op of Object.keys(update)) {
    if (op === '$inc' || op === '$max' || op === '$min') {
      const spec = update[op] as Document;
      const changed = numbersOnPlainPaths(doc, spec, NUMBER_UPDATES[op]);
      if (changed !== null) {
        if (changed) modified = true;
        continue;
      }
    }
    const fn = UPDATE_OPERATORS[op];
    if (!fn) throw new Error(`Unknown update operator: '${op}'.`);
    if (fn(update[op], arrayFilters ?? [], options)(doc).length > 0) modified = true;
  }
  return { doc, modified };
}
