import type { Document } from 'bson';
import { encodeCursorReply } from '../wire/cursor-reply';
import { DEFAULT_FIRST_BATCH_SIZE, DocumentStream } from './cursor-registry';
import { CommandError, ErrorCode } from '../errors';
import { canonicalKey, EMPTY_ARRAY, pathValues } from '../query/index-key';
import { assertCollationApplies, collatedComparator, parseCollation } from '../query/collation';
import { compileFilter, evaluateLet } from '../query/query-language';
import { assertHint, assertSortSpec, unsupportedOption } from './command-fields';
import {
  optionalDocument,
  optionalNumber,
  RawReply,
  targetCollectionName,
  typeMismatch,
  type CommandContext,
  type CommandHandler,
} from './command-context';
import { findResults, sortDocuments, type FindResults } from './result-shaping';

/**
 * Answers with the first batch and keeps the rest in an open cursor, unless the results fit in
 * the batch or the client asked for a single batch.
 */
export function firstBatchReply(
  ctx: CommandContext,
  ns: string,
  results: Iterator<Document>,
  batchSize: number | undefined,
  singleBatch: boolean,
): RawReply {
  const stream = new DocumentStream(results);
  const docs = stream.nextBatch(batchSize ?? DEFAULT_FIRST_BATCH_SIZE, undefined);
  const keepOpen = !singleBatch && !stream.exhausted;
  // An index walk reads the index as it is: what a later getMore returns is read now.
  if (keepOpen) (results as FindResults).freeze?.();
  const id = keepOpen ? ctx.cursors.open(ns, stream) : 0;
  return new RawReply(encodeCursorReply(id, ns, 'firstBatch', docs));
}

function nonNegative(cmd: Document, field: string): number | undefined {
  const n = optionalNumber(cmd, field);
  if (n !== undefined && n < 0) throw new CommandError(ErrorCode.BadValue, `${field} must be non-negative, but received: ${n}`);
  return n;
}

const find: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'find');
  if (cmd.tailable === true) throw unsupportedOption('a tailable cursor');
  let limit = optionalNumber(cmd, 'limit');
  let singleBatch = cmd.singleBatch === true;
  if (limit !== undefined && limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = nonNegative(cmd, 'batchSize');
  const collection = ctx.catalog.collection(ctx.db, name);
  const filter = optionalDocument(cmd, 'filter') ?? {};
  const projection = optionalDocument(cmd, 'projection');
  const collation = parseCollation(cmd.collation);
  if (collation) assertCollationApplies({ filter, projection }, 'find');
  assertHint(collection, cmd.hint, 'find');
  const sort = optionalDocument(cmd, 'sort');
  assertSortSpec(sort);
  const results = findResults(collection, {
    filter,
    sort,
    projection,
    skip: nonNegative(cmd, 'skip'),
    limit: limit || undefined,
    variables: evaluateLet(optionalDocument(cmd, 'let')),
    collation,
  });
  const firstBatch = Math.min(batchSize ?? DEFAULT_FIRST_BATCH_SIZE, limit || Infinity);
  return firstBatchReply(ctx, `${ctx.db}.${name}`, results, firstBatch, singleBatch);
};

const getMore: CommandHandler = (cmd, ctx) => {
  const id = optionalNumber(cmd, 'getMore');
  if (id === undefined) throw typeMismatch('getMore', 'long', cmd.getMore);
  const collection = cmd.collection;
  if (typeof collection !== 'string') throw typeMismatch('collection', 'string', collection);
  const cursor = ctx.cursors.get(id);
  if (!cursor) throw new CommandError(ErrorCode.CursorNotFound, `cursor id ${id} not found`);
  const ns = `${ctx.db}.${collection}`;
  if (cursor.ns !== ns) {
    throw new CommandError(13, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
  }
  const docs = cursor.stream.nextBatch(nonNegative(cmd, 'batchSize') || Infinity);
  const done = cursor.stream.exhausted;
  if (done) ctx.cursors.close(id);
  return new RawReply(encodeCursorReply(done ? 0 : id, ns, 'nextBatch', docs));
};

const killCursors: CommandHandler = (cmd, ctx) => {
  const ids = cmd.cursors;
  if (!Array.isArray(ids)) throw typeMismatch('cursors', 'array', ids);
  const killed: unknown[] = [];
  const notFound: unknown[] = [];
  for (const raw of ids) (ctx.cursors.close(Number(raw)) ? killed : notFound).push(raw);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'count');
  const collection = ctx.catalog.collection(ctx.db, name);
  const query = optionalDocument(cmd, 'query') ?? {};
  const collation = parseCollation(cmd.collation);
  if (collation) assertCollationApplies(query, 'count');
  assertHint(collection, cmd.hint, 'count');
  if (!collection) return { n: 0, ok: 1 };
  const skip = nonNegative(cmd, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(cmd, 'limit') ?? 0);
  // An index lookup compares binary keys: under a collation every document is a candidate.
  let n =
    Object.keys(query).length === 0
      ? collection.count
      : collection.countMatches(collation ? null : query, compileFilter(query, undefined, collation), limit ? skip + limit : Infinity);
  n = Math.max(0, n - skip);
  return { n: limit ? Math.min(n, limit) : n, ok: 1 };
};

const distinct: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'distinct');
  const key = cmd.key;
  if (typeof key !== 'string' || key.length === 0) throw typeMismatch('key', 'string', key);
  const collection = ctx.catalog.collection(ctx.db, name);
  const query = optionalDocument(cmd, 'query') ?? {};
  const collation = parseCollation(cmd.collation);
  if (collation) assertCollationApplies(query, 'distinct');
  if (!collection) return { values: [], ok: 1 };
  const path = key.split('.');
  const seen = new Map<string, unknown>();
  for (const { doc } of collection.match(collation ? null : query, compileFilter(query, undefined, collation))) {
    for (const v of pathValues(doc, path)) {
      if (v === undefined || v === EMPTY_ARRAY) continue;
      const k = canonicalKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  let values = sortDocuments(
    [...seen.values()].map((v) => ({ v })),
    { v: 1 },
    collation,
  ).map((d) => d.v);
  if (collation) {
    // Values equal under the collation are one value, adjacent once sorted by it: the first stands for them.
    const cmp = collatedComparator(collation);
    values = values.filter((v, i) => i === 0 || cmp(values[i - 1], v) !== 0);
  }
  return { values, ok: 1 };
};

export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct };
