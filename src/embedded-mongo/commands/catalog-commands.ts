import { Long, serialize, type Document } from 'bson';
import { assertValidCollectionName } from '../storage/catalog';
import { CommandError, ErrorCode } from '../errors';
import type { IndexSpec } from '../storage/ordered-index';
import { canonicalKey, isDocumentValue } from '../query/index-key';
import { parseCollation } from '../query/collation';
import { compileFilter } from '../query/query-language';
import { optionalDocument, targetCollectionName, typeMismatch, type CommandContext, type CommandHandler } from './command-context';

function cursorOf(ns: string, firstBatch: Document[]): Document {
  return { cursor: { firstBatch, id: Long.ZERO, ns }, ok: 1 };
}

/** Collection options the engine stores but cannot honour: refusing them beats ignoring them. */
const UNSUPPORTED_COLLECTION_OPTIONS = [
  'viewOn',
  'timeseries',
  'capped',
  'clusteredIndex',
  'encryptedFields',
  'changeStreamPreAndPostImages',
  'validator',
];

const create: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'create');
  for (const option of UNSUPPORTED_COLLECTION_OPTIONS) {
    if (cmd[option] !== undefined && cmd[option] !== false) {
      throw new CommandError(ErrorCode.NotImplemented, `create: option '${option}' is not supported by the embedded engine`);
    }
  }
  // A default collation would change every later query on the collection.
  if (parseCollation(cmd.collation))
    throw new CommandError(ErrorCode.BadValue, "create: a non-simple 'collation' is not supported by the embedded engine");
  const options: Document = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (k !== 'create' && !k.startsWith('$') && !['lsid', 'writeConcern', 'txnNumber', 'comment'].includes(k)) options[k] = v;
  }
  ctx.catalog.create(ctx.db, name, options);
  return { ok: 1 };
};

const drop: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'drop');
  const dropped = ctx.catalog.drop(ctx.db, name);
  return dropped ? { nIndexesWas: dropped.indexList().length, ns: dropped.ns, ok: 1 } : { ok: 1 };
};

const dropDatabase: CommandHandler = (_cmd, ctx) => {
  ctx.catalog.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

/** Rough sizes for listDatabases/dbStats: serializing every document would be too slow for a status call. */
function approximateSize(ctx: CommandContext, db: string): number {
  let size = 0;
  for (const c of ctx.catalog.collections(db)) {
    const sample = c.documents().next();
    if (!sample.done) size += c.count * serialize(sample.value).length;
  }
  return size;
}

const listDatabases: CommandHandler = (cmd, ctx) => {
  const filter = compileFilter(optionalDocument(cmd, 'filter'));
  const databases = ctx.catalog
    .databaseNames()
    .map((name) => {
      const sizeOnDisk = approximateSize(ctx, name);
      return cmd.nameOnly === true ? { name } : { name, sizeOnDisk, empty: sizeOnDisk === 0 };
    })
    .filter(filter);
  const totalSize = databases.reduce((n, d) => n + ((d as Document).sizeOnDisk ?? 0), 0);
  return cmd.nameOnly === true ? { databases, ok: 1 } : { databases, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
};

const listCollections: CommandHandler = (cmd, ctx) => {
  const filter = compileFilter(optionalDocument(cmd, 'filter'));
  const nameOnly = cmd.nameOnly === true;
  const entries = ctx.catalog
    .collections(ctx.db)
    .map((c) => ({
      name: c.name,
      type: 'collection',
      options: c.options,
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }))
    .filter(filter)
    .map((e) => (nameOnly ? { name: e.name, type: e.type } : e));
  return cursorOf(`${ctx.db}.$cmd.listCollections`, entries);
};

const dbStats: CommandHandler = (_cmd, ctx) => {
  const collections = ctx.catalog.collections(ctx.db);
  const dataSize = approximateSize(ctx, ctx.db);
  return {
    db: ctx.db,
    collections: collections.length,
    views: 0,
    objects: collections.reduce((n, c) => n + c.count, 0),
    dataSize,
    storageSize: dataSize,
    indexes: collections.reduce((n, c) => n + c.indexList().length, 0),
    ok: 1,
  };
};

/** Fields createIndexes accepts and listIndexes returns; anything else is rejected by name. */
const INDEX_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'background',
  'hidden',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'wildcardProjection',
  'v',
]);

