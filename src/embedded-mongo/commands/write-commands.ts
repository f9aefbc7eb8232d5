import { ObjectId, type Document } from 'bson';
import type { CollectionStore, StoredRecord } from '../collection-store';
import { CommandError, ErrorCode, toCommandError } from '../errors';
import { isDocumentValue } from '../index-key';
import { compileFilter } from '../query-language';
import { applyUpdate, buildUpsert, updateKind, withIdFirst, type UpdateSpec } from '../update-document';
import {
  documentArray,
  optionalDocument,
  targetCollectionName,
  typeMismatch,
  type CommandContext,
  type CommandHandler,
} from './command-context';
import { applyProjection, sortRecords } from './result-shaping';

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

const insert: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'insert');
  const docs = documentArray(cmd, 'documents');
  const collection = writeTarget(ctx, name);
  let n = 0;
  const writeErrors = runStatements(docs, cmd.ordered !== false, (doc) => {
    const stored = doc._id === undefined ? { _id: new ObjectId(), ...doc } : withIdFirst(doc);
    if (Array.isArray(stored._id)) throw new CommandError(ErrorCode.BadValue, 'The _id field cannot be an array');
    collection.insert(stored);
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
};

interface UpdateStatement {
  q: Document;
  u: UpdateSpec;
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
  c?: Document;
}

const update: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'update');
  const statements = documentArray(cmd, 'updates') as UpdateStatement[];
  const collection = writeTarget(ctx, name);
  const variables = optionalDocument(cmd, 'let');
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = runStatements(statements, cmd.ordered !== false, (s, index) => {
    if (!isDocumentValue(s.q)) throw typeMismatch('q', 'object', s.q);
    if (s.multi && updateKind(s.u) === 'replacement') {
      throw new CommandError(ErrorCode.FailedToParse, 'multi update is not supported for replacement-style update');
    }
    const vars = s.c || variables ? { ...variables, ...s.c } : undefined;
    const options = { arrayFilters: s.arrayFilters, filter: s.q, variables: vars };
    const predicate = compileFilter(s.q, vars);
    const matches: StoredRecord[] = [];
    for (const record of collection.match(s.q, predicate)) {
      matches.push(record);
      if (!s.multi) break;
    }
    for (const { rid, doc } of matches) {
      const result = applyUpdate(doc, s.u, options);
      if (result.modified) {
        collection.replace(rid, result.doc);
        nModified++;
      }
      n++;
    }
    if (matches.length === 0 && s.upsert) {
      const doc = buildUpsert(s.q, s.u, options);
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
  let n = 0;
  const writeErrors = runStatements(statements, cmd.ordered !== false, (s) => {
    if (!isDocumentValue(s.q)) throw typeMismatch('q', 'object', s.q);
    if (s.limit !== 0 && s.limit !== 1) throw new CommandError(ErrorCode.FailedToParse, 'The limit field in delete objects must be 0 or 1');
    if (!collection) return;
    const rids: number[] = [];
    for (const { rid } of collection.match(s.q, compileFilter(s.q, optionalDocument(cmd, 'let')))) {
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
  const fields = optionalDocument(cmd, 'fields');
  const variables = optionalDocument(cmd, 'let');
  const remove = cmd.remove === true;
  if (remove && (cmd.update !== undefined || cmd.new === true || cmd.upsert === true)) {
    throw new CommandError(ErrorCode.FailedToParse, 'Cannot specify both an update and remove=true');
  }
  if (!remove && cmd.update === undefined) {
    throw new CommandError(ErrorCode.FailedToParse, 'Either an update or remove=true must be specified');
  }
  const collection = remove ? ctx.catalog.collection(ctx.db, name) : writeTarget(ctx, name);
  const predicate = compileFilter(query, variables);
  let target: StoredRecord | undefined;
  if (collection) {
    if (sort && Object.keys(sort).length) target = sortRecords([...collection.match(query, predicate)], sort)[0];
    else target = collection.match(query, predicate).next().value ?? undefined;
  }
  const shape = (doc: Document | null): Document | null => (doc && fields ? applyProjection(doc, fields) : doc);

  if (remove) {
    if (!target || !collection) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    collection.remove(target.rid);
    return { lastErrorObject: { n: 1 }, value: shape(target.doc), ok: 1 };
  }
  const options = { arrayFilters: cmd.arrayFilters as Document[] | undefined, filter: query, variables };
  if (target) {
    const result = applyUpdate(target.doc, cmd.update as UpdateSpec, options);
    if (result.modified) collection!.replace(target.rid, result.doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shape(cmd.new === true ? result.doc : target.doc),
      ok: 1,
    };
  }
  if (cmd.upsert === true) {
    const doc = buildUpsert(query, cmd.update as UpdateSpec, options);
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
