import { ObjectId, type Document } from 'bson';
import { cloneDeep, isEqual } from 'mingo/util';
import type { Catalog } from '../storage/catalog';
import { CollectionStore } from '../storage/collection-store';
import { CommandError, DuplicateKeyError, ErrorCode } from '../errors';
import { formatDuplicateKey, isDocumentValue } from '../query/index-key';
import { assertCollationApplies, parseCollation } from '../query/collation';
import { compileFilter, evaluateExpressions, evaluateLet, runPipeline } from '../query/query-language';
import { assertHint, assertPipelineSorts } from './command-fields';
import { applyUpdate, withIdFirst } from '../query/update-document';
import { optionalDocument, typeMismatch, type CommandContext, type CommandHandler } from './command-context';
import { firstBatchReply } from './read-commands';
import { pipelineWritesInput } from '../query/pipeline-safety';

function* cloned(docs: Iterable<Document>): Generator<Document> {
  for (const d of docs) yield cloneDeep<Document>(d);
}

interface OutputTarget {
  db: string;
  coll: string;
}

function outputTarget(spec: unknown, db: string, stage: string): OutputTarget {
  if (typeof spec === 'string') return { db, coll: spec };
  if (isDocumentValue(spec)) {
    const into = stage === '$merge' ? spec.into : spec;
    if (typeof into === 'string') return { db, coll: into };
    if (isDocumentValue(into) && typeof into.coll === 'string') return { db: typeof into.db === 'string' ? into.db : db, coll: into.coll };
  }
  throw new CommandError(ErrorCode.FailedToParse, `${stage} requires a collection name`);
}

function withId(doc: Document): Document {
  return doc._id === undefined ? { _id: new ObjectId(), ...doc } : withIdFirst(doc);
}

/** `$out`: the target's documents become the results, all or nothing; its indexes stay. */
function writeOut(catalog: Catalog, target: OutputTarget, results: Document[]): void {
  const existing = catalog.collection(target.db, target.coll);
  const specs = existing
    ? existing
        .indexList()
        .map((ix) => ix.spec)
        .filter((s) => s.name !== '_id_')
    : [];
  const trial = new CollectionStore(target.db, target.coll);
  for (const spec of specs) trial.createIndex(spec);
  const docs = results.map(withId);
  for (const doc of docs) trial.insert(doc);
  catalog.drop(target.db, target.coll);
  const fresh = catalog.create(target.db, target.coll, existing?.options ?? {});
  for (const spec of specs) fresh.createIndex(spec);
  for (const doc of docs) fresh.insert(doc);
}

/**
 * `$merge` with MongoDB's defaults: match on `_id`, merge when matched, insert when not. Other
 * `on` fields need a unique index on exactly those fields, as MongoDB requires; a `whenMatched`
 * pipeline sees `let` evaluated against each result (default `{ new: "$$ROOT" }`).
 */
function writeMerge(catalog: Catalog, target: OutputTarget, spec: Document, results: Document[], variables?: Document): void {
  const on = spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? (spec.on as string[]) : [String(spec.on)];
  const existing = catalog.collection(target.db, target.coll);
  const onKey = [...on].sort().join('\0');
  const uniqueOn = (existing?.indexList() ?? []).some(
    (ix) => ix.spec.unique === true && !ix.spec.partialFilterExpression && Object.keys(ix.spec.key).sort().join('\0') === onKey,
  );
  if (onKey !== '_id' && !uniqueOn) {
    throw new CommandError(51183, 'Cannot find index to verify that join fields will be unique');
  }
  if (spec.let !== undefined && !isDocumentValue(spec.let)) throw typeMismatch('$merge.let', 'object', spec.let);
  const collection = catalog.obtain(target.db, target.coll).collection;
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  for (const result of results) {
    const filter: Document = {};
    for (const f of on) filter[f] = result[f] ?? null;
    const match = collection.match(filter).next().value;
    if (match) {
      if (whenMatched === 'keepExisting') continue;
      if (whenMatched === 'fail') {
        throw new DuplicateKeyError(
          collection.ns,
          '_id_',
          { _id: 1 },
          { _id: match.doc._id },
          formatDuplicateKey(['_id'], [match.doc._id]),
        );
      }
      let next: Document;
      if (whenMatched === 'replace') next = withIdFirst({ ...result, _id: match.doc._id });
      else if (whenMatched === 'merge') next = withIdFirst({ ...match.doc, ...result, _id: match.doc._id });
      else if (Array.isArray(whenMatched)) {
        const letVars = spec.let === undefined ? { new: result } : evaluateExpressions(result, spec.let as Document, variables);
        next = applyUpdate(match.doc, whenMatched as Document[], { variables: { ...variables, ...letVars } }).doc;
      } else throw new CommandError(ErrorCode.BadValue, `$merge: unsupported whenMatched ${JSON.stringify(whenMatched)}`);
      if (!isEqual(next, match.doc)) collection.replace(match.rid, next);
    } else if (whenNotMatched === 'insert') {
      collection.insert(withId(result));
    } else if (whenNotMatched === 'fail') {
      throw new CommandError(
        13113,
        '$merge could not find a matching document in the target collection for at least one document in the source collection',
      );
    }
  }
}

