import type { Document } from 'bson';
import type { KeyRange, OrderedIndex, SortDirection } from './ordered-index';
import { canonicalKey, DATE_PREFIX, isDocumentValue, NULL_KEY, NUMBER_PREFIX } from '../query/index-key';

/**
 * Picks the index that narrows a filter to the fewest candidate records: equality (`field:
 * value`, `{ $eq }`, `{ $in }`, joined by implicit or explicit `$and`) on a prefix of an index's
 * fields, then a range (`$gt`, `$gte`, `$lt`, `$lte` on a date or a number, or `$ne: null`) on
 * the next field;
 * and a top-level `$or` whose every branch, together with the rest of the filter, is indexable
 * (planned as a union). The candidates are a superset of the matches; the caller still tests each
 * one with the full filter, so the plan never changes a result.
 */
export interface QueryPlan {
  indexName: string;
  rids: Set<number>;
}

/** Caps the fan-out of `$in` lists across compound index fields. */
const MAX_KEY_COMBINATIONS = 10_000;

/** bson values whose canonical key is equal exactly when mingo finds them equal. */
const INDEXABLE_BSON_TYPES = new Set(['ObjectId', 'Binary', 'Long', 'Decimal128']);

function isIndexableScalar(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return !Number.isNaN(v);
    case 'object':
      return v instanceof Date || (v !== null && INDEXABLE_BSON_TYPES.has((v as { _bsontype?: string })._bsontype ?? ''));
    default:
      return false;
  }
}

function intersect(a: string[], b: string[]): string[] {
  const set = new Set(b);
  return a.filter((k) => set.has(k));
}

/** Canonical keys a field must equal one of, or null when the condition is not plain equality. */
function equalityKeys(condition: unknown): string[] | null {
  if (isIndexableScalar(condition)) return [canonicalKey(condition)];
  if (!isDocumentValue(condition)) return null;
  const ops = Object.keys(condition);
  if (ops.length === 0 || !ops.every((op) => op.startsWith('$'))) return null;
  let keys: string[] | null = null;
  for (const op of ops) {
    let current: string[] | null = null;
    const arg = condition[op];
    if (op === '$eq' && isIndexableScalar(arg)) current = [canonicalKey(arg)];
    else if (op === '$in' && Array.isArray(arg) && arg.every(isIndexableScalar)) current = arg.map(canonicalKey);
    if (current) keys = keys ? intersect(keys, current) : current;
  }
  return keys;
}

/**
 * Per field path, the constraint `read` finds in each of its conditions (top level and inside
 * `$and`), combined with `merge` when a field is constrained more than once.
 */
function fieldConstraints<T>(filter: Document, read: (condition: unknown) => T | null, merge: (a: T, b: T) => T): Map<string, T> {
  const out = new Map<string, T>();
  const visit = (f: Document): void => {
    for (const field of Object.keys(f)) {
      const condition = f[field];
      if (field === '$and' && Array.isArray(condition)) {
        for (const sub of condition) if (isDocumentValue(sub)) visit(sub);
        continue;
      }
      if (field.startsWith('$')) continue;
      const found = read(condition);
      if (found === null) continue;
      const existing = out.get(field);
      out.set(field, existing === undefined ? found : merge(existing, found));
    }
  };
  visit(filter);
  return out;
}

/** Equality constraints per field path implied by the filter. */
export function equalityConstraints(filter: Document): Map<string, string[]> {
  return fieldConstraints(filter, equalityKeys, intersect);
}

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

/** Every key but the null key: `{ $ne: null }` (null and missing share that key). */
const NOT_NULL: KeyRange = { low: '', high: '\uffff', excluding: NULL_KEY };

/**
 * The key range a field's range operators allow, or null. Dates and numbers: their canonical keys
 * sort by value within their type prefix, and mingo (like MongoDB) compares only values of the
 * bound's type, so keys of other types can never match. Bounds are inclusive: a superset. And
 * `$ne: null` alone: every key but the null key, as MongoDB plans it (a document matches only if
 * some value at the path is neither null nor missing, so one of its keys is not the null key).
 */
function rangeOf(condition: unknown): KeyRange | null {
  if (!isDocumentValue(condition)) return null;
  let prefix: string | null = null;
  let low = null as string | null;
  let high = null as string | null;
  let notNull = false;
  for (const op of Object.keys(condition)) {
    if (op === '$ne' && condition[op] === null) notNull = true;
    if (!RANGE_OPERATORS.has(op)) continue;
    const arg = condition[op];
    const kind =
      arg instanceof Date && !Number.isNaN(arg.getTime())
        ? DATE_PREFIX
        : typeof arg === 'number' && !Number.isNaN(arg)
          ? NUMBER_PREFIX
          : null;
    if (kind === null || (prefix !== null && prefix !== kind)) return null;
    prefix = kind;
    const key = canonicalKey(arg);
    if (op === '$gt' || op === '$gte') low = low === null || key > low ? key : low;
    else high = high === null || key < high ? key : high;
  }
  if (prefix === null) return notNull ? NOT_NULL : null;
  // A bare type prefix sorts before every key of its type; prefix + U+FFFF after every one.
  return { low: low ?? prefix, high: high ?? prefix + '\uffff' };
}

