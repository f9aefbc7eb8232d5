import { deserialize, ObjectId, type Document } from 'bson';
import { Catalog } from '../storage/catalog';
import { CollectionStore } from '../storage/collection-store';
import { exactMatches } from '../storage/query-planner';
import { compileFilter } from '../query/query-language';
import { dispatchCommand } from './command-dispatcher';
import type { CommandContext } from './command-context';
import { CursorRegistry } from './cursor-registry';
import { findResults, sortDocuments } from './result-shaping';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORKSPACES = [new ObjectId(), new ObjectId(), new ObjectId()];
const IDS = Array.from({ length: 6 }, () => new ObjectId());
const DATES = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + (i - 3) * 3_600_000));

interface Shape {
  /** Values a sort field takes, by kind; some kinds the walk orders, some it leaves to mingo. */
  kinds: Array<'date' | 'number' | 'null' | 'missing' | 'bool' | 'oid' | 'string' | 'array' | 'nested'>;
}

function value(rnd: () => number, shape: Shape): unknown {
  const kind = shape.kinds[Math.floor(rnd() * shape.kinds.length)];
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  switch (kind) {
    case 'date':
      return pick(DATES);
    case 'number':
      return pick([-2.5, -1, 0, 1, 1.5, 7, 1e12, -Infinity, Infinity]);
    case 'null':
      return null;
    case 'missing':
      return undefined;
    case 'bool':
      return rnd() < 0.5;
    case 'oid':
      return pick(IDS);
    case 'string':
      return pick(['a', 'b', 'B', '']);
    case 'array':
      return [pick(DATES), pick(DATES)];
    case 'nested':
      return { at: pick(DATES) };
  }
}

function documentFor(rnd: () => number, i: number, shape: Shape): Document {
  const doc: Document = { _id: rnd() < 0.7 ? new ObjectId() : i };
  if (rnd() < 0.95) doc.w = WORKSPACES[Math.floor(rnd() * WORKSPACES.length)];
  doc.s = rnd() < 0.5 ? 'open' : 'closed';
  for (const f of ['t', 'u']) {
    const v = value(rnd, shape);
    if (v !== undefined) doc[f] = v;
  }
  return doc;
}

function store(shape: Shape, seed: number, count: number): CollectionStore {
  const rnd = random(seed);
  const s = new CollectionStore('db', 'c');
  s.createIndex({ key: { w: 1, s: 1, t: -1 }, name: 'w_s_t' });
  s.createIndex({ key: { w: 1, t: 1, u: 1 }, name: 'w_t_u' });
  s.createIndex({ key: { t: 1 }, name: 't_sparse', sparse: true });
  s.createIndex({ key: { u: 1 }, name: 'u_open', partialFilterExpression: { s: 'open' } });
  for (let i = 0; i < count; i++) s.insert(documentFor(rnd, i, shape));
  // Updates and deletes move records between keys; ids stay in natural order.
  for (const [rid, doc] of [...s.records()]) {
    const r = rnd();
    if (r < 0.1) s.remove(rid);
    else if (r < 0.3) s.replace(rid, { ...documentFor(rnd, 0, shape), _id: doc._id });
  }
  return s;
}

const SORTS: Document[] = [
  { t: 1 },
  { t: -1 },
  { t: 1, _id: 1 },
  { t: -1, _id: -1 },
  { t: -1, u: 1 },
  { t: 1, u: -1, _id: 1 },
  { u: 1 },
  { u: -1, _id: 1 },
  { _id: -1 },
  { s: 1, t: 1 },
];

function filterFor(rnd: () => number): Document {
  const f: Document = {};
  const r = rnd();
  if (r < 0.8) f.w = rnd() < 0.8 ? WORKSPACES[Math.floor(rnd() * 2)] : { $in: [WORKSPACES[0]] };
  if (rnd() < 0.5) f.s = rnd() < 0.8 ? 'open' : { $eq: 'closed' };
  const range = rnd();
  if (range < 0.2) f.t = { $gte: DATES[2], $lt: DATES[6] };
  else if (range < 0.3) f.t = { $ne: null };
  else if (range < 0.4) f.t = { $gt: -1 };
  if (rnd() < 0.2) f.u = { $exists: true };
  const or = rnd();
  if (or < 0.1) f.$or = [{ s: 'open' }, { t: null }];
  // the next page after (t, _id), as the mentions list asks for it
  else if (or < 0.25) f.$or = [{ t: { $lt: DATES[4] } }, { t: DATES[4], _id: { $lt: 100 } }];
  return f;
}

