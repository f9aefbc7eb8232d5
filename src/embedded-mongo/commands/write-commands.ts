import { ObjectId, type Document } from 'bson';
import type { CollectionStore, StoredRecord } from '../storage/collection-store';
import { CommandError, ErrorCode, toCommandError } from '../errors';
import { isDocumentValue } from '../query/index-key';
import type { CollationSpec } from 'mingo/types';
import { assertCollationApplies, parseCollation } from '../query/collation';
import { compileFilter, evaluateLet, type DocumentPredicate } from '../query/query-language';
import { applyUpdate, buildUpsert, isPlainScalar, updateKind, withIdFirst, type UpdateSpec } from '../query/update-document';
import { assertArrayFilters } from '../query/update-validation';
import { assertHint, assertSortSpec, unsupportedOption } from './command-fields';
import {
  documentArray,
  optionalDocument,
  targetCollectionName,
  typeMismatch,
  type CommandContext,
  type CommandHandler,
} from './command-context';
import { applyProjection, sortRecords } from './result-shaping';
import { compactDocument, compactUpdatedPaths } from '../storage/document-compaction';

function writeTarget(ctx: CommandContext, name: string): CollectionStore {
  return ctx.catalog.obtain(ctx.db, name).collection;
}

/** Runs statements in order; an ordered batch stops at its first failure, as MongoDB's does. */
function runStatements<T>(statements: T[], ordered: boolean, run: (s: T, i: number) => void): Document[] {
  const writeErrors: Document[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      run(statements[i], i);
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

/**
 * MongoDB refuses an `_id` it could not index or store: an array, a regular expression, or a
 * document with a `$`-prefixed field (DBRef's `$ref`/`$id`/`$db` excepted).
 */
export function assertStorableId(id: unknown): void {
  if (Array.isArray(id)) throw new CommandError(ErrorCode.BadValue, "can't use an array for _id");
  if (id instanceof RegExp || (typeof id === 'object' && id !== null && (id as { _bsontype?: string })._bsontype === 'BSONRegExp')) {
    throw new CommandError(ErrorCode.BadValue, "can't use a regex for _id");
  }
  if (isDocumentValue(id)) assertNoDollarFields(id);
}

function assertNoDollarFields(doc: Document): void {
  const keys = Object.keys(doc);
  const dbRef = keys[0] === '$ref' && keys[1] === '$id';
  keys.forEach((key, i) => {
    const allowedRef = dbRef && (i < 2 || (i === 2 && key === '$db'));
    if (key.startsWith('$') && !allowedRef) {
      throw new CommandError(
        ErrorCode.DollarPrefixedFieldName,
        `_id fields may not contain '$'-prefixed fields: ${key} is not valid for storage.`,
      );
    }
    const value = doc[key];
    if (isDocumentValue(value)) assertNoDollarFields(value);
    else if (Array.isArray(value)) for (const item of value) if (isDocumentValue(item)) assertNoDollarFields(item);
  });
}

/**
 * With a non-simple collation, a statement whose result would depend on it where the engine
 * compares binary (array filters, the positional `$`, `$addToSet`, `$pull`, `$min`/`$max`...) is
 * refused by name.
 */
function assertUpdateCollation(
  collation: CollationSpec | undefined,
  s: { q: Document; u: unknown; arrayFilters?: unknown },
  where: string,
): void {
  if (!collation) return;
  assertCollationApplies(s.q, where);
  assertCollationApplies(s.u, where);
  if (s.arrayFilters !== undefined) throw unsupportedOption(`arrayFilters with a non-simple collation (in ${where})`);
  if (isDocumentValue(s.u)) {
    for (const fields of Object.values(s.u)) {
      if (isDocumentValue(fields) && Object.keys(fields).some((p) => /(^|\.)\$(\.|$)/.test(p))) {
        throw unsupportedOption(`the positional $ operator with a non-simple collation (in ${where})`);
      }
    }
  }
}

const insert: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'insert');
  const docs = documentArray(cmd, 'documents');
  const collection = writeTarget(ctx, name);
  let n = 0;
  const writeErrors = runStatements(docs, cmd.ordered !== false, (doc) => {
    const stored = doc._id === undefined ? { _id: new ObjectId(), ...doc } : withIdFirst(doc);
    assertStorableId(stored._id);
    collection.insert(stored);
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
};

const COMPARISONS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']);

/** A value a comparison takes as it is (null included). */
const isScalar = (v: unknown): boolean => v === null || isPlainScalar(v);

/** `{ $gte: 3 }`, `{ $in: [..] }`, `{ $not: { $gte: 3 } }`: comparisons of scalars, which mingo cannot refuse. */
function simpleCondition(cond: Document): boolean {
  const ops = Object.keys(cond);
  if (ops.length === 0) return false;
  for (const op of ops) {
    const arg: unknown = cond[op];
    if (COMPARISONS.has(op)) {
      if (!isScalar(arg)) return false;
    } else if (op === '$in' || op === '$nin') {
      if (!Array.isArray(arg) || !arg.every(isScalar)) return false;
    } else if (op === '$exists') {
      if (typeof arg !== 'boolean') return false;
    } else if (op === '$not') {
      if (!isDocumentValue(arg) || !simpleCondition(arg)) return false;
    } else return false;
  }
  return true;
}

/**
 * A filter of plain field equalities, or fields compared with scalars (a rollup row's key and its
 * lane guard, `writers.<lane>: { $not: { $gte: n } }`), which mingo cannot refuse.
 */
function equalityOnly(filter: Document): boolean {
  for (const key of Object.keys(filter)) {
    if (key.startsWith('$')) return false;
    const value: unknown = filter[key];
    if (isDocumentValue(value)) {
      const keys = Object.keys(value);
      if (keys.some((k) => k.startsWith('$')) && !(keys.every((k) => k.startsWith('$')) && simpleCondition(value))) return false;
    }
  }
  return true;
}

/**
 * The filter's predicate, compiled when a candidate first needs it: an upsert whose unique key
 * finds no document (every new mention) then never compiles its filter, a tenth of its time.
 * Only for filters that cannot fail to compile, so an invalid filter is still refused up front.
 */
function compiledOnFirstUse(filter: Document, variables: Document | undefined, collation: CollationSpec | undefined): DocumentPredicate {
  let compiled: DocumentPredicate | null = null;
  return (doc) => (compiled ??= compileFilter(filter, variables, collation))(doc);
}

interface UpdateStatement {
  q: Document;
  u: UpdateSpec;
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
  c?: Document;
  hint?: unknown;
  collation?: unknown;
}

const update: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'update');
  const statements = documentArray(cmd, 'updates') as UpdateStatement[];
  const collection = writeTarget(ctx, name);
  const variables = evaluateLet(optionalDocument(cmd, 'let'));
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = runStatements(statements, cmd.ordered !== false, (s, index) => {
    if (!isDocumentValue(s.q)) throw typeMismatch('q', 'object', s.q);
    if (s.multi && updateKind(s.u) === 'replacement') {
      throw new CommandError(ErrorCode.FailedToParse, 'multi update is not supported for replacement-style update');
    }
    if (updateKind(s.u) !== 'replacement') assertArrayFilters(s.u, s.arrayFilters);
    const collation = parseCollation(s.collation);
    assertUpdateCollation(collation, s, 'update');
    assertHint(collection, s.hint, 'update');
    if (s.c !== undefined && !isDocumentValue(s.c)) throw typeMismatch('c', 'object', s.c);
    const constants = evaluateLet(s.c);
    const vars = constants || variables ? { ...variables, ...constants } : undefined;
    const options = { arrayFilters: s.arrayFilters, filter: s.q, variables: vars, collation };
    const predicate = equalityOnly(s.q) ? compiledOnFirstUse(s.q, vars, collation) : compileFilter(s.q, vars, collation);
    const matches: StoredRecord[] = [];
    for (const record of collection.match(collation ? null : s.q, predicate)) {
      matches.push(record);
      if (!s.multi) break;
    }
    // Operators copy only what they change, from the statement's values: compacted once here.
    const byOperators = updateKind(s.u) === 'operators';
    if (byOperators && matches.length) compactDocument(s.u);
    for (const { rid, doc } of matches) {
      const result = applyUpdate(doc, s.u, options);
      if (result.modified) {
        if (byOperators) compactUpdatedPaths(result.doc, s.u);
        collection.replace(rid, result.doc, byOperators);
        nModified++;
      }
      n++;
    }
    if (matches.length === 0 && s.upsert) {
      const doc = buildUpsert(s.q, s.u, options);
      assertStorableId(doc._id);
      collection.insert(doc);
      upserted.push({ index, _id: doc._id });
      n++;
    }
  });
  const reply: Document = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
};

