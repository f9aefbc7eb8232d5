import type { Document } from 'bson';
import BTree from 'sorted-btree';
import { canonicalKey, EMPTY_ARRAY, NULL_KEY, pathHasArray, pathValues } from '../query/index-key';

/** An index definition as `createIndexes` receives it and `listIndexes` returns it. */
export interface IndexSpec extends Document {
  v?: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

/** One key of a document in an index: canonical strings for lookup, raw values for errors. */
export interface IndexEntry {
  keys: string[];
  values: unknown[];
}

type Leaf = number | Set<number>;
type Node = BTree<string, Node | Leaf>;

/** Inclusive bounds on the canonical key of one field (see `canonicalKey`: ordered within a type). */
export interface KeyRange {
  low: string;
  high: string;
  /** A key inside the bounds to leave out (`$ne: null` is every key but the null key). */
  excluding?: string;
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const newNode = (): Node => new BTree<string, Node | Leaf>(undefined, compareKeys);

/** Index types kept only as definitions: the engine has no text or geo search. */
const UNMAINTAINED_TYPES = new Set(['text', '2d', '2dsphere', 'geoHaystack']);
const MAX_ENTRIES_PER_DOCUMENT = 10_000;

/**
 * An ordered index: a trie with one level per indexed field, each level a B-tree keyed by
 * canonical value strings (ordered within a type for numbers and dates), whose leaves hold record
 * ids. Equality on any prefix of the fields is a walk down the trie; a range on the field after
 * that prefix is an in-order scan of one level, so a report over last week's rows of a workspace
 * touches last week's rows, not the workspace's history. A walk of the levels after an equality
 * prefix, each in either direction, hands out records in sort order (`sortedWalk`).
 */
export class OrderedIndex {
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  /** False for text/geo indexes: their definitions are kept, their keys are not. */
  readonly maintained: boolean;
  private readonly paths: string[][];
  /** The top-level fields the keys depend on; null (a partial index) when the filter may read others. */
  private readonly topFields: string[] | null;
  /**
   * Per field: whether some document was ever indexed with an array on that field's path (sticky,
   * like MongoDB's multikey flag). On such a field each bound of a range may be met by a different
   * element, and an index walk cannot provide a sort (MongoDB sorts an array by its least element,
   * its greatest descending, and a document has a key per element).
   */
  private readonly multikey: boolean[];
  private root: Node = newNode();

  constructor(
    readonly spec: IndexSpec,
    /** The partial filter, compiled by the caller (so this class stays free of query semantics). */
    readonly partialFilter: ((doc: Document) => boolean) | null = null,
    /** `_id_` is unique without saying so in its definition. */
    unique = spec.unique === true,
  ) {
    this.name = spec.name;
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.topFields = partialFilter || spec.partialFilterExpression ? null : [...new Set(this.paths.map((p) => p[0]))];
    this.unique = unique;
    this.sparse = spec.sparse === true;
    this.maintained =
      !this.fields.some((f) => f === '$**' || f.endsWith('.$**')) &&
      !Object.values(spec.key).some((t) => typeof t === 'string' && UNMAINTAINED_TYPES.has(t));
    this.multikey = this.fields.map(() => false);
  }

  /** True once a document held an array on the path of `fields[i]` (see `multikey`). */
  isMultikey(i: number): boolean {
    return this.multikey[i];
  }

  /** The keys `doc` has in this index; empty when a sparse or partial index leaves it out. */
  entriesFor(doc: Document): IndexEntry[] {
    if (!this.maintained) return [];
    if (this.partialFilter && !this.partialFilter(doc)) return [];
    const perField = this.paths.map((p) => pathValues(doc, p));
    for (let i = 0; i < this.paths.length; i++) if (!this.multikey[i] && pathHasArray(doc, this.paths[i])) this.multikey[i] = true;
    if (this.sparse && perField.every((vals) => vals.length === 1 && vals[0] === undefined)) return [];
    if (perField.length === 1) {
      const vals = perField[0];
      if (vals.length === 1) return [{ keys: [canonicalKey(vals[0])], values: [normalizeValue(vals[0])] }];
      return dedupe(vals.map((v) => ({ keys: [canonicalKey(v)], values: [normalizeValue(v)] })));
    }
    let entries: IndexEntry[] = [{ keys: [], values: [] }];
    for (const vals of perField) {
      const next: IndexEntry[] = [];
      for (const e of entries) {
        for (const v of vals) next.push({ keys: [...e.keys, canonicalKey(v)], values: [...e.values, normalizeValue(v)] });
      }
      if (next.length > MAX_ENTRIES_PER_DOCUMENT) throw new Error(`index ${this.name}: too many keys for one document`);
      entries = next;
    }
    return entries.length > 1 ? dedupe(entries) : entries;
  }

  /**
   * Whether two versions of a document surely have the same keys here: every top-level field the
   * keys read holds the very same value. Stored values are never modified in place (an update
   * copies what it changes), so the same value means the same keys.
   */
  sameSourceValues(a: Document, b: Document): boolean {
    if (!this.topFields) return false;
    for (const f of this.topFields) if (a[f] !== b[f]) return false;
    return true;
  }