function toIndexSpec(raw: unknown): IndexSpec {
  if (!isDocumentValue(raw)) throw typeMismatch('indexes.item', 'object', raw);
  if (!isDocumentValue(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError(ErrorCode.CannotCreateIndex, 'Index keys cannot be empty.');
  }
  if (typeof raw.name !== 'string' || raw.name.length === 0) {
    throw new CommandError(ErrorCode.CannotCreateIndex, 'The index name must be a non-empty string');
  }
  const spec: IndexSpec = { v: 2, key: raw.key, name: raw.name };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'v' || k === 'key' || k === 'name' || k === 'background' || k === 'ns') continue;
    if (!INDEX_OPTIONS.has(k))
      throw new CommandError(ErrorCode.InvalidOptions, `The field '${k}' is not valid for an index specification.`);
    // Index keys compare binary: a unique index with a collation would accept what it must refuse.
    if (k === 'collation' && parseCollation(v)) {
      throw new CommandError(ErrorCode.BadValue, `index '${raw.name}': a non-simple collation is not supported by the embedded engine`);
    }
    spec[k] = v;
  }
  if (spec.unique === false) delete spec.unique;
  if (spec.sparse === false) delete spec.sparse;
  return spec;
}

const createIndexes: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'createIndexes');
  assertValidCollectionName(ctx.db, name);
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) throw typeMismatch('indexes', 'array', cmd.indexes);
  const specs = cmd.indexes.map(toIndexSpec);
  const { collection, created } = ctx.catalog.obtain(ctx.db, name);
  const before = collection.indexList().length;
  for (const spec of specs) {
    if (spec.name === '_id_' || canonicalKey(spec.key) === canonicalKey({ _id: 1 })) {
      if (spec.unique) throw new CommandError(ErrorCode.InvalidOptions, "The field 'unique' is not valid for an _id index specification.");
      continue;
    }
    collection.createIndex(spec);
  }
  const after = collection.indexList().length;
  const reply: Document = { numIndexesBefore: before, numIndexesAfter: after, createdCollectionAutomatically: created, ok: 1 };
  if (after === before) reply.note = 'all indexes already exist';
  return reply;
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'listIndexes');
  const collection = ctx.catalog.collection(ctx.db, name);
  if (!collection) throw new CommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  return cursorOf(
    collection.ns,
    collection.indexList().map((ix) => ix.spec),
  );
};

const dropIndexes: CommandHandler = (cmd, ctx) => {
  const name = targetCollectionName(cmd, 'dropIndexes');
  const collection = ctx.catalog.collection(ctx.db, name);
  if (!collection) throw new CommandError(ErrorCode.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = collection.indexList().length;
  const which = cmd.index;
  let names: string[];
  if (which === '*')
    names = collection
      .indexList()
      .map((ix) => ix.name)
      .filter((n) => n !== '_id_');
  else if (typeof which === 'string') names = [which];
  else if (Array.isArray(which)) names = which.map(String);
  else if (isDocumentValue(which)) {
    const match = collection.indexList().find((ix) => canonicalKey(ix.spec.key) === canonicalKey(which));
    if (!match) throw new CommandError(ErrorCode.IndexNotFound, `can't find index with key: ${JSON.stringify(which)}`);
    names = [match.name];
  } else throw typeMismatch('index', 'string', which);
  for (const n of names) if (!collection.getIndex(n)) throw new CommandError(ErrorCode.IndexNotFound, `index not found with name [${n}]`);
  for (const n of names) collection.dropIndex(n);
  return { nIndexesWas, ok: 1 };
};

export const catalogCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listDatabases,
  listCollections,
  dbStats,
  createIndexes,
  listIndexes,
  dropIndexes,
};