const remove: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'delete');
  const statements = documentArray(cmd, 'deletes');
  const collection = ctx.catalog.collection(ctx.db, name);
  const variables = evaluateLet(optionalDocument(cmd, 'let'));
  let n = 0;
  const writeErrors = runStatements(statements, cmd.ordered !== false, (s) => {
    if (!isDocumentValue(s.q)) throw typeMismatch('q', 'object', s.q);
    if (s.limit !== 0 && s.limit !== 1) throw new CommandError(ErrorCode.FailedToParse, 'The limit field in delete objects must be 0 or 1');
    const collation = parseCollation(s.collation);
    if (collation) assertCollationApplies(s.q, 'delete');
    assertHint(collection, s.hint, 'delete');
    if (!collection) return;
    const rids: number[] = [];
    for (const { rid } of collection.match(collation ? null : s.q, compileFilter(s.q, variables, collation))) {
      rids.push(rid);
      if (s.limit === 1) break;
    }
    for (const rid of rids) collection.remove(rid);
    n += rids.length;
  });
  return withWriteErrors({ n }, writeErrors);
};

const findAndModify: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, cmd.findAndModify !== undefined ? 'findAndModify' : 'findandmodify');
  const query = optionalDocument(cmd, 'query') ?? {};
  const sort = optionalDocument(cmd, 'sort');
  assertSortSpec(sort);
  const fields = optionalDocument(cmd, 'fields');
  const variables = evaluateLet(optionalDocument(cmd, 'let'));
  const collation = parseCollation(cmd.collation);
  const remove = cmd.remove === true;
  if (remove && (cmd.update !== undefined || cmd.new === true || cmd.upsert === true)) {
    throw new CommandError(ErrorCode.FailedToParse, 'Cannot specify both an update and remove=true');
  }
  if (!remove && cmd.update === undefined) {
    throw new CommandError(ErrorCode.FailedToParse, 'Either an update or remove=true must be specified');
  }
  if (!remove && updateKind(cmd.update as UpdateSpec) !== 'replacement') assertArrayFilters(cmd.update as UpdateSpec, cmd.arrayFilters);
  assertUpdateCollation(collation, { q: query, u: cmd.update, arrayFilters: cmd.arrayFilters }, 'findAndModify');
  const collection = remove ? ctx.catalog.collection(ctx.db, name) : writeTarget(ctx, name);
  assertHint(collection, cmd.hint, 'findAndModify');
  const predicate = compileFilter(query, variables, collation);
  const candidates = collation ? null : query;
  let target: StoredRecord | undefined;
  if (collection) {
    if (sort && Object.keys(sort).length) target = sortRecords([...collection.match(candidates, predicate)], sort, collation)[0];
    else target = collection.match(candidates, predicate).next().value ?? undefined;
  }
  const shape = (doc: Document | null): Document | null => (doc && fields ? applyProjection(doc, fields) : doc);

  if (remove) {
    if (!target || !collection) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    collection.remove(target.rid);
    return { lastErrorObject: { n: 1 }, value: shape(target.doc), ok: 1 };
  }
  const options = { arrayFilters: cmd.arrayFilters as Document[] | undefined, filter: query, variables, collation };
  if (target) {
    const byOperators = updateKind(cmd.update as UpdateSpec) === 'operators';
    if (byOperators) compactDocument(cmd.update as Document);
    const result = applyUpdate(target.doc, cmd.update as UpdateSpec, options);
    if (result.modified) {
      if (byOperators) compactUpdatedPaths(result.doc, cmd.update as Document);
      collection!.replace(target.rid, result.doc, byOperators);
    }
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shape(cmd.new === true ? result.doc : target.doc),
      ok: 1,
    };
  }
  if (cmd.upsert === true) {
    const doc = buildUpsert(query, cmd.update as UpdateSpec, options);
    assertStorableId(doc._id);
    collection!.insert(doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: cmd.new === true ? shape(doc) : null,
      ok: 1,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: remove,
  findAndModify,
  findandmodify: findAndModify,
};