/** What the engine answered before index walks: mingo sorts every match, taken in natural order. */
function inMemory(s: CollectionStore, filter: Document, sort: Document, skip: number, limit: number | undefined): Document[] {
  const test = compileFilter(filter);
  const sorted = sortDocuments([...s.documents()].filter(test), sort);
  return sorted.slice(skip, limit ? skip + limit : undefined);
}

function drain(it: Iterator<Document>): Document[] {
  const out: Document[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}

describe('sorts provided by an index walk', () => {
  // [name, values of the sort fields, how many of the 320 queries an index walk must serve at least]
  const cases: Array<[string, Shape, number]> = [
    ['dates, nulls and missing fields', { kinds: ['date', 'date', 'date', 'null', 'missing'] }, 150],
    ['numbers, booleans and dates together', { kinds: ['number', 'bool', 'date', 'null', 'missing'] }, 150],
    ['ObjectIds beside numbers', { kinds: ['oid', 'number', 'missing'] }, 150],
    ['ObjectIds beside dates (where mingo orders them unlike MongoDB, left to mingo)', { kinds: ['oid', 'date', 'bool'] }, 150],
    ['strings and embedded documents (their level left to mingo)', { kinds: ['string', 'date', 'nested', 'null'] }, 150],
    ['arrays (a multikey field is never walked)', { kinds: ['array', 'date', 'missing'] }, 10],
  ];

  it.each(cases)('answers exactly what an in-memory sort answers: %s', (_name, shape, minWalked) => {
    let walked = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const s = store(shape, seed * 7919, 150 + seed * 20);
      const rnd = random(seed);
      for (let q = 0; q < 40; q++) {
        const filter = filterFor(rnd);
        const sort = SORTS[Math.floor(rnd() * SORTS.length)];
        const skip = rnd() < 0.3 ? Math.floor(rnd() * 10) : 0;
        const limit = rnd() < 0.7 ? [1, 5, 20, 50][Math.floor(rnd() * 4)] : undefined;
        const expected = inMemory(s, filter, sort, skip, limit);
        if (s.sortedCandidates(filter, sort, limit !== undefined)) walked++;
        const got = drain(findResults(s, { filter, sort, skip, limit }));
        const context = JSON.stringify({ seed, q, filter, sort, skip, limit });
        expect({ context, ids: got.map((d) => String(d._id)) }).toEqual({ context, ids: expected.map((d) => String(d._id)) });
      }
    }
    expect(walked).toBeGreaterThanOrEqual(minWalked);
  });

  it('walks the index for a prefix and a sort in either direction, and stops at the limit', () => {
    const s = new CollectionStore('db', 'c');
    s.createIndex({ key: { w: 1, at: -1 }, name: 'w_at' });
    const w = WORKSPACES[0];
    for (let i = 0; i < 1000; i++) s.insert({ _id: i, w: i % 2 ? w : WORKSPACES[1], at: new Date(1e12 + (i % 500) * 1000) });
    let read = 0;
    const walk = s.sortedCandidates({ w }, { at: -1, _id: -1 }, true)!;
    expect(walk.covered).toBe(1);
    const first: unknown[] = [];
    for (const g of walk.groups) {
      read += g.docs.length;
      first.push(...g.docs.map((d) => d._id));
      if (first.length >= 3) break;
    }
    expect(read).toBeLessThan(5);
    expect(drain(findResults(s, { filter: { w }, sort: { at: -1, _id: -1 }, limit: 3 })).map((d) => d._id)).toEqual([999, 499, 997]);
    expect(drain(findResults(s, { filter: { w }, sort: { at: 1, _id: 1 }, limit: 3 })).map((d) => d._id)).toEqual([1, 501, 3]);
    // An array on the sort field turns the walk off for good, as MongoDB's multikey flag does.
    s.insert({ _id: 'multi', w, at: [new Date(0), new Date(2e12)] });
    expect(s.sortedCandidates({ w }, { at: -1 }, true)).toBeNull();
    expect(drain(findResults(s, { filter: { w }, sort: { at: -1, _id: 1 }, limit: 2 }))).toEqual(
      inMemory(s, { w }, { at: -1, _id: 1 }, 0, 2),
    );
  });

  it('reads no further than the limit, with or without a sort from an index', () => {
    const s = new CollectionStore('db', 'c');
    s.createIndex({ key: { w: 1, at: 1 }, name: 'w_at' });
    for (let i = 0; i < 500; i++) s.insert({ _id: i, w: 1, at: i, odd: i % 2 === 1 });
    let read = 0;
    const candidates = s.candidates.bind(s);
    jest.spyOn(s, 'candidates').mockImplementation(function* (filter) {
      for (const doc of candidates(filter)) {
        read++;
        yield doc;
      }
    });
    expect(drain(findResults(s, { filter: { odd: true }, limit: 3 })).map((d) => d._id)).toEqual([1, 3, 5]);
    expect(read).toBeLessThanOrEqual(7);
    const walk = s.sortedCandidates.bind(s);
    read = 0;
    jest.spyOn(s, 'sortedCandidates').mockImplementation((filter, sort, limited) => {
      const found = walk(filter, sort, limited)!;
      const groups = found.groups;
      return {
        covered: found.covered,
        groups: (function* () {
          for (const g of groups) {
            read += g.docs.length;
            yield g;
          }
        })(),
      };
    });
    expect(drain(findResults(s, { filter: { w: 1, odd: true }, sort: { at: -1 }, skip: 1, limit: 2 })).map((d) => d._id)).toEqual([
      497, 495,
    ]);
    expect(read).toBeLessThanOrEqual(7);
  });

  it('prefers a lookup on a unique index, and a walk when a limit lets it stop early', () => {
    const s = new CollectionStore('db', 'c');
    s.createIndex({ key: { w: 1, at: -1 }, name: 'w_at' });
    s.createIndex({ key: { w: 1, p: 1, x: 1 }, name: 'w_p_x', unique: true });
    s.insert({ _id: 1, w: 1, p: 'a', x: 'k', at: new Date(0) });
    expect(s.sortedCandidates({ w: 1, p: 'a', x: 'k' }, { at: -1 }, true)).toBeNull();
    expect(s.sortedCandidates({ w: 1, p: 'a' }, { at: -1 }, true)).not.toBeNull();
    expect(s.sortedCandidates({ w: 1, p: 'a' }, { at: -1 }, false)).toBeNull();
    expect(s.sortedCandidates({ w: 1 }, { at: -1 }, false)).not.toBeNull();
    expect(s.sortedCandidates({ w: { $in: [1, 2] } }, { at: -1 }, true)).toBeNull();
    expect(s.sortedCandidates({ w: 1 }, { $natural: 1 }, true)).toBeNull();
  });

  it('keeps what a cursor returns past its first batch as it was when the find ran', () => {
    const catalog = new Catalog();
    const ctx: CommandContext = {
      db: 'app',
      catalog,
      cursors: new CursorRegistry(),
      connectionId: 1,
      server: { version: '7.0.0', startedAt: new Date(), host: '127.0.0.1', port: 1, connections: { current: 1, totalCreated: 1 } },
    };
    const run = (cmd: Document): Document => deserialize(dispatchCommand({ ...cmd, $db: 'app' }, ctx));
    run({ createIndexes: 'items', indexes: [{ key: { w: 1, n: 1 }, name: 'w_n' }] });
    run({ insert: 'items', documents: Array.from({ length: 300 }, (_, i) => ({ _id: i, w: 1, n: i })) });
    const first = run({ find: 'items', filter: { w: 1 }, sort: { n: -1 }, batchSize: 10 });
    expect(first.cursor.firstBatch.map((d: Document) => d._id)).toEqual([299, 298, 297, 296, 295, 294, 293, 292, 291, 290]);
    // Rewrites the index under the open cursor: the cursor still answers the order it started with.
    run({ delete: 'items', deletes: [{ q: { n: { $lt: 100 } }, limit: 0 }] });
    run({ insert: 'items', documents: Array.from({ length: 300 }, (_, i) => ({ _id: 1000 + i, w: 1, n: i + 0.5 })) });
    const rest = run({ getMore: first.cursor.id, collection: 'items', batchSize: 1000 });
    expect(rest.cursor.nextBatch.map((d: Document) => d._id)).toEqual(Array.from({ length: 290 }, (_, i) => 289 - i));
  });
});

