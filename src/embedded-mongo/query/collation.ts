import type { Document } from 'bson';
import { evalExpr } from 'mingo/core';
import type { CollationSpec, Options } from 'mingo/types';
import { compare, ensureArray, flatten, isArray, isEqual, isNil, isRegExp, isString, resolve, typeOf } from 'mingo/util';
import { CommandError, ErrorCode } from '../errors';
import { isDocumentValue } from './index-key';

/**
 * Collations: MongoDB compares strings by ICU collation when a command names a locale; Node's
 * Intl.Collator is ICU too. mingo honours a collation only in `$sort`, so the comparisons that
 * decide which documents match (query `$eq`/`$ne`/`$in`/`$nin`/ranges, the same in `$expr`) are
 * replaced here by collation-aware ones, and every operator or stage whose result would depend on
 * a collation the engine does not apply is refused by name (see assertCollationApplies).
 */

/** The fields a collation document may hold (MongoDB's `Collation` IDL). */
const COLLATION_FIELDS = new Set([
  'locale',
  'caseLevel',
  'caseFirst',
  'strength',
  'numericOrdering',
  'alternate',
  'maxVariable',
  'normalization',
  'backwards',
  'version',
]);

function unsupported(what: string): CommandError {
  return new CommandError(ErrorCode.BadValue, `${what} is not supported by the embedded engine`);
}

/**
 * Validates a command's `collation`. Undefined for none or `locale: 'simple'` (binary comparison,
 * the engine's default); otherwise the spec mingo and the operators below read from the options.
 */
export function parseCollation(value: unknown): CollationSpec | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isDocumentValue(value)) {
    throw new CommandError(
      ErrorCode.TypeMismatch,
      `BSON field 'collation' is the wrong type '${isArray(value) ? 'array' : typeof value}', expected type 'object'`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!COLLATION_FIELDS.has(key)) throw new CommandError(ErrorCode.UnknownField, `BSON field 'collation.${key}' is an unknown field.`);
  }
  const { locale } = value;
  if (locale === undefined) throw new CommandError(ErrorCode.MissingField, "BSON field 'collation.locale' is missing but a required field");
  if (typeof locale !== 'string')
    throw new CommandError(ErrorCode.TypeMismatch, "BSON field 'collation.locale' is the wrong type, expected type 'string'");
  if (locale === 'simple') return undefined;
  const bcp47 = locale.replace(/_/g, '-').replace(/@.*$/, '');
  let supported: string[];
  try {
    supported = Intl.Collator.supportedLocalesOf(bcp47);
  } catch {
    supported = [];
  }
  if (supported.length === 0 || locale.includes('@'))
    throw new CommandError(ErrorCode.BadValue, `Field 'locale' is invalid with value: ${locale}`);

  const strength = value.strength === undefined ? 3 : Number(value.strength);
  if (![1, 2, 3, 4, 5].includes(strength))
    throw new CommandError(ErrorCode.BadValue, `Field 'strength' must be an integer 1 through 5. Got: ${String(value.strength)}`);
  if (strength > 3) throw unsupported(`collation strength ${strength}`);
  const caseFirst = value.caseFirst ?? 'off';
  if (!['upper', 'lower', 'off'].includes(String(caseFirst)))
    throw new CommandError(ErrorCode.FailedToParse, `Field 'caseFirst' must be 'upper', 'lower' or 'off'. Got: ${String(caseFirst)}`);
  if ((value.alternate ?? 'non-ignorable') !== 'non-ignorable') throw unsupported(`collation alternate '${String(value.alternate)}'`);
  if (value.backwards === true) throw unsupported('collation backwards: true');
  if (value.normalization === true) throw unsupported('collation normalization: true');
  for (const flag of ['caseLevel', 'numericOrdering', 'backwards', 'normalization'] as const) {
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean') {
      throw new CommandError(ErrorCode.TypeMismatch, `BSON field 'collation.${flag}' is the wrong type, expected type 'bool'`);
    }
  }
  return {
    locale: bcp47,
    strength: strength as 1 | 2 | 3,
    caseLevel: value.caseLevel === true,
    caseFirst: caseFirst as 'upper' | 'lower' | 'off',
    numericOrdering: value.numericOrdering === true,
  };
}

const SENSITIVITY = { 1: 'base', 2: 'accent', 3: 'variant' } as const;
const collators = new Map<string, Intl.Collator>();