  add(rid: number, entries: IndexEntry[]): void {
    for (const { keys } of entries) {
      let node = this.root;
      for (let i = 0; i < keys.length - 1; i++) {
        let child = node.get(keys[i]) as Node | undefined;
        if (!child) {
          child = newNode();
          node.set(keys[i], child);
        }
        node = child;
      }
      const last = keys[keys.length - 1];
      const leaf = node.get(last) as Leaf | undefined;
      if (leaf === undefined) node.set(last, rid);
      else if (typeof leaf === 'number') {
        if (leaf !== rid) node.set(last, new Set([leaf, rid]));
      } else leaf.add(rid);
    }
  }

  remove(rid: number, entries: IndexEntry[]): void {
    for (const { keys } of entries) this.removeKey(this.root, keys, 0, rid);
  }

  private removeKey(node: Node, keys: string[], depth: number, rid: number): void {
    const key = keys[depth];
    const child = node.get(key);
    if (child === undefined) return;
    if (depth === keys.length - 1) {
      const leaf = child as Leaf;
      if (typeof leaf === 'number') {
        if (leaf === rid) node.delete(key);
      } else {
        leaf.delete(rid);
        if (leaf.size === 1) node.set(key, leaf.values().next().value as number);
        else if (leaf.size === 0) node.delete(key);
      }
      return;
    }
    this.removeKey(child as Node, keys, depth + 1, rid);
    if ((child as Node).size === 0) node.delete(key);
  }

  /** For a unique index: the first of `entries` already held by a record other than `selfRid`. */
  findConflict(entries: IndexEntry[], selfRid: number): IndexEntry | null {
    if (!this.unique) return null;
    for (const entry of entries) {
      const leaf = this.leafFor(entry.keys);
      if (leaf === undefined) continue;
      if (typeof leaf === 'number' ? leaf !== selfRid : [...leaf].some((r) => r !== selfRid)) return entry;
    }
    return null;
  }

  private leafFor(keys: string[]): Leaf | undefined {
    let node: Node | Leaf | undefined = this.root;
    for (const k of keys) {
      if (node === undefined || typeof node === 'number' || node instanceof Set) return undefined;
      node = node.get(k);
    }
    return node as Leaf | undefined;
  }

  /**
   * Record ids whose keys start with one of the combinations of `alternatives` (one list of
   * canonical keys per leading field, at most `fields.length` lists).
   */
  lookup(alternatives: string[][], out: Set<number> = new Set()): Set<number> {
    return this.rangeLookup(alternatives, null, out);
  }

  /**
   * Like `lookup`, and then, when `range` is given, only keys within it (inclusive) on the field
   * after the prefix (`fields[alternatives.length]`).
   */
  rangeLookup(alternatives: string[][], range: KeyRange | null, out: Set<number> = new Set()): Set<number> {
    const collect = (node: Node | Leaf): void => {
      if (typeof node === 'number') out.add(node);
      else if (node instanceof Set) for (const r of node) out.add(r);
      else for (const child of node.values()) collect(child);
    };
    const walk = (node: Node | Leaf, depth: number): void => {
      if (typeof node === 'number' || node instanceof Set || depth > alternatives.length) {
        collect(node);
      } else if (depth < alternatives.length) {
        for (const k of alternatives[depth]) {
          const child = node.get(k);
          if (child !== undefined) walk(child, depth + 1);
        }
      } else if (range && range.low <= range.high) {
        const excluding = range.excluding;
        node.forRange(range.low, range.high, true, (k, child) => {
          if (k !== excluding) collect(child);
        });
      } else if (!range) {
        collect(node);
      }
    };
    walk(this.root, 0);
    return out;
  }

  /**
   * Record ids in the order of the fields after `prefix` (one canonical key per leading field),
   * one direction per walked field, as groups: each group's records tie on every walked field
   * (`ordered`), or, where a level holds keys whose order the walk does not know (see
   * `levelBuckets`), every record under that level in one group still to be sorted (`ordered:
   * false`). `range` bounds the first walked field. Record ids within a group ascend (natural order).
   * Lazy: the caller stops when it has enough; the tree must not change while a walk is under way.
   */
  *sortedWalk(prefix: string[], range: KeyRange | null, directions: SortDirection[]): Generator<WalkGroup> {
    let node: Node | Leaf | undefined = this.root;
    for (const k of prefix) {
      if (node === undefined || !(node instanceof BTree)) return;
      node = node.get(k);
    }
    if (node === undefined || !(node instanceof BTree) || directions.length === 0) return;
    if (range && range.low > range.high) return;
    yield* walkLevel(node, 0, range, directions);
  }