describe('counts from an index', () => {
  it('counts exactly the matches of equality filters, arrays and mixed types included', () => {
    const shape: Shape = { kinds: ['array', 'date', 'number', 'oid', 'string', 'null', 'missing'] };
    let exact = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const s = store(shape, seed * 104729, 200);
      s.createIndex({ key: { s: 1, t: 1 }, name: 's_t' });
      const rnd = random(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      for (let q = 0; q < 60; q++) {
        const filter: Document = {};
        if (rnd() < 0.8) filter.w = pick([WORKSPACES[0], { $eq: WORKSPACES[1] }, { $in: [WORKSPACES[0], WORKSPACES[2]] }]);
        if (rnd() < 0.6) filter.s = pick(['open', 'closed', { $in: ['open', 'closed'] }]);
        if (rnd() < 0.4) filter.t = pick([DATES[1], 1, 'a', IDS[0], null, { $gt: DATES[2] }, { $in: [DATES[3], 7] }]);
        const test = compileFilter(filter);
        const expected = [...s.documents()].filter(test).length;
        if (exactMatches(filter, s.indexList())) exact++;
        expect({ filter, n: s.countMatches(filter, test) }).toEqual({ filter, n: expected });
      }
    }
    expect(exact).toBeGreaterThan(100);
  });

  it("answers countDocuments' pipeline without grouping in mingo, skip and limit included", () => {
    const catalog = new Catalog();
    const ctx: CommandContext = {
      db: 'app',
      catalog,
      cursors: new CursorRegistry(),
      connectionId: 1,
      server: { version: '7.0.0', startedAt: new Date(), host: '127.0.0.1', port: 1, connections: { current: 1, totalCreated: 1 } },
    };
    const run = (cmd: Document): Document => deserialize(dispatchCommand({ ...cmd, $db: 'app' }, ctx));
    run({ createIndexes: 'cases', indexes: [{ key: { w: 1, status: 1, at: -1 }, name: 'w_s_at' }] });
    const statuses = ['open', 'pending', 'resolved'];
    run({ insert: 'cases', documents: Array.from({ length: 90 }, (_, i) => ({ _id: i, w: i % 2, status: statuses[i % 3] })) });
    const count = (pipeline: Document[]) => run({ aggregate: 'cases', pipeline, cursor: {} }).cursor.firstBatch;
    const group = { $group: { _id: 1, n: { $sum: 1 } } };
    expect(count([{ $match: { w: 1, status: 'open' } }, group])).toEqual([{ _id: 1, n: 15 }]);
    expect(count([{ $match: { w: 1, status: { $in: ['open', 'pending'] } } }, group])).toEqual([{ _id: 1, n: 30 }]);
    expect(count([{ $match: { w: 1, _id: { $gt: 80 } } }, group])).toEqual([{ _id: 1, n: 5 }]);
    expect(count([{ $match: { w: 1 } }, { $skip: 40 }, { $limit: 3 }, group])).toEqual([{ _id: 1, n: 3 }]);
    expect(count([{ $match: { w: 1 } }, { $skip: 44 }, group])).toEqual([{ _id: 1, n: 1 }]);
    expect(count([{ $match: { w: 7 } }, group])).toEqual([]);
    expect(count([{ $match: {} }, group])).toEqual([{ _id: 1, n: 90 }]);
    expect(run({ aggregate: 'missing', pipeline: [{ $match: {} }, group], cursor: {} }).cursor.firstBatch).toEqual([]);
    // anything else is mingo's: a grouped key, another accumulator
    expect(count([{ $match: { w: 1 } }, { $group: { _id: '$status', n: { $sum: 1 } } }, { $sort: { _id: 1 } }])).toEqual([
      { _id: 'open', n: 15 },
      { _id: 'pending', n: 15 },
      { _id: 'resolved', n: 15 },
    ]);
    expect(run({ count: 'cases', query: { w: 0, status: 'resolved' } })).toMatchObject({ n: 15 });
  });
});