function intersectRanges(a: KeyRange, b: KeyRange): KeyRange {
  const merged: KeyRange = { low: a.low > b.low ? a.low : b.low, high: a.high < b.high ? a.high : b.high };
  const excluding = a.excluding ?? b.excluding;
  if (excluding !== undefined && excluding >= merged.low && excluding <= merged.high) merged.excluding = excluding;
  return merged;
}

/** The span of two ranges: every key either allows (and more between them). */
function spanRanges(a: KeyRange, b: KeyRange): KeyRange {
  const span: KeyRange = { low: a.low < b.low ? a.low : b.low, high: a.high > b.high ? a.high : b.high };
  if (a.excluding !== undefined && a.excluding === b.excluding) span.excluding = a.excluding;
  return span;
}

/** A canonical key whose string order is its value order (a number or a date, see `sortableNumber`). */
const ORDERED_KEY = /^[nd][0-9a-f]{16}$/;

/**
 * Range constraints per field path implied by the filter (intersected across `$and`). An `$or`
 * whose every branch bounds a field (a range, or equality to numbers or dates) bounds it by the
 * span of the branches: `{ $or: [{ at: { $lt: t } }, { at: t, _id: { $lt: id } }] }`, the next
 * page after (t, id) newest first, reads from t down.
 */
export function rangeConstraints(filter: Document): Map<string, KeyRange> {
  const out = fieldConstraints(filter, rangeOf, intersectRanges);
  const visit = (f: Document): void => {
    const and: unknown = f.$and;
    if (Array.isArray(and)) for (const sub of and) if (isDocumentValue(sub)) visit(sub);
    const or: unknown = f.$or;
    if (!Array.isArray(or) || or.length === 0) return;
    let spans: Map<string, KeyRange> | null = null;
    for (const branch of or) {
      if (!isDocumentValue(branch)) return;
      const ranges = branchRanges(branch);
      if (spans)
        for (const [field, range] of spans) {
          const other = ranges.get(field);
          if (other) spans.set(field, spanRanges(range, other));
          else spans.delete(field);
        }
      else spans = ranges;
    }
    for (const [field, range] of spans ?? []) {
      const existing = out.get(field);
      out.set(field, existing ? intersectRanges(existing, range) : range);
    }
  };
  visit(filter);
  return out;
}

/** A branch's ranges, with equality to numbers or dates as a range of those keys. */
function branchRanges(branch: Document): Map<string, KeyRange> {
  const ranges = rangeConstraints(branch);
  for (const [field, keys] of equalityConstraints(branch)) {
    if (keys.length === 0 || !keys.every((k) => ORDERED_KEY.test(k))) continue;
    const sorted = [...keys].sort();
    const point: KeyRange = { low: sorted[0], high: sorted[sorted.length - 1] };
    const existing = ranges.get(field);
    ranges.set(field, existing ? intersectRanges(existing, point) : point);
  }
  return ranges;
}

/**
 * On a field that holds arrays, each bound of a range may be met by a different element
 * (`{ $gte: 2, $lt: 6 }` matches `[0, 7]`), as MongoDB answers: only the bounds' types are sure,
 * so the range widens to every key of those types (`$ne: null` stays: some element is not null).
 */
function typeRange(range: KeyRange): KeyRange {
  if (range.low === '') return range;
  const [a, b] = [range.low[0], range.high[0]].sort();
  return { low: a, high: b + '\uffff' };
}

/**
 * A partial index holds only the documents matching its filter, so it may serve a query only when
 * the query implies that filter. Recognised: `field: value` / `{ $eq }` matched by the same
 * equality in the query, and `{ $exists: true }` on a field the query sets equal to a value.
 */
function impliesPartialFilter(partial: Document, eq: Map<string, string[]>): boolean {
  return Object.keys(partial).every((field) => {
    const condition = partial[field];
    const keys = eq.get(field);
    if (!keys || keys.length === 0) return false;
    if (isDocumentValue(condition) && Object.keys(condition).length === 1) {
      if (condition.$exists === true) return true;
      if ('$eq' in condition) return isIndexableScalar(condition.$eq) && keys.every((k) => k === canonicalKey(condition.$eq));
      return false;
    }
    return isIndexableScalar(condition) && keys.every((k) => k === canonicalKey(condition));
  });
}

