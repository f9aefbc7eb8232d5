import type { Document } from 'bson';
import { CommandError, ErrorCode } from '../errors';
import { isDocumentValue } from './index-key';

/**
 * mingo skips an update operator that meets a value of the wrong type (`$inc` on a string,
 * `$push` on a number, `$set: { 's.x': 1 }` where `s` is a string, `$[]` on a missing field) and
 * reports "nothing modified"; MongoDB refuses the statement. These checks, made before the
 * operators run, give MongoDB's error codes instead of a silent no-op.
 */

const NUMERIC_BSON = new Set(['Int32', 'Double', 'Long', 'Decimal128']);

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  const type = (v as { _bsontype?: string } | null)?._bsontype;
  return typeof type === 'string' && NUMERIC_BSON.has(type);
}

/** MongoDB's name for a value's BSON type, as its error messages give it. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double';
  const bson = (v as { _bsontype?: string } | undefined)?._bsontype; // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion -- narrowed to {} by the typeof checks above, which loses _bsontype
  if (bson)
    return (
      {
        ObjectId: 'objectId',
        Int32: 'int',
        Double: 'double',
        Long: 'long',
        Decimal128: 'decimal',
        Binary: 'binData',
        Timestamp: 'timestamp',
      }[bson] ?? bson
    );
  return 'object';
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : (JSON.stringify(v) ?? String(v));
}

const CREATING = new Set(['$set', '$setOnInsert', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate']);

interface Resolved {
  /** The value at the path, undefined when the path ends early (missing field). */
  value: unknown;
  exists: boolean;
}

/**
 * Walks a path without positional parts. Throws PathNotViable where an operator that creates
 * fields would have to go through a scalar or name a field of an array.
 */
function resolvePath(doc: Document, path: string, creating: boolean): Resolved {
  const parts = path.split('.');
  let current: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(part)) {
        if (creating)
          throw new CommandError(ErrorCode.PathNotViable, `Cannot create field '${part}' in element {${parts[i - 1]}: ${show(current)}}`);
        return { value: undefined, exists: false };
      }
      if (Number(part) >= current.length) return { value: undefined, exists: false };
      current = current[Number(part)];
    } else if (isDocumentValue(current)) {
      if (!(part in current)) return { value: undefined, exists: false };
      current = current[part];
    } else {
      if (creating)
        throw new CommandError(ErrorCode.PathNotViable, `Cannot create field '${part}' in element {${parts[i - 1]}: ${show(current)}}`);
      return { value: undefined, exists: false };
    }
  }
  return { value: current, exists: true };
}

/** `$[]` and `$[id]` need an existing array at the path before them. */
function assertArrayUpdateTarget(doc: Document, path: string): void {
  const at = path.search(/(^|\.)\$\[/);
  if (at <= 0) return;
  const prefix = path.slice(0, at);
  if (/(^|\.)\$(\.|\[|$)/.test(prefix)) return;
  const { value, exists } = resolvePath(doc, prefix, false);
  if (!exists)
    throw new CommandError(ErrorCode.BadValue, `The path '${prefix}' must exist in the document in order to apply array updates.`);
  if (!Array.isArray(value)) {
    throw new CommandError(
      ErrorCode.BadValue,
      `Cannot apply array updates to non-array element ${prefix.split('.').pop()}: ${show(value)}`,
    );
  }
}

function idOf(doc: Document): string {
  return `{_id: ${show(doc._id)}}`;
}

/** The first array met before the last part of `path` (its prefix), if any. */
function arrayOnPath(doc: Document, path: string): string | null {
  const parts = path.split('.');
  let current: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isDocumentValue(current)) return null;
    current = current[parts[i]];
    if (Array.isArray(current)) return parts.slice(0, i + 1).join('.');
  }
  return null;
}

/** `$rename` moves fields between documents, never into or out of an array element. */
function assertRename(doc: Document, from: string, to: unknown): void {
  if (typeof to !== 'string')
    throw new CommandError(ErrorCode.BadValue, `The 'to' field for $rename must be a string: ${from}: ${show(to)}`);
  if (from === to) throw new CommandError(ErrorCode.BadValue, `The source and target field for $rename must differ: ${from}: ${show(to)}`);
  for (const [role, path] of [
    ['source', from],
    ['destination', to],
  ] as const) {
    const array = arrayOnPath(doc, path);
    if (array) {
      throw new CommandError(
        ErrorCode.BadValue,
        `The ${role} field cannot be an array element, '${path}' in doc with _id: ${show(doc._id)} has an array field called '${array}'`,
      );
    }
  }
}

/**
 * The update operators run on plain JavaScript objects (mingo's), where a part named `constructor`
 * reaches `Object` and its prototype: refused, so no statement can write into the engine's own
 * objects (a MongoDB server stores such a field; this engine does not).
 */
export const OBJECT_PROPERTY_PARTS = new Set(['constructor', '__proto__', 'prototype']);