function collatorFor(spec: CollationSpec): Intl.Collator {
  const key = `${spec.locale}|${spec.strength}|${spec.caseLevel}|${spec.caseFirst}|${spec.numericOrdering}`;
  let collator = collators.get(key);
  if (!collator) {
    let sensitivity: Intl.CollatorOptions['sensitivity'] = SENSITIVITY[spec.strength ?? 3];
    if (spec.caseLevel && sensitivity === 'base') sensitivity = 'case';
    if (spec.caseLevel && sensitivity === 'accent') sensitivity = 'variant';
    collator = new Intl.Collator(spec.locale, {
      usage: 'sort',
      sensitivity,
      caseFirst: spec.caseFirst === 'off' || !spec.caseFirst ? 'false' : spec.caseFirst,
      numeric: spec.numericOrdering === true,
      ignorePunctuation: false,
    });
    collators.set(key, collator);
  }
  return collator;
}

type Compare = (a: unknown, b: unknown) => number;

/** BSON order with strings (also inside arrays and documents) compared by the collator. */
export function collatedComparator(spec: CollationSpec): Compare {
  const collator = collatorFor(spec);
  const cmp: Compare = (a, b) => {
    if (isString(a) && isString(b)) return collator.compare(a, b);
    if (isArray(a) && isArray(b)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = cmp(a[i], b[i]);
        if (c !== 0) return c;
      }
      return a.length - b.length;
    }
    if (isDocumentValue(a) && isDocumentValue(b)) {
      const ka = Object.keys(a);
      const kb = Object.keys(b);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const byValue = cmp(a[ka[i]], b[kb[i]]);
        if (byValue !== 0) return byValue;
        if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
      }
      return ka.length - kb.length;
    }
    return isEqual(a, b) ? 0 : compare(a, b);
  };
  return cmp;
}

function specOf(options: Options): CollationSpec | undefined {
  const spec = options.collation;
  return spec && isString(spec.locale) ? spec : undefined;
}

type QueryOperator = (selector: string, value: unknown, options: Options) => (doc: Document) => boolean;
type ExpressionOperator = (obj: Document, expr: unknown, options: Options) => unknown;

/**
 * A query operator that compares with the collation when the options carry one, and is mingo's
 * own otherwise (decided once, when the filter is compiled). Paths resolve as mingo's do.
 */
function collatedQuery(
  original: QueryOperator,
  predicate: (lhs: unknown, rhs: unknown, cmp: Compare, depth: number) => boolean,
): QueryOperator {
  return (selector, value, options) => {
    const spec = specOf(options);
    if (!spec) return original(selector, value, options);
    const cmp = collatedComparator(spec);
    const depth = selector.split('.').length - 1;
    return (doc) => predicate(resolve(doc, selector, { unwrapArray: true }), value, cmp, depth);
  };
}

function eqPredicate(a: unknown, b: unknown, cmp: Compare, depth: number): boolean {
  if (isNil(a) && isNil(b)) return true;
  if (!isNil(a) && !isNil(b) && typeOf(a) === typeOf(b) && cmp(a, b) === 0) return true;
  if (isArray(a)) {
    const same = (v: unknown): boolean => !isNil(v) && typeOf(v) === typeOf(b) && cmp(v, b) === 0;
    return a.some(same) || flatten(a, depth || 1).some(same);
  }
  return false;
}

function inPredicate(a: unknown, b: unknown, cmp: Compare): boolean {
  const list = b as unknown[];
  if (isNil(a)) return list.some((v) => v === null);
  const values = ensureArray(a);
  return values.some((v) => list.some((x) => (isRegExp(x) ? isString(v) && x.test(v) : typeOf(v) === typeOf(x) && cmp(v, x) === 0)));
}

function rangePredicate(test: (c: number) => boolean) {
  return (a: unknown, b: unknown, cmp: Compare): boolean => ensureArray(a).some((v) => typeOf(v) === typeOf(b) && test(cmp(v, b)));
}

