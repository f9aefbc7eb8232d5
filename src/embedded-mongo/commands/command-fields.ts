import type { Document } from 'bson';
import { isEqual } from 'mingo/util';
import type { CollectionStore } from '../storage/collection-store';
import { CommandError, ErrorCode } from '../errors';
import { isDocumentValue } from '../query/index-key';

/**
 * The fields each CRUD command accepts, as a 7.0 server's command definitions (IDL) list them.
 * A field outside these lists is refused as 7.0 refuses it ("BSON field 'update.updates.sort' is
 * an unknown field.", code 40415) rather than ignored; a field 7.0 knows but the engine does not
 * implement is refused by name with code 2 (UNSUPPORTED), never computed without.
 */

/** Fields every command may carry: drivers add them (sessions, API version, read/write concern). */
const GENERIC_FIELDS = [
  '$db',
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'stmtId',
  '$clusterTime',
  '$readPreference',
  '$audit',
  '$client',
  '$configServerState',
  '$configTime',
  '$topologyTime',
  '$queryOptions',
  'readConcern',
  'writeConcern',
  'comment',
  'maxTimeMS',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'clientOperationKey',
  'mayBypassWriteBlocking',
  'usesDefaultMaxTimeMS',
];

interface CommandFields {
  /** Fields 7.0 accepts and the engine honours (or that cannot change a result). */
  accepted: string[];
  /** Fields 7.0 accepts that the engine refuses by name. */
  unsupported?: string[];
  /** Per-statement fields of the array that holds statements (`updates`, `deletes`). */
  statements?: { field: string; accepted: string[]; unsupported?: string[] };
}

const FIELDS: Record<string, CommandFields> = {
  find: {
    accepted: [
      'filter',
      'projection',
      'sort',
      'hint',
      'skip',
      'limit',
      'batchSize',
      'singleBatch',
      'collation',
      'let',
      'noCursorTimeout',
      'allowPartialResults',
      'allowDiskUse',
      'readOnce',
      'allowSpeculativeMajorityRead',
      'oplogReplay',
      'term',
      'tailable',
    ],
    unsupported: ['min', 'max', 'returnKey', 'showRecordId', 'awaitData', '$_requestResumeToken', '$_resumeAfter', 'encryptionInformation'],
  },
  aggregate: {
    accepted: ['pipeline', 'cursor', 'explain', 'allowDiskUse', 'bypassDocumentValidation', 'collation', 'hint', 'let'],
    unsupported: [
      'exchange',
      'needsMerge',
      'fromMongos',
      'fromRouter',
      'isMapReduceCommand',
      'collectionUUID',
      'runtimeConstants',
      'encryptionInformation',
      '$_requestReshardingResumeToken',
      '$_generateV2ResumeTokens',
      'isClusterQueryWithoutShardKeyCmd',
    ],
  },
  count: {
    accepted: ['query', 'limit', 'skip', 'hint', 'collation', 'fields'],
    unsupported: ['encryptionInformation'],
  },
  distinct: {
    accepted: ['key', 'query', 'collation'],
    unsupported: ['mirrored', 'sampleId'],
  },
  insert: {
    accepted: ['documents', 'ordered', 'bypassDocumentValidation', 'stmtIds'],
    unsupported: ['isTimeseriesNamespace', 'collectionUUID', 'encryptionInformation'],
  },
  update: {
    accepted: ['updates', 'ordered', 'bypassDocumentValidation', 'let', 'stmtIds'],
    unsupported: ['isTimeseriesNamespace', 'collectionUUID', 'encryptionInformation'],
    statements: {
      field: 'updates',
      accepted: ['q', 'u', 'c', 'arrayFilters', 'hint', 'multi', 'upsert', 'collation'],
      unsupported: ['upsertSupplied', 'sampleId', '$_allowShardKeyUpdatesWithoutFullShardKeyInQuery'],
    },
  },
  delete: {
    accepted: ['deletes', 'ordered', 'let', 'stmtIds'],
    unsupported: ['isTimeseriesNamespace', 'collectionUUID', 'encryptionInformation'],
    statements: { field: 'deletes', accepted: ['q', 'limit', 'hint', 'collation'], unsupported: ['sampleId'] },
  },
  findAndModify: {
    accepted: [
      'query',
      'fields',
      'sort',
      'hint',
      'collation',
      'arrayFilters',
      'remove',
      'update',
      'new',
      'upsert',
      'bypassDocumentValidation',
      'let',
    ],
    unsupported: ['encryptionInformation', 'sampleId', '$_allowShardKeyUpdatesWithoutFullShardKeyInQuery'],
  },
};
FIELDS.findandmodify = FIELDS.findAndModify;

const ACCEPTED = new Map(Object.entries(FIELDS).map(([name, f]) => [name, new Set([name, ...GENERIC_FIELDS, ...f.accepted])]));

