import type { Document } from 'bson';
import type { HashIndex } from './hash-index';
import { canonicalKey, isDocumentValue } from './index-key';

/**
 * Picks the index that narrows a filter to the fewest candidate records. Only equality serves a
 * hash index: `field: value`, `{ $eq }`, `{ $in }`, joined by implicit or explicit `$and`, and an
 * `$or` whose every branch is itself indexable. The candidates are a superset of the matches; the
 * caller still tests each one with the full filter, so the plan never changes a result.
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

/** Equality constraints per field path implied by the filter. */
export function equalityConstraints(filter: Document): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (f: Document): void => {
    for (const field of Object.keys(f)) {
      const condition = f[field];
      if (field === '$and' && Array.isArray(condition)) {
        for (const sub of condition) if (isDocumentValue(sub)) visit(sub);
        continue;
      }
      if (field.startsWith('$')) continue;
      const keys = equalityKeys(condition);
      if (!keys) continue;
      const existing = out.get(field);
      out.set(field, existing ? intersect(existing, keys) : keys);
    }
  };
  visit(filter);
  return out;
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

export function planQuery(filter: Document | null | undefined, indexes: Iterable<HashIndex>): QueryPlan | null {
  if (!filter) return null;
  const eq = equalityConstraints(filter);
  const indexList = [...indexes].filter(
    (ix) => ix.maintained && (ix.partialFilter === null || impliesPartialFilter(ix.spec.partialFilterExpression ?? {}, eq)),
  );
  let best: { index: HashIndex; prefix: string[][]; score: number } | null = null;
  if (eq.size > 0) {
    for (const index of indexList) {
      const prefix: string[][] = [];
      let combinations = 1;
      for (const field of index.fields) {
        const keys = eq.get(field);
        if (!keys || combinations * Math.max(keys.length, 1) > MAX_KEY_COMBINATIONS) break;
        combinations *= Math.max(keys.length, 1);
        prefix.push(keys);
      }
      if (prefix.length === 0) continue;
      const complete = prefix.length === index.fields.length;
      const score = (complete && index.unique ? 1000 : 0) + (complete ? 100 : 0) + prefix.length * 10 - combinations / MAX_KEY_COMBINATIONS;
      if (!best || score > best.score) best = { index, prefix, score };
    }
  }
  if (best) return { indexName: best.index.name, rids: best.index.lookup(best.prefix) };

  const branches = filter.$or;
  if (Array.isArray(branches) && branches.length > 0) {
    const rids = new Set<number>();
    const names = new Set<string>();
    for (const branch of branches) {
      const plan = isDocumentValue(branch) ? planQuery(branch, indexList) : null;
      if (!plan) return null;
      for (const r of plan.rids) rids.add(r);
      names.add(plan.indexName);
    }
    return { indexName: [...names].join(','), rids };
  }
  return null;
}