  clear(): void {
    this.root = newNode();
  }
}

/** Ascending or descending, per walked field. */
export type SortDirection = 1 | -1;

/** Records an index walk hands out together (see `OrderedIndex.sortedWalk`). */
export interface WalkGroup {
  rids: number[];
  ordered: boolean;
}

/**
 * The kinds of canonical keys whose string order is their sort order, MongoDB's and mingo's
 * alike: null (and missing), numbers (16 hex digits; not `nL…` beyond 2^53 nor `nNaN`),
 * ObjectIds, booleans and dates, ranked in the order the two agree on. Both put null first, then
 * numbers, booleans before dates; they disagree on ObjectIds beside booleans or dates (MongoDB
 * puts ObjectIds first, mingo last), so those mixes are left to a sort. Strings are left out:
 * their key order is UTF-16's, MongoDB's is UTF-8's.
 */
interface KeyBucket {
  rank: number;
  low: string;
  high: string;
  /** Whether `node` holds keys of this prefix that are not of the ordered form. */
  malformed(node: Node): boolean;
}

const hasKeyIn = (node: Node, low: string, below: string): boolean => {
  const pair = node.getPairOrNextHigher(low);
  return pair !== undefined && pair[0] < below;
};
/** `prefix` followed by 16 (24) lowercase hex digits: only keys outside 0-9a-f after the prefix are malformed. */
const hexBucket = (rank: number, prefix: string): KeyBucket => ({
  rank,
  low: prefix,
  high: prefix + '\uffff',
  malformed: (node) =>
    hasKeyIn(node, prefix, prefix + '0') || hasKeyIn(node, prefix + ':', prefix + 'a') || hasKeyIn(node, prefix + 'g', prefix + '\uffff'),
});
const NULL_BUCKET: KeyBucket = { rank: 1, low: NULL_KEY, high: NULL_KEY, malformed: () => false };
const OBJECT_ID_RANK = 3;
const BUCKETS: Record<string, KeyBucket> = {
  [NULL_KEY]: NULL_BUCKET,
  n: hexBucket(2, 'n'),
  o: hexBucket(OBJECT_ID_RANK, 'o'),
  b: { rank: 4, low: 'b0', high: 'b1', malformed: (node) => hasKeyIn(node, 'b', 'b0') || hasKeyIn(node, 'b1\u0000', 'b\uffff') },
  d: hexBucket(5, 'd'),
};

/**
 * The buckets of the keys of `node` within [low, high], in sort order; null when a key there is of
 * a kind the walk cannot order (strings, arrays, documents, NaN...) or ObjectIds sit beside
 * booleans or dates.
 */
function levelBuckets(node: Node, low: string, high: string): KeyBucket[] | null {
  const found: KeyBucket[] = [];
  let key = node.getPairOrNextHigher(low)?.[0];
  while (key !== undefined && key <= high) {
    const bucket = BUCKETS[key[0]];
    if (!bucket || (bucket === NULL_BUCKET && key !== NULL_KEY) || bucket.malformed(node)) return null;
    found.push(bucket);
    key = node.nextHigherKey(bucket.high);
  }
  found.sort((a, b) => a.rank - b.rank);
  if (found.some((b) => b.rank === OBJECT_ID_RANK) && found.some((b) => b.rank > OBJECT_ID_RANK)) return null;
  return found;
}

function* walkLevel(node: Node, depth: number, range: KeyRange | null, directions: SortDirection[]): Generator<WalkGroup> {
  const low = range?.low ?? '';
  const high = range?.high ?? '\uffff';
  const excluding = range?.excluding;
  const buckets = levelBuckets(node, low, high);
  if (!buckets) {
    const rids = new Set<number>();
    node.forRange(low, high, true, (k, child) => {
      if (k !== excluding) collectRids(child, rids);
    });
    if (rids.size) yield { rids: ascending(rids), ordered: false };
    return;
  }
  const last = depth === directions.length - 1;
  const descending = directions[depth] === -1;
  if (descending) buckets.reverse();
  for (const bucket of buckets) {
    const lo = bucket.low > low ? bucket.low : low;
    const hi = bucket.high < high ? bucket.high : high;
    if (lo > hi) continue;
    for (const [k, child] of descending ? node.entriesReversed(hi) : node.entries(lo)) {
      if (descending ? k < lo : k > hi) break;
      if (k === excluding) continue;
      if (typeof child === 'number') yield { rids: [child], ordered: true };
      else if (child instanceof Set) yield { rids: ascending(child), ordered: true };
      else if (last) {
        const rids = new Set<number>();
        collectRids(child, rids);
        yield { rids: ascending(rids), ordered: true };
      } else yield* walkLevel(child, depth + 1, null, directions);
    }
  }
}

function collectRids(node: Node | Leaf, out: Set<number>): void {
  if (typeof node === 'number') out.add(node);
  else if (node instanceof Set) for (const r of node) out.add(r);
  else for (const child of node.values()) collectRids(child, out);
}

const ascending = (rids: Iterable<number>): number[] => [...rids].sort((a, b) => a - b);

/** Error messages show what the index holds: an empty array stays an empty array. */
function normalizeValue(v: unknown): unknown {
  return v === EMPTY_ARRAY ? [] : v === undefined ? null : v;
}

function dedupe(entries: IndexEntry[]): IndexEntry[] {
  const seen = new Set<string>();
  const out: IndexEntry[] = [];
  for (const e of entries) {
    const id = e.keys.join('\u0000');
    if (!seen.has(id)) {
      seen.add(id);
      out.push(e);
    }
  }
  return out;
}