/** Query operators that honour `options.collation`; mingo's for everything else. */
export function collatedQueryOperators(original: Record<string, QueryOperator>): Record<string, QueryOperator> {
  const eq = collatedQuery(original.$eq, eqPredicate);
  const inOp = collatedQuery(original.$in, (a, b, cmp) => inPredicate(a, b, cmp));
  return {
    $eq: eq,
    $ne: collatedQuery(original.$ne, (a, b, cmp, depth) => !eqPredicate(a, b, cmp, depth)),
    $in: inOp,
    $nin: collatedQuery(original.$nin, (a, b, cmp) => !inPredicate(a, b, cmp)),
    $gt: collatedQuery(
      original.$gt,
      rangePredicate((c) => c > 0),
    ),
    $gte: collatedQuery(
      original.$gte,
      rangePredicate((c) => c >= 0),
    ),
    $lt: collatedQuery(
      original.$lt,
      rangePredicate((c) => c < 0),
    ),
    $lte: collatedQuery(
      original.$lte,
      rangePredicate((c) => c <= 0),
    ),
  };
}

function collatedExpression(original: ExpressionOperator, apply: (args: unknown[], cmp: Compare) => unknown): ExpressionOperator {
  return (obj, expr, options) => {
    const spec = specOf(options);
    if (!spec) return original(obj, expr, options);
    if (!isArray(expr) || expr.length !== 2) throw new CommandError(ErrorCode.BadValue, 'Expression takes exactly 2 arguments');
    return apply(evalExpr(obj, expr, options) as unknown[], collatedComparator(spec));
  };
}

/** Aggregation comparison expressions (`$expr` included) that honour `options.collation`. */
export function collatedExpressionOperators(original: Record<string, ExpressionOperator>): Record<string, ExpressionOperator> {
  const by = (test: (c: number) => boolean) => (args: unknown[], cmp: Compare) => test(cmp(args[0] ?? null, args[1] ?? null));
  return {
    $eq: collatedExpression(
      original.$eq,
      by((c) => c === 0),
    ),
    $ne: collatedExpression(
      original.$ne,
      by((c) => c !== 0),
    ),
    $gt: collatedExpression(
      original.$gt,
      by((c) => c > 0),
    ),
    $gte: collatedExpression(
      original.$gte,
      by((c) => c >= 0),
    ),
    $lt: collatedExpression(
      original.$lt,
      by((c) => c < 0),
    ),
    $lte: collatedExpression(
      original.$lte,
      by((c) => c <= 0),
    ),
    $cmp: collatedExpression(original.$cmp, (args, cmp) => Math.sign(cmp(args[0] ?? null, args[1] ?? null))),
    $in: collatedExpression(original.$in, (args, cmp) => {
      if (!isArray(args[1])) throw new CommandError(40081, '$in requires an array as a second argument');
      return args[1].some((v) => cmp(args[0] ?? null, v ?? null) === 0);
    }),
  };
}

/**
 * Operators and stages whose result depends on the collation but which the engine evaluates
 * with binary comparison: with a non-simple collation they are refused, never answered wrongly.
 */
const COLLATION_BLIND = new Set([
  // query
  '$all',
  // aggregation expressions and accumulators
  '$setUnion',
  '$setIntersection',
  '$setDifference',
  '$setEquals',
  '$setIsSubset',
  '$indexOfArray',
  '$max',
  '$min',
  '$sortArray',
  '$addToSet',
  // stages
  '$group',
  '$bucket',
  '$bucketAuto',
  '$sortByCount',
  '$setWindowFields',
  '$lookup',
  '$graphLookup',
  '$unionWith',
  '$densify',
  '$fill',
  '$merge',
  // update operators
  '$pull',
  '$pullAll',
]);

/**
 * A `$group` on a constant key (`_id: null`, `_id: 1`, what countDocuments sends) puts every
 * document in one group whatever the collation; its accumulators are checked on their own.
 */
function groupsByConstant(spec: unknown): boolean {
  if (!isDocumentValue(spec)) return false;
  const id = spec._id;
  return id === null || typeof id === 'number' || typeof id === 'boolean';
}

/** Refuses, naming it, the first collation-dependent operator in `value` the engine cannot collate. */
export function assertCollationApplies(value: unknown, where: string): void {
  const visit = (v: unknown): void => {
    if (isArray(v)) {
      for (const item of v) visit(item);
      return;
    }
    if (!isDocumentValue(v)) return;
    for (const key of Object.keys(v)) {
      if (key === '$group' && groupsByConstant(v[key])) {
        visit(v[key]);
        continue;
      }
      if (COLLATION_BLIND.has(key)) throw unsupported(`${key} with a non-simple collation (in ${where})`);
      visit(v[key]);
    }
  };
  visit(value);
}