interface ScoredPlan {
  score: number;
  indexName: string;
  run(): Set<number>;
}

/** The best single-index plan for `filter`, scored by how much of the index's key it pins down. */
function bestIndexPlan(filter: Document, indexes: OrderedIndex[]): ScoredPlan | null {
  const eq = equalityConstraints(filter);
  const ranges = rangeConstraints(filter);
  if (eq.size === 0 && ranges.size === 0) return null;
  let best: ScoredPlan | null = null;
  for (const index of indexes) {
    if (index.partialFilter !== null && !impliesPartialFilter(index.spec.partialFilterExpression ?? {}, eq)) continue;
    const prefix: string[][] = [];
    let combinations = 1;
    for (const field of index.fields) {
      const keys = eq.get(field);
      if (!keys || combinations * Math.max(keys.length, 1) > MAX_KEY_COMBINATIONS) break;
      combinations *= Math.max(keys.length, 1);
      prefix.push(keys);
    }
    let range = prefix.length < index.fields.length ? (ranges.get(index.fields[prefix.length]) ?? null) : null;
    if (range && index.isMultikey(prefix.length)) range = typeRange(range);
    if (prefix.length === 0 && !range) continue;
    const complete = prefix.length === index.fields.length;
    const score =
      (complete && index.unique ? 1000 : 0) +
      (complete ? 100 : 0) +
      prefix.length * 10 +
      (range ? 5 : 0) -
      combinations / MAX_KEY_COMBINATIONS;
    if (!best || score > best.score) best = { score, indexName: index.name, run: () => index.rangeLookup(prefix, range) };
  }
  return best;
}

/**
 * A top-level `$or` as a union of one plan per branch, each branch planned together with the rest
 * of the filter (`{ workspaceId, $or: [{ openedAt: range }, { resolvedAt: range }] }` is two range
 * scans within the workspace); null when a branch has no plan. Scored by its weakest branch.
 */
function orUnionPlan(filter: Document, indexes: OrderedIndex[]): ScoredPlan | null {
  const branches = filter.$or;
  if (!Array.isArray(branches) || branches.length === 0) return null;
  const rest: Document = {};
  for (const k of Object.keys(filter)) if (k !== '$or') rest[k] = filter[k];
  const plans: ScoredPlan[] = [];
  for (const branch of branches) {
    if (!isDocumentValue(branch)) return null;
    const plan = bestPlan(Object.keys(rest).length ? { $and: [rest, branch] } : branch, indexes);
    if (!plan) return null;
    plans.push(plan);
  }
  return {
    score: Math.min(...plans.map((p) => p.score)),
    indexName: [...new Set(plans.map((p) => p.indexName))].join(','),
    run: () => {
      const rids = new Set<number>();
      for (const p of plans) for (const r of p.run()) rids.add(r);
      return rids;
    },
  };
}

/**
 * The single-index plan, or the `$or` union when it scores at least as well. On a tie the union:
 * each branch is planned with the rest of the filter, so it pins as much of an index as the single
 * plan does, and where the single plan's range is the span of the branches' ranges
 * (`rangeConstraints`), the union reads only the branches' own ranges, not the gaps between them
 * (`{ workspaceId, $or: [{ slot: first hours }, { slot: last hours }] }` over 90 days reads those
 * hours, not the 90 days).
 */
function bestPlan(filter: Document, indexes: OrderedIndex[]): ScoredPlan | null {
  const single = bestIndexPlan(filter, indexes);
  const union = orUnionPlan(filter, indexes);
  if (single && union) return union.score >= single.score ? union : single;
  return single ?? union;
}

export function planQuery(filter: Document | null | undefined, indexes: Iterable<OrderedIndex>): QueryPlan | null {
  if (!filter) return null;
  const plan = bestPlan(
    filter,
    [...indexes].filter((ix) => ix.maintained),
  );
  return plan ? { indexName: plan.indexName, rids: plan.run() } : null;
}

/**
 * An index walk that provides a sort: one equality key per leading field of the index (`prefix`),
 * then the sort's first `covered` fields, in order, as the index's next fields, walked each in
 * its direction (the trie's levels are walked either way, whatever the index's declared
 * directions). `range` narrows the first walked field. Sort fields past `covered` are sorted
 * within each group of records that tie on the walked ones.
 */
export interface SortPlan {
  index: OrderedIndex;
  prefix: string[];
  range: KeyRange | null;
  directions: SortDirection[];
  covered: number;
}