function assertNoObjectProperty(path: string): void {
  for (const part of path.split('.'))
    if (OBJECT_PROPERTY_PARTS.has(part))
      throw new CommandError(ErrorCode.BadValue, `the embedded engine does not update a field named '${part}' (in '${path}')`);
}

/** Throws MongoDB's error for the first operator of `update` that cannot apply to `doc`. */
export function assertUpdateApplies(doc: Document, update: Document): void {
  for (const op of Object.keys(update)) {
    const fields = update[op];
    if (!isDocumentValue(fields)) continue;
    for (const path of Object.keys(fields)) {
      assertNoObjectProperty(path);
      if (op === '$rename' && typeof fields[path] === 'string') assertNoObjectProperty(fields[path]);
      if (path.includes('$[')) {
        assertArrayUpdateTarget(doc, path);
        continue;
      }
      if (/(^|\.)\$(\.|$)/.test(path)) continue;
      const arg = fields[path];
      if (op === '$rename') {
        assertRename(doc, path, arg);
        continue;
      }
      const { value, exists } = resolvePath(doc, path, CREATING.has(op));
      const field = path.split('.').pop();
      switch (op) {
        case '$inc':
        case '$mul': {
          const verb = op === '$inc' ? 'increment' : 'multiply';
          if (!isNumeric(arg))
            throw new CommandError(ErrorCode.TypeMismatch, `Cannot ${verb} with non-numeric argument: {${path}: ${show(arg)}}`);
          if (exists && !isNumeric(value)) {
            throw new CommandError(
              ErrorCode.TypeMismatch,
              `Cannot apply ${op} to a value of non-numeric type. ${idOf(doc)} has the field '${field}' of non-numeric type ${typeName(value)}`,
            );
          }
          break;
        }
        case '$push':
          if (exists && !Array.isArray(value)) {
            throw new CommandError(
              ErrorCode.BadValue,
              `The field '${path}' must be an array but is of type ${typeName(value)} in document ${idOf(doc)}`,
            );
          }
          break;
        case '$addToSet':
          if (exists && !Array.isArray(value)) {
            throw new CommandError(
              ErrorCode.BadValue,
              `Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ${typeName(value)}`,
            );
          }
          break;
        case '$pop':
          if (exists && !Array.isArray(value)) {
            throw new CommandError(ErrorCode.TypeMismatch, `Path '${path}' contains an element of non-array type '${typeName(value)}'`);
          }
          break;
        case '$pull':
        case '$pullAll':
          if (exists && !Array.isArray(value)) throw new CommandError(ErrorCode.BadValue, `Cannot apply ${op} to a non-array value`);
          break;
        default:
          break;
      }
    }
  }
}

/**
 * Every `$[id]` of an update needs a filter in `arrayFilters`, and every filter must name one
 * identifier that the update uses, as MongoDB checks when it parses the statement (mingo would
 * skip the path, or ignore the filter). A pipeline update takes no array filters.
 */
export function assertArrayFilters(update: Document | Document[], arrayFilters: unknown): void {
  if (arrayFilters === undefined) arrayFilters = [];
  if (!Array.isArray(arrayFilters))
    throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'arrayFilters' is the wrong type, expected type 'array'");
  if (Array.isArray(update)) {
    if (arrayFilters.length)
      throw new CommandError(ErrorCode.FailedToParse, 'arrayFilters may not be specified for pipeline-style updates');
    return;
  }
  const filters = new Map<string, Document>();
  for (const filter of arrayFilters as unknown[]) {
    if (!isDocumentValue(filter)) throw new CommandError(ErrorCode.TypeMismatch, 'Each array filter must be an object');
    const logical = Object.keys(filter).find((k) => k.startsWith('$'));
    if (logical) throw new CommandError(ErrorCode.BadValue, `an array filter with ${logical} is not supported by the embedded engine`);
    const ids = new Set(Object.keys(filter).map((k) => k.split('.')[0]));
    if (ids.size !== 1) throw new CommandError(ErrorCode.FailedToParse, 'Each array filter must use a single top-level field name');
    const [id] = ids;
    if (filters.has(id))
      throw new CommandError(ErrorCode.FailedToParse, `Found multiple array filters with the same top-level field name ${id}`);
    filters.set(id, filter);
  }
  const used = new Set<string>();
  for (const op of Object.keys(update)) {
    const fields = update[op];
    if (!isDocumentValue(fields)) continue;
    for (const path of Object.keys(fields)) {
      if (!path.includes('$[')) continue;
      for (const m of path.matchAll(/\$\[([^\]]+)\]/g)) {
        if (!filters.has(m[1]))
          throw new CommandError(ErrorCode.BadValue, `No array filter found for identifier '${m[1]}' in path '${path}'`);
        used.add(m[1]);
      }
    }
  }
  for (const id of filters.keys()) {
    if (!used.has(id))
      throw new CommandError(
        ErrorCode.FailedToParse,
        `The array filter for identifier '${id}' was not used in the update ${JSON.stringify(update)}`,
      );
  }
}
