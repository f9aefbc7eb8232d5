import { Binary, type Document } from 'bson';
import { isDocumentValue } from '../query/index-key';

/**
 * Prepares a document for long-term storage in the engine's heap:
 * - arrays built by the bson deserializer keep spare capacity (about 120 bytes each); they are
 *   replaced by exact-size copies;
 * - deserialized Binary values are views of the message they arrived in; they get their own
 *   bytes, exactly as many, so a stored document never keeps a 48 MB insert batch (or an 8 KB
 *   buffer pool) alive;
 * - a sub-document whose field names are sparse integers (a duration sketch's buckets,
 *   `{ "812": 3 }`) is rebuilt in V8's dictionary mode for such keys (see `sparseKeysCopy`).
 * Strings are left alone: interning them saved little and cost more than the rest together.
 */
function compactValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = compactValue(v[i]);
    return out;
  }
  const bsonType = (v as { _bsontype?: string })._bsontype;
  if (bsonType === 'Binary') {
    // Same class (Binary or its UUID subclass), own bytes.
    const bin = v as Binary;
    const BinaryClass = bin.constructor as typeof Binary;
    // Not Buffer.from: under 4 KB it slices Node's shared 8 KB pool, and one stored sketch keeps its
    // whole pool alive (748 pools for 3,177 sketches, 5.8 MB, in the demo engine's heap).
    const own = Buffer.allocUnsafeSlow(bin.position);
    own.set(bin.buffer.subarray(0, bin.position));
    return new BinaryClass(own, bin.sub_type);
  }
  if (isDocumentValue(v)) return sparseKeysCopy(compactDocument(v)) ?? v;
  return v;
}

/** An index below this one keeps an object's integer-named fields in V8's "elements" array. */
const MAX_ARRAY_INDEX = 2 ** 32 - 2;
/** An index above V8's limit for fast elements: setting one turns an object's elements into a dictionary for good. */
const DICTIONARY_INDEX = 2 ** 30;
/** Below this many slots per integer-named field, the flat array V8 would keep costs no more than a dictionary. */
const SPARSE_SLOTS_PER_KEY = 8;

/** Whether V8 stores field `key` as an array element: a canonical integer below 2^32 − 1. */
function isIndexKey(key: string): boolean {
  const n = key.length;
  if (n === 0 || n > 10) return false;
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && n > 1)) return false;
  for (let i = 1; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return n < 10 || Number(key) <= MAX_ARRAY_INDEX;
}

/**
 * V8 keeps an object's integer-named fields ("812") in a flat array as long as the largest
 * index, set after the smaller ones, falls within 1,024 slots of its capacity: `{ "812": 3 }`
 * deserialized, or copied by a spread, holds an array of 812+ slots, 6.5 KB for one bucket. The
 * care rollups' duration sketches name their buckets so (400 to 1,200 for a minute to a day), and
 * were a quarter of the demo engine's heap. For a plain object whose integer-named fields are
 * that sparse this returns a copy with the same fields in the same order (integers ascending,
 * then the rest as inserted, as any copy enumerates them) whose integer fields live in a
 * dictionary, about 100 bytes a field; otherwise null.
 */
export function sparseKeysCopy(obj: Record<string, unknown>): Record<string, unknown> | null {
  if (Object.getPrototypeOf(obj) !== Object.prototype) return null;
  let count = 0;
  let last = -1;
  // Integer-named fields come first, in ascending order: the first other field ends them.
  for (const key in obj) {
    if (!isIndexKey(key)) break;
    count++;
    last = Number(key);
  }
  if (count === 0 || last < SPARSE_SLOTS_PER_KEY * count + 16) return null;
  const out: Record<string, unknown> = {};
  out[DICTIONARY_INDEX] = 0;
  delete out[DICTIONARY_INDEX];
  for (const key of Object.keys(obj)) out[key] = obj[key];
  return out;
}

/** Compacts `doc` in place (the caller owns it: it was just deserialized or copied) and returns it. */
export function compactDocument(doc: Document): Document {
  for (const key in doc) {
    const v = doc[key];
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      const compacted = compactValue(v);
      if (compacted !== v) doc[key] = compacted;
    }
  }
  return doc;
}

/**
 * After update operators wrote into `doc` (a copy whose containers along the update's paths are
 * its own, see copyUpdatedPaths): compacts the sub-documents on those paths and the values the
 * operators put at their ends, since a spread copy or an operator's new container gets the flat
 * array of sparse integer fields back (see `sparseKeysCopy`). Only those paths are visited.
 */
export function compactUpdatedPaths(doc: Document, update: Document): void {
  const along = (path: string): void => {
    const parts = path.split('.');
    let container: Record<string, unknown> = doc;
    for (let i = 0; i < parts.length; i++) {
      const value = container[parts[i]];
      if (value === null || typeof value !== 'object') return;
      if (i === parts.length - 1) {
        const compacted = compactValue(value);
        if (compacted !== value) container[parts[i]] = compacted;
        return;
      }
      if (!isDocumentValue(value)) return;
      const copy = sparseKeysCopy(value);
      if (copy) container[parts[i]] = copy;
      container = copy ?? value;
    }
  };
  for (const op of Object.keys(update)) {
    const fields: unknown = update[op];
    if (!isDocumentValue(fields)) continue;
    for (const path of Object.keys(fields)) {
      along(path);
      if (op === '$rename' && typeof fields[path] === 'string') along(fields[path]);
    }
  }
}