/**
 * The index walk for `sort` on `filter`, or null to leave the sort to mingo: no index has the
 * sort's first field right after single-valued equalities on its leading fields, that field
 * (or one after it the walk would take) once held an array, the sort has `$natural`, or a
 * lookup by another index is likely cheaper. With `limited` (a limit, so the walk may stop early),
 * a walk within an equality prefix or a range is preferred to another index's candidates that
 * would all have to be sorted, unless that index pins every one of its fields.
 */
export function planSort(
  filter: Document | null | undefined,
  sort: Document,
  indexes: Iterable<OrderedIndex>,
  limited: boolean,
): SortPlan | null {
  const sortFields = Object.keys(sort);
  if (sortFields.length === 0) return null;
  const directions: SortDirection[] = [];
  for (const field of sortFields) {
    const dir: unknown = sort[field];
    if (field.startsWith('$') || (dir !== 1 && dir !== -1)) return null;
    directions.push(dir);
  }
  const maintained = [...indexes].filter((ix) => ix.maintained);
  const eq = filter ? equalityConstraints(filter) : new Map<string, string[]>();
  const ranges = filter ? rangeConstraints(filter) : new Map<string, KeyRange>();
  let best: { plan: SortPlan; score: number } | null = null;
  for (const index of maintained) {
    if (index.partialFilter !== null && !impliesPartialFilter(index.spec.partialFilterExpression ?? {}, eq)) continue;
    const prefix: string[] = [];
    for (const field of index.fields) {
      const keys = eq.get(field);
      if (!keys || keys.length !== 1) break;
      prefix.push(keys[0]);
    }
    const p = prefix.length;
    let covered = 0;
    while (p + covered < index.fields.length && covered < sortFields.length && index.fields[p + covered] === sortFields[covered]) {
      if (index.isMultikey(p + covered)) break;
      covered++;
    }
    if (covered === 0) continue;
    const range = ranges.get(index.fields[p]) ?? null;
    // A sparse index lacks documents missing all its fields: only an equality or a range proves a match has one.
    if (index.sparse && p === 0 && !range) continue;
    const score = p * 10 + (range ? 5 : 0) + covered / 100;
    if (!best || score > best.score) {
      best = { plan: { index, prefix, range, directions: directions.slice(0, covered), covered }, score };
    }
  }
  if (!best) return null;
  const lookup = filter ? bestPlan(filter, maintained) : null;
  if (!lookup || best.score >= lookup.score) return best.plan;
  if (lookup.score >= 100) return null;
  return limited && best.score >= 5 ? best.plan : null;
}

/** Values whose canonical key is equal exactly when MongoDB's (and mingo's) equality holds. */
function isExactScalar(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return !Number.isNaN(v);
    case 'object':
      return (v instanceof Date && !Number.isNaN(v.getTime())) || (v as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
    default:
      return false;
  }
}

/** The value(s) a top-level condition must equal, or null when it is anything else. */
function exactValues(condition: unknown): unknown[] | null {
  if (isExactScalar(condition)) return [condition];
  if (!isDocumentValue(condition)) return null;
  const ops = Object.keys(condition);
  if (ops.length !== 1) return null;
  const arg = condition[ops[0]];
  if (ops[0] === '$eq' && isExactScalar(arg)) return [arg];
  if (ops[0] === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every(isExactScalar)) return arg;
  return null;
}

/**
 * Record ids that are exactly the matches of `filter`, from an index, or null: the filter is only
 * equalities (`field: value`, `$eq`, `$in`) on plain top-level fields to strings, numbers,
 * booleans, dates or ObjectIds, and an index that is neither partial nor sparse starts with
 * exactly those fields. An index holds a document under every element of an array, as equality
 * matches an element, so no document needs testing (a count reads the index alone).
 */
export function exactMatches(filter: Document, indexes: Iterable<OrderedIndex>): Set<number> | null {
  const fields = Object.keys(filter);
  if (fields.length === 0) return null;
  const keys = new Map<string, string[]>();
  for (const field of fields) {
    if (field.startsWith('$') || field.includes('.')) return null;
    const values = exactValues(filter[field]);
    if (!values) return null;
    keys.set(field, [...new Set(values.map(canonicalKey))]);
  }
  let combinations = 1;
  for (const k of keys.values()) combinations *= k.length;
  if (combinations > MAX_KEY_COMBINATIONS) return null;
  for (const index of indexes) {
    if (!index.maintained || index.partialFilter !== null || index.sparse || index.fields.length < fields.length) continue;
    const prefix = index.fields.slice(0, fields.length);
    if (prefix.every((f) => keys.has(f))) return index.lookup(prefix.map((f) => keys.get(f)!));
  }
  return null;
}