/** Refusal of an option or operator the engine knows it does not implement. */
export function unsupportedOption(what: string): CommandError {
  return new CommandError(ErrorCode.BadValue, `${what} is not supported by the embedded engine`);
}

function check(fields: Document, accepted: ReadonlySet<string>, unsupported: readonly string[] | undefined, path: string): void {
  for (const key of Object.keys(fields)) {
    if (accepted.has(key)) continue;
    if (unsupported?.includes(key)) throw unsupportedOption(`'${path}.${key}'`);
    throw new CommandError(ErrorCode.UnknownField, `BSON field '${path}.${key}' is an unknown field.`);
  }
}

const STATEMENT_FIELDS = new Map(
  Object.entries(FIELDS)
    .filter(([, f]) => f.statements)
    .map(([name, f]) => [name, new Set(f.statements!.accepted)]),
);

/** Throws for a field of a CRUD command (or of one of its statements) that 7.0 or the engine refuses. */
export function assertKnownFields(name: string, cmd: Document): void {
  const fields = FIELDS[name];
  if (!fields) return;
  check(cmd, ACCEPTED.get(name)!, fields.unsupported, name);
  const statements = fields.statements;
  if (!statements || !Array.isArray(cmd[statements.field])) return;
  for (const statement of cmd[statements.field] as unknown[]) {
    if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) continue;
    check(statement, STATEMENT_FIELDS.get(name)!, statements.unsupported, `${name}.${statements.field}`);
  }
}

/**
 * Read concerns a standalone answers: `local`, `available`, `majority` (every write is journaled
 * before it is acknowledged, so all three see the same data). Snapshot and linearizable reads,
 * and reads at a cluster time, are refused.
 */
export function assertReadConcern(cmd: Document): void {
  const rc = cmd.readConcern;
  if (rc === undefined || rc === null) return;
  if (typeof rc !== 'object' || Array.isArray(rc)) {
    throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'readConcern' is the wrong type, expected type 'object'");
  }
  const level = (rc as Document).level;
  if (level !== undefined && !['local', 'available', 'majority'].includes(level as string)) {
    throw unsupportedOption(`readConcern level '${String(level)}'`);
  }
  for (const key of Object.keys(rc)) {
    if (key === 'atClusterTime') throw unsupportedOption("readConcern 'atClusterTime'");
  }
}

/**
 * A `hint` names an index that must exist, as MongoDB requires. Results never depend on which
 * index the engine uses, except for a sparse or partial index, which MongoDB would read alone
 * (skipping the documents it lacks): that hint is refused.
 */
export function assertHint(collection: CollectionStore | undefined, hint: unknown, where: string): void {
  if (hint === undefined || hint === null) return;
  if (typeof hint !== 'string' && !isDocumentValue(hint)) {
    throw new CommandError(ErrorCode.FailedToParse, `${where}: hint must be a string or an object`);
  }
  if (isDocumentValue(hint) && (Object.keys(hint).length === 0 || '$natural' in hint)) return;
  if (!collection) return;
  const index = collection.indexList().find((ix) => (typeof hint === 'string' ? ix.spec.name === hint : isEqual(ix.spec.key, hint)));
  if (!index) throw new CommandError(ErrorCode.BadValue, 'hint provided does not correspond to an existing index');
  if (index.spec.sparse === true || index.spec.partialFilterExpression) {
    throw unsupportedOption(`hint on the ${index.spec.sparse === true ? 'sparse' : 'partial'} index '${index.spec.name}'`);
  }
}

function sortOrder(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { valueOf(): unknown }).valueOf === 'function') {
    const n = Number((value as { valueOf(): unknown }).valueOf());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * A sort orders by 1 or -1 per key, as MongoDB requires (anything else is its error 15975, not a
 * guess); `{ $meta: ... }` (text or search score) is refused by name.
 */
export function assertSortSpec(sort: unknown): void {
  if (!isDocumentValue(sort)) return;
  for (const key of Object.keys(sort)) {
    const value = sort[key];
    if (isDocumentValue(value) && '$meta' in value) throw unsupportedOption(`sorting by { $meta: ${JSON.stringify(value.$meta)} }`);
    const order = sortOrder(value);
    if (order !== 1 && order !== -1) throw new CommandError(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
  }
}

/** Checks every `$sort` stage of a pipeline, nested ones (`$facet`, `$lookup`, `$unionWith`) included. */
export function assertPipelineSorts(pipeline: unknown): void {
  if (Array.isArray(pipeline)) {
    for (const item of pipeline) assertPipelineSorts(item);
    return;
  }
  if (!isDocumentValue(pipeline)) return;
  for (const key of Object.keys(pipeline)) {
    if (key === '$sort') assertSortSpec(pipeline[key]);
    else assertPipelineSorts(pipeline[key]);
  }
}