const isCount = (expr: unknown): boolean => isDocumentValue(expr) && Object.keys(expr).length === 1 && expr.$sum === 1;
const isWholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * A pipeline that only counts matches, as the driver's `countDocuments` sends it: `$match`, an
 * optional `$skip` and `$limit`, then `$group` on a constant `_id` with one `{ $sum: 1 }`.
 */
function countPipeline(stages: Document[]): { match: Document; skip: number; limit: number; id: unknown; field: string } | null {
  const [first, ...rest] = stages;
  if (!first || !isDocumentValue(first.$match)) return null;
  let skip = 0;
  let limit = Infinity;
  if (rest[0] && '$skip' in rest[0]) {
    if (!isWholeNumber(rest[0].$skip)) return null;
    skip = rest.shift()!.$skip as number;
  }
  if (rest[0] && '$limit' in rest[0]) {
    if (!isWholeNumber(rest[0].$limit) || rest[0].$limit === 0) return null;
    limit = rest.shift()!.$limit as number;
  }
  if (rest.length !== 1 || !isDocumentValue(rest[0].$group)) return null;
  const group = rest[0].$group;
  const id: unknown = group._id;
  const constant = id === null || typeof id === 'number' || typeof id === 'boolean' || (typeof id === 'string' && !id.startsWith('$'));
  const fields = Object.keys(group).filter((k) => k !== '_id');
  if (!constant || !('_id' in group) || fields.length !== 1 || !isCount(group[fields[0]])) return null;
  return { match: first.$match, skip, limit, id, field: fields[0] };
}

const aggregate: CommandHandler = (cmd, ctx: CommandContext) => {
  const target = cmd.aggregate;
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isDocumentValue)) throw typeMismatch('pipeline', 'array', pipeline);
  if (cmd.explain === true) throw new CommandError(ErrorCode.NotImplemented, 'explain is not supported by the embedded engine');
  const cursorOptions = optionalDocument(cmd, 'cursor');
  if (!cursorOptions) {
    throw new CommandError(ErrorCode.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  for (const stage of pipeline) {
    if (Object.keys(stage).length !== 1) {
      throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    }
  }
  let stages = pipeline as Document[];
  const last = stages[stages.length - 1];
  const outputStage = last && ('$out' in last ? '$out' : '$merge' in last ? '$merge' : null);
  if (outputStage) stages = stages.slice(0, -1);

  const collectionName = typeof target === 'string' ? target : null;
  if (collectionName === null && target !== 1) throw typeMismatch('aggregate', 'string', target);
  const collection = collectionName ? ctx.catalog.collection(ctx.db, collectionName) : undefined;
  const collation = parseCollation(cmd.collation);
  if (collation) assertCollationApplies(pipeline, 'aggregate');
  assertHint(collection, cmd.hint, 'aggregate');
  assertPipelineSorts(pipeline);
  const variables = evaluateLet(optionalDocument(cmd, 'let'));
  const ns = `${ctx.db}.${collectionName ?? '$cmd.aggregate'}`;
  const counting = !outputStage && collectionName !== null ? countPipeline(stages) : null;
  if (counting) {
    // `countDocuments`: the matches counted (from an index alone when it holds exactly them), not grouped by mingo.
    const filter = counting.match;
    const matched = !collection
      ? 0
      : Object.keys(filter).length === 0
        ? collection.count
        : collection.countMatches(collation ? null : filter, compileFilter(filter, variables, collation), counting.skip + counting.limit);
    const n = Math.min(Math.max(0, matched - counting.skip), counting.limit);
    const docs = n > 0 ? [{ _id: counting.id, [counting.field]: n }] : [];
    return firstBatchReply(ctx, ns, docs[Symbol.iterator](), undefined, false);
  }
  const cloneInput = pipelineWritesInput(stages);
  const firstMatch = stages[0]?.$match;
  // Index keys compare binary: under a collation every document is a candidate.
  const indexFilter = !collation && isDocumentValue(firstMatch) ? firstMatch : undefined;
  let source: Iterable<Document> = collection ? collection.candidates(indexFilter) : [];
  if (cloneInput) source = cloned(source);

  const results = runPipeline(source, stages, {
    variables,
    collation,
    cloneInput: false,
    collectionResolver: (name) => {
      const docs = ctx.catalog.collection(ctx.db, name)?.documents() ?? [];
      return cloneInput ? [...cloned(docs)] : [...docs];
    },
  });
  if (outputStage) {
    const spec = last[outputStage];
    const out = outputTarget(spec, ctx.db, outputStage);
    const docs = results.collect<Document>();
    if (outputStage === '$out') writeOut(ctx.catalog, out, docs);
    else writeMerge(ctx.catalog, out, isDocumentValue(spec) ? spec : {}, docs, variables);
    return firstBatchReply(ctx, ns, [][Symbol.iterator](), 0, true);
  }
  const batchSize = typeof cursorOptions.batchSize === 'number' ? cursorOptions.batchSize : undefined;
  return firstBatchReply(ctx, ns, results as unknown as Iterator<Document>, batchSize, false);
};

export const aggregateCommands: Record<string, CommandHandler> = { aggregate };
