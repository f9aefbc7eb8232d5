import { ObjectId, serialize, Timestamp, type Document } from 'bson';
import type { CollationSpec } from 'mingo/types';
import { cloneDeep, isEqual, setValue } from 'mingo/util';
import { CommandError, ErrorCode } from '../errors';
import { isDocumentValue } from './index-key';
import { applyUpdateToCopy, isPlainDocument, NUMBER_UPDATES, runUpdatePipeline } from './query-language';
import { assertUpdateApplies, OBJECT_PROPERTY_PARTS } from './update-validation';

/**
 * Turns an update statement (operators, a replacement document or a pipeline) into the next
 * version of a document. Operators and pipelines are mingo's; what is MongoDB's rather than a
 * query language's lives here: `$setOnInsert`, upsert seeds built from the filter, `_id` staying put.
 */
export type UpdateSpec = Document | Document[];

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

export function updateKind(update: UpdateSpec): UpdateKind {
  if (Array.isArray(update)) return 'pipeline';
  if (!isDocumentValue(update)) throw new CommandError(ErrorCode.FailedToParse, 'Update argument must be either an object or an array');
  const keys = Object.keys(update);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length === 0) return 'replacement';
  if (operators.length !== keys.length) {
    const plain = keys.find((k) => !k.startsWith('$'));
    throw new CommandError(
      ErrorCode.FailedToParse,
      `Unknown modifier: ${plain}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  return 'operators';
}

export interface UpdateOptions {
  arrayFilters?: Document[];
  /** The statement's filter, needed to resolve the positional `$` operator. */
  filter?: Document;
  variables?: Document;
  collation?: CollationSpec;
}

function usesPositional(update: Document): boolean {
  for (const op of Object.keys(update)) {
    const fields = update[op];
    if (isDocumentValue(fields)) for (const path of Object.keys(fields)) if (/(^|\.)\$(\.|$)/.test(path)) return true;
  }
  return false;
}

/**
 * mingo refuses any operator on `_id`; MongoDB accepts setting it to the value it already has,
 * and setting it on the document an upsert inserts. Such assignments are taken out here.
 */
function withoutIdAssignment(update: Document, id: unknown): Document {
  let out = update;
  for (const op of ['$set', '$setOnInsert']) {
    const fields = update[op];
    if (!isDocumentValue(fields) || !('_id' in fields)) continue;
    if (id !== undefined && !isEqual(fields._id, id)) throw immutableId();
    const { _id: _same, ...rest } = fields;
    out = { ...out, [op]: rest };
  }
  return out;
}

let lastTimestamp = { t: 0, i: 0 };

/** A BSON Timestamp as mongod makes one: seconds, then an increment unique within the second. */
function nextTimestamp(): Timestamp {
  const t = Math.floor(Date.now() / 1000);
  lastTimestamp = t === lastTimestamp.t ? { t, i: lastTimestamp.i + 1 } : { t, i: 1 };
  return new Timestamp(lastTimestamp);
}

/**
 * mingo's `$currentDate` with `{ $type: 'timestamp' }` stores milliseconds as a number; MongoDB
 * stores a BSON Timestamp. Those fields become a `$set` of a Timestamp.
 */
function withTimestamps(update: Document): Document {
  const fields = update.$currentDate;
  if (!isDocumentValue(fields)) return update;
  const stamps = Object.keys(fields).filter((path) => isDocumentValue(fields[path]) && fields[path].$type === 'timestamp');
  if (stamps.length === 0) return update;
  const now = nextTimestamp();
  const dates: Document = {};
  const set: Document = { ...(update.$set as Document | undefined) };
  for (const path of Object.keys(fields)) {
    if (!stamps.includes(path)) dates[path] = fields[path];
    else if (path in set)
      throw new CommandError(ErrorCode.ConflictingUpdateOperators, `Updating the path '${path}' would create a conflict at '${path}'`);
    else set[path] = now;
  }
  const { $currentDate: _replaced, ...rest } = update;
  return Object.keys(dates).length ? { ...rest, $currentDate: dates, $set: set } : { ...rest, $set: set };
}

function immutableId(): CommandError {
  return new CommandError(ErrorCode.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
}

/** Puts `_id` first, as MongoDB stores it. */
export function withIdFirst(doc: Document): Document {
  // the first key without listing them all (a theme row has hundreds)
  for (const first in doc) {
    if (first === '_id') return doc;
    break;
  }
  if (!('_id' in doc)) return doc;
  const out: Document = { _id: doc._id };
  for (const k in doc) if (k !== '_id') out[k] = doc[k];
  return out;
}

function pipelineResult(doc: Document, pipeline: Document[], options: UpdateOptions): Document {
  if (options.arrayFilters?.length) {
    throw new CommandError(ErrorCode.FailedToParse, 'arrayFilters may not be specified for pipeline-style updates');
  }
  return { ...runUpdatePipeline(doc, pipeline, options.variables, options.collation) };
}

/**
 * A copy of `current` that update operators may write into: the containers on each path the
 * update names are copied (shallowly) and everything else is shared with `current`, which stays
 * untouched. Stored documents are immutable, so sharing is safe, and an `$inc` on one counter of a
 * large document no longer copies the whole document. An array met before the last part of a path
 * (positional `$`, `$[]`, an index, or mingo descending into elements) and any bson value the
 * path goes through are copied whole.
 */
export function copyUpdatedPaths(current: Document, update: Document): Document {
  const root: Document = { ...current };
  const fresh = new Set<object>([root]);
  const copyAlong = (path: string): void => {
    const parts = path.split('.');
    let container: Document = root;
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i];
      if (key.startsWith('$')) return; // a positional part: the array before it was copied whole
      const value: unknown = container[key];
      if (value === null || typeof value !== 'object' || fresh.has(value)) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          container = value;
          continue;
        }
        return;
      }
      const last = i === parts.length - 1;
      let copied: object;
      if (isDocumentValue(value)) copied = documentCopy(value);
      else if (Array.isArray(value)) copied = last ? value.slice() : cloneDeep(value);
      else copied = cloneDeep<object>(value);
      container[key] = copied;
      fresh.add(copied);
      if (!isDocumentValue(copied)) return;
      container = copied;
    }
  };
  for (const op of Object.keys(update)) {
    const fields = update[op];
    if (!isDocumentValue(fields)) continue;
    for (const path of Object.keys(fields)) {
      copyAlong(path);
      if (op === '$rename' && typeof fields[path] === 'string') copyAlong(fields[path]);
    }
  }
  return root;
}

/** The next version of `current`, or `modified: false` when the update changes nothing. */
export function applyUpdate(current: Document, update: UpdateSpec, options: UpdateOptions = {}): { doc: Document; modified: boolean } {
  const kind = updateKind(update);
  if (kind === 'replacement') {
    const replacement = update as Document;
    if ('_id' in replacement && !isEqual(replacement._id, current._id)) throw immutableId();
    const next = withIdFirst({ ...replacement, _id: current._id });
    return { doc: next, modified: !isEqual(next, current) };
  }
  if (kind === 'pipeline') {
    const next = pipelineResult(current, update as Document[], options);
    if (!('_id' in next)) next._id = current._id;
    else if (!isEqual(next._id, current._id)) throw immutableId();
    const doc = withIdFirst(next);
    return Buffer.from(serialize(doc)).equals(serialize(current)) ? { doc: current, modified: false } : { doc, modified: true };
  }
  // $setOnInsert does nothing to a document that exists, its `_id` included (MongoDB ignores it on
  // a match), so it is dropped before the `_id` check.
  const { $setOnInsert: _ignored, ...operators } = update as Document;
  const direct = numbersUpdated(current, operators);
  if (direct) return direct;
  const spec = withTimestamps(withoutIdAssignment(operators, current._id));
  if (Object.keys(spec).length === 0) return { doc: current, modified: false };
  assertUpdateApplies(current, spec);
  const copy = copyUpdatedPaths(current, spec);
  const condition = usesPositional(spec) ? options.filter : undefined;
  const result = applyUpdateToCopy(copy, spec, options.arrayFilters, condition, options.variables);
  if (!result.modified) return { doc: current, modified: false };
  if (!isEqual(result.doc._id, current._id)) throw immutableId();
  return result;
}

/** More fields than this make a sub-document wide: kept in V8's dictionary mode (see `wideObject`). */
const WIDE_FIELDS = 24;

/**
 * An empty plain object in V8's dictionary mode. Each new field name added to an ordinary object
 * makes V8 derive a hidden class (copying the growing list of names), about 0.5 µs a field; a
 * dictionary takes a field in a fifth of that, and copies at a third of a spread's cost. A theme
 * row's key phrases are such a sub-document: dozens of new names an update, thousands in a day's
 * row. Deleting a field other than the last one added turns an object into a dictionary for good.
 */
function wideObject(): Document {
  const o: Document = { a: 0, b: 0 };
  delete o.a;
  delete o.b;
  return o;
}

/** A shallow copy of a stored sub-document: a spread, or for a wide one a dictionary with its fields in their order. */
function documentCopy(value: Document): Document {
  let n = 0;
  for (const _key in value) if (++n > WIDE_FIELDS) break;
  if (n <= WIDE_FIELDS) return { ...value };
  const out = wideObject();
  for (const key of Object.keys(value)) out[key] = value[key];
  return out;
}

/** The top-level fields under which an update names more than WIDE_FIELDS paths (their sub-documents grow wide). */
function wideFields(update: Document): Set<string> {
  const counts = new Map<string, number>();
  const wide = new Set<string>();
  for (const op of Object.keys(update)) {
    const fields = update[op];
    if (!isDocumentValue(fields)) continue;
    for (const path of Object.keys(fields)) {
      const dot = path.indexOf('.');
      if (dot < 0) continue;
      const top = path.slice(0, dot);
      const n = (counts.get(top) ?? 0) + 1;
      counts.set(top, n);
      if (n > WIDE_FIELDS) wide.add(top);
    }
  }
  return wide;
}

/**
 * An update of only `$inc`, `$max` and `$min` of numbers, on plain paths (no `$`, no empty part,
 * not `_id`, none named twice) through plain documents or missing fields to a number or nothing,
 * applied in one walk per path: the containers on the way are copied (or created) once, as
 * `copyUpdatedPaths` does, and the stored document is untouched. A rollup row's update is this,
 * and checking, copying and applying each of its 60 counters in separate passes was most of its
 * cost. What the general path does for these updates (NUMBER_UPDATES, as its `$inc`/`$max`/`$min`
 * of numbers); anything else, a part named `constructor` or the like, a path conflict or a type
 * error included, answers null and takes the general path, which says what is wrong.
 */
function numbersUpdated(current: Document, update: Document): { doc: Document; modified: boolean } | null {
  const ops = Object.keys(update);
  if (ops.length === 0) return null;
  for (const op of ops) if (!hasOwn(NUMBER_UPDATES, op) || !isDocumentValue(update[op])) return null;
  const root: Document = { ...current };
  const fresh = new Set<object>();
  const named = new Set<string>();
  // Which top-level sub-documents the update makes wide: worked out only if it creates one.
  let wide: Set<string> | null = null;
  let modified = false;
  for (const op of ops) {
    const next = NUMBER_UPDATES[op as keyof typeof NUMBER_UPDATES];
    const fields = update[op] as Document;
    for (const path of Object.keys(fields)) {
      const value: unknown = fields[path];
      if (typeof value !== 'number' || Number.isNaN(value) || named.has(path) || path.includes('$')) return null;
      named.add(path);
      const parts = path.split('.');
      if (parts[0] === '_id') return null;
      let node = root;
      const last = parts.length - 1;
      for (let i = 0; i < last; i++) {
        const part = parts[i];
        if (part === '' || OBJECT_PROPERTY_PARTS.has(part)) return null;
        const child: unknown = hasOwn(node, part) ? node[part] : undefined;
        if (child === undefined) {
          const made: Document = i === 0 && (wide ??= wideFields(update)).has(part) ? wideObject() : {};
          fresh.add(made);
          node = node[part] = made;
        } else if (isPlainDocument(child)) {
          if (fresh.has(child)) node = child;
          else {
            const copy: Document = documentCopy(child);
            fresh.add(copy);
            node = node[part] = copy;
          }
        } else return null;
      }
      const leaf = parts[last];
      if (leaf === '' || OBJECT_PROPERTY_PARTS.has(leaf)) return null;
      const previous: unknown = hasOwn(node, leaf) ? node[leaf] : undefined;
      if (previous !== undefined && (typeof previous !== 'number' || Number.isNaN(previous))) return null;
      const updated = next(previous, value);
      if (updated !== previous) {
        node[leaf] = updated;
        modified = true;
      }
    }
  }
  return modified ? { doc: root, modified } : { doc: current, modified };
}

/**
 * The document an upsert inserts when nothing matched: the filter's equality fields, then the
 * update (operators including `$setOnInsert`, a replacement, or a pipeline), then a new ObjectId
 * if no `_id` came from either.
 */
export function buildUpsert(filter: Document, update: UpdateSpec, options: UpdateOptions = {}): Document {
  const kind = updateKind(update);
  let doc: Document;
  if (kind === 'replacement') {
    doc = { ...(update as Document) };
    if (!('_id' in doc)) {
      const seed = seedFromFilter(filter);
      if ('_id' in seed) doc._id = seed._id;
    }
  } else {
    let seed = seedFromFilter(filter);
    let spec: UpdateSpec = update;
    if (kind === 'operators') {
      const assignedId = (update as Document).$set?._id ?? (update as Document).$setOnInsert?._id;
      if (assignedId !== undefined) {
        if ('_id' in seed && !isEqual(seed._id, assignedId)) throw immutableId();
        // First, as it is stored: the document is then built in its final order (no copy by withIdFirst).
        seed = '_id' in seed ? seed : { _id: assignedId, ...seed };
      }
      const { $setOnInsert, ...rest } = withTimestamps(withoutIdAssignment(update, undefined));
      spec = $setOnInsert ? { ...rest, $set: { ...(rest.$set as Document | undefined), ...($setOnInsert as Document) } } : rest;
      if (Object.keys(spec).length === 0) spec = { $set: {} };
    }
    if (kind === 'pipeline') {
      doc = pipelineResult(seed, update as Document[], options);
      if (!('_id' in doc) && '_id' in seed) doc._id = seed._id;
    } else {
      const plain = insertedDirectly(seed, spec);
      if (plain) doc = plain;
      else {
        assertUpdateApplies(seed, spec);
        doc = applyUpdateToCopy(seed, spec, options.arrayFilters, undefined, options.variables).doc;
      }
    }
    if ('_id' in seed && !isEqual(doc._id, seed._id)) throw immutableId();
  }
  if (doc._id === undefined) doc._id = new ObjectId();
  return withIdFirst(doc);
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

const DIRECT_OPERATORS = new Set(['$set', '$addToSet', '$inc', '$max', '$min']);

/**
 * A number, string, boolean, date or ObjectId: no array or document to compare into or read
 * operators from, no regex (what `$max` or `$min` stores as it is on a missing field; what a
 * comparison in a filter takes as it is).
 */
export const isPlainScalar = (v: unknown): boolean =>
  typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Date || v instanceof ObjectId;

/**
 * The document an upsert inserts, built directly when the update names fields the seed does not
 * hold (but for a top-level `$set`, which replaces the seeded value), by plain paths (dotted or
 * not; no `$`, no empty part, not `_id`), none of them twice or inside another, with `$set` (and
 * `$setOnInsert`, merged into it), `$inc` of a number, `$max` or `$min` of a scalar, or
 * `$addToSet` of one value (or `$each`), and no part named as a property of every object
 * (`constructor`, `toString`: mingo's own handling of those stays): what mingo's operators give
 * on a new document (the value, the number, a one-element array, in embedded documents created
 * along the path, numeric parts included, in the order the update names them), without building
 * their update graphs, which was half of an upsert's time in the engine (a rollup row's 60
 * counters most of all). Values are taken, not copied: they come from the statement, which is
 * deserialized per command and read nowhere else. Anything else answers null and goes through mingo.
 */
function insertedDirectly(seed: Document, spec: Document): Document | null {
  const out: Document = { ...seed };
  // Containers this build made (only those may be walked into: a value from the statement, or one
  // the filter seeded, met on a path is a conflict), and the top-level names the update gave.
  const made = new Set<object>();
  const named = new Set<string>();
  for (const op of Object.keys(spec)) {
    const fields: unknown = spec[op];
    if (!DIRECT_OPERATORS.has(op) || !isDocumentValue(fields)) return null;
    const paths = Object.keys(fields);
    const wide = paths.length > WIDE_FIELDS ? wideFields({ [op]: fields }) : null;
    for (const path of paths) {
      if (path === '' || path === '_id' || path.includes('$')) return null;
      const value: unknown = fields[path];
      if (op === '$inc' && typeof value !== 'number') return null;
      if ((op === '$max' || op === '$min') && !isPlainScalar(value)) return null;
      if (op === '$addToSet' && isDocumentValue(value) && !eachOnly(value) && Object.keys(value).some((k) => k.startsWith('$')))
        return null;
      const stored = op === '$addToSet' ? addedToSet(value) : value;
      const dot = path.indexOf('.');
      if (dot < 0) {
        // `$set` of a field the filter seeds replaces it (in place, as mingo does); anything else on one goes to mingo.
        if (PROTOTYPE_NAMES.has(path) || named.has(path) || (op !== '$set' && hasOwn(seed, path))) return null;
        named.add(path);
        out[path] = stored;
        continue;
      }
      const parts = path.split('.');
      const top = parts[0];
      if (top === '_id' || hasOwn(seed, top)) return null;
      named.add(top);
      let node = out;
      const last = parts.length - 1;
      for (let i = 0; i < last; i++) {
        const part = parts[i];
        if (part === '' || PROTOTYPE_NAMES.has(part)) return null;
        if (!hasOwn(node, part)) {
          const container: Document = i === 0 && wide?.has(part) ? wideObject() : {};
          made.add(container);
          node = node[part] = container;
          continue;
        }
        const child = node[part] as Document;
        if (!made.has(child)) return null; // a path inside another (MongoDB refuses it as a conflict; mingo says so)
        node = child;
      }
      const leaf = parts[last];
      if (leaf === '' || PROTOTYPE_NAMES.has(leaf) || hasOwn(node, leaf)) return null;
      node[leaf] = stored;
    }
  }
  return out;
}

/** Names every plain object answers through its prototype (`constructor`, `toString`): mingo's own handling of those stays. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** `{ $each: [...] }` and nothing else (Mongoose sends `$addToSet` values so). */
const eachOnly = (value: Document): boolean => Array.isArray(value.$each) && Object.keys(value).length === 1;

/** The array `$addToSet` makes of a missing field: the value, or each distinct value of `$each` once, as MongoDB does. */
function addedToSet(value: unknown): unknown[] {
  if (!isDocumentValue(value) || !eachOnly(value)) return [value];
  const out: unknown[] = [];
  for (const item of value.$each as unknown[]) if (!out.some((o) => isEqual(o, item))) out.push(item);
  return out;
}

/** Equality conditions of a filter as a document (`{ a: 1, 'b.c': 2 }` gives `{ a: 1, b: { c: 2 } }`). */
export function seedFromFilter(filter: Document): Document {
  const seed: Document = {};
  const visit = (f: Document): void => {
    for (const key of Object.keys(f)) {
      const value = f[key];
      if (key === '$and' && Array.isArray(value)) {
        for (const sub of value) if (isDocumentValue(sub)) visit(sub);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isDocumentValue(value)) {
        const ops = Object.keys(value);
        if (ops.length > 0 && ops.every((op) => op.startsWith('$'))) {
          if ('$eq' in value) setValue(seed, key, cloneDeep(value.$eq));
          else if (Array.isArray(value.$in) && value.$in.length === 1) setValue(seed, key, cloneDeep(value.$in[0]));
          continue;
        }
      }
      if (value instanceof RegExp) continue;
      setValue(seed, key, cloneDeep(value));
    }
  };
  visit(filter);
  return seed;
}
