import { ObjectId } from 'bson';
import { evalExpr } from 'mingo/core';
import * as typeOperators from 'mingo/operators/expression/type';
import type { Options } from 'mingo/types';
import { CommandError } from '../errors';
import { isDocumentValue } from './index-key';

/**
 * Type expressions that know the bson value classes. mingo sees an ObjectId as an opaque object:
 * `$toString` of one fails and `$type` answers "objectid". MongoDB answers the hex string and
 * "objectId", and has `$toObjectId`, which mingo lacks. Everything else is mingo's.
 */
type ExpressionOperator = (obj: Record<string, unknown>, expr: unknown, options: Options) => unknown;

const BSON_TYPE_NAMES: Record<string, string> = {
  ObjectId: 'objectId',
  Decimal128: 'decimal',
  Long: 'long',
  Int32: 'int',
  Double: 'double',
  Binary: 'binData',
  UUID: 'binData',
  Timestamp: 'timestamp',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  BSONRegExp: 'regex',
  Code: 'javascript',
};

const bsonType = (v: unknown): string | undefined =>
  v !== null && typeof v === 'object' ? (v as { _bsontype?: string })._bsontype : undefined;

const mingoType = typeOperators as unknown as Record<string, ExpressionOperator>;

const $type: ExpressionOperator = (obj, expr, options) => {
  const v = evalExpr(obj, expr, options);
  const bson = bsonType(v);
  if (bson) return BSON_TYPE_NAMES[bson] ?? bson;
  if (v instanceof Date) return 'date';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isDocumentValue(v)) return 'object';
  return mingoType.$type(obj, { $literal: v }, options);
};

function toStringValue(v: unknown): string | undefined {
  const bson = bsonType(v);
  if (bson === 'ObjectId') return (v as ObjectId).toHexString();
  if (bson === 'Decimal128' || bson === 'Long' || bson === 'Int32' || bson === 'Double') return String(v);
  return undefined;
}

const $toString: ExpressionOperator = (obj, expr, options) => {
  const v = evalExpr(obj, expr, options);
  return toStringValue(v) ?? mingoType.$toString(obj, { $literal: v }, options);
};

function toObjectId(v: unknown): ObjectId | null {
  if (v === null || v === undefined) return null;
  if (bsonType(v) === 'ObjectId') return v as ObjectId;
  if (typeof v === 'string' && /^[0-9a-fA-F]{24}$/.test(v)) return new ObjectId(v);
  throw new CommandError(241, `Failed to parse objectId '${String(v)}' in $convert with no onError value: Invalid string length`);
}

const $toObjectId: ExpressionOperator = (obj, expr, options) => toObjectId(evalExpr(obj, expr, options));

const $convert: ExpressionOperator = (obj, expr, options) => {
  if (!isDocumentValue(expr)) return mingoType.$convert(obj, expr, options);
  const to = evalExpr(obj, expr.to, options);
  const input = evalExpr(obj, expr.input, options);
  if (to === 'objectId' || to === 7) {
    if (input === null || input === undefined) return expr.onNull !== undefined ? evalExpr(obj, expr.onNull, options) : null;
    try {
      return toObjectId(input);
    } catch (err) {
      if (expr.onError !== undefined) return evalExpr(obj, expr.onError, options);
      throw err;
    }
  }
  if ((to === 'string' || to === 2) && toStringValue(input) !== undefined) return toStringValue(input);
  return mingoType.$convert(obj, expr, options);
};

export const bsonTypeOperators: Record<string, ExpressionOperator> = { $type, $toString, $toObjectId, $convert };
