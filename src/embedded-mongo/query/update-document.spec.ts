import { ObjectId, type Document } from 'bson';
import { applyUpdate, buildUpsert, copyUpdatedPaths, seedFromFilter, updateKind } from './update-document';
import { applyUpdateToCopy } from './query-language';

describe('applyUpdate', () => {
  const current = Object.freeze({ _id: 1, n: 1, tags: Object.freeze(['a']), nested: Object.freeze({ k: 1 }) });

  it('applies operators to a copy and leaves the stored version untouched', () => {
    const { doc, modified } = applyUpdate(current, { $set: { 'nested.k': 2 }, $inc: { n: 1 }, $push: { tags: 'b' } });
    expect(modified).toBe(true);
    expect(doc).toEqual({ _id: 1, n: 2, tags: ['a', 'b'], nested: { k: 2 } });
    expect(current).toEqual({ _id: 1, n: 1, tags: ['a'], nested: { k: 1 } });
  });

  it('reports no modification when values do not change, and ignores $setOnInsert on update', () => {
    expect(applyUpdate(current, { $set: { n: 1 } }).modified).toBe(false);
    expect(applyUpdate(current, { $setOnInsert: { created: true } })).toEqual({ doc: current, modified: false });
  });

  it('ignores an _id in $setOnInsert when the upsert matched a stored document, as MongoDB does', () => {
    // Two collections storing the same post: the second upsert matches the first's document.
    const { doc, modified } = applyUpdate(current, { $setOnInsert: { _id: 99, text: 'x' }, $addToSet: { tags: 'c' } });
    expect(modified).toBe(true);
    expect(doc).toEqual({ _id: 1, n: 1, tags: ['a', 'c'], nested: { k: 1 } });
    expect(() => applyUpdate(current, { $set: { _id: 99 } })).toThrow(/immutable field '_id'/);
  });

  it('replaces the whole document but keeps _id first', () => {
    expect(applyUpdate(current, { text: 'new' }).doc).toEqual({ _id: 1, text: 'new' });
    expect(Object.keys(applyUpdate(current, { text: 'new', _id: 1 }).doc)).toEqual(['_id', 'text']);
  });

  it('refuses to change _id', () => {
    expect(() => applyUpdate(current, { $set: { _id: 2 } })).toThrow(expect.objectContaining({ code: 66 }));
    expect(() => applyUpdate(current, { _id: 2, n: 1 })).toThrow(expect.objectContaining({ code: 66 }));
  });

  it('supports pipeline updates, arrayFilters and the positional operator', () => {
    expect(applyUpdate(current, [{ $set: { m: { $add: ['$n', 10] } } }]).doc.m).toBe(11);
    const doc = {
      _id: 1,
      items: [
        { k: 1, v: 0 },
        { k: 2, v: 0 },
      ],
    };
    expect(applyUpdate(doc, { $set: { 'items.$[i].v': 5 } }, { arrayFilters: [{ 'i.k': 2 }] }).doc.items).toEqual([
      { k: 1, v: 0 },
      { k: 2, v: 5 },
    ]);
    expect(applyUpdate(doc, { $set: { 'items.$.v': 7 } }, { filter: { 'items.k': 1 } }).doc.items[0]).toEqual({ k: 1, v: 7 });
  });

  it('names an unknown update operator', () => {
    expect(() => applyUpdate(current, { $frobnicate: { n: 1 } })).toThrow(/\$frobnicate/);
    expect(() => updateKind({ $set: { a: 1 }, b: 2 })).toThrow(expect.objectContaining({ code: 9 }));
  });
});

describe('buildUpsert', () => {
  it('starts from the filter equalities, applies $set and $setOnInsert, then adds an ObjectId', () => {
    const doc = buildUpsert(
      { platform: 'x', externalId: '1', 'author.id': 'u1', likes: { $gt: 3 } },
      { $set: { text: 'hi' }, $setOnInsert: { createdAt: 'now' }, $inc: { seen: 1 } },
    );
    expect(doc._id).toBeInstanceOf(ObjectId);
    expect(Object.keys(doc)[0]).toBe('_id');
    expect(doc).toMatchObject({ platform: 'x', externalId: '1', author: { id: 'u1' }, text: 'hi', createdAt: 'now', seen: 1 });
    expect(doc).not.toHaveProperty('likes');
  });

  it('builds the same document whether top-level operators are applied directly or through mingo', () => {
    const id = new ObjectId();
    const topic = new ObjectId();
    const filter = { ws: 'w', platform: 'x', externalId: '1' };
    // Top-level fields only: the direct path (a mention's upsert).
    const direct = buildUpsert(filter, {
      $setOnInsert: { _id: id, text: 'hi', author: { id: 'u1' }, tags: ['a'] },
      $set: { platform: 'y' },
      $addToSet: { topicIds: topic },
      $inc: { n: 2 },
    });
    expect(direct).toEqual({
      _id: id,
      ws: 'w',
      platform: 'y',
      externalId: '1',
      topicIds: [topic],
      n: 2,
      text: 'hi',
      author: { id: 'u1' },
      tags: ['a'],
    });
    // Fields in the order mingo writes them: the operators in the statement's order, $setOnInsert within $set.
    // A dotted path is built directly too, with the same result for the other fields.
    const viaMingo = buildUpsert(filter, {
      $setOnInsert: { _id: id, text: 'hi', author: { id: 'u1' }, tags: ['a'] },
      $set: { platform: 'y', 'extra.k': 1 },
      $addToSet: { topicIds: topic },
      $inc: { n: 2 },
    });
    expect(viaMingo).toEqual({ ...direct, extra: { k: 1 } });
    expect(Object.keys(viaMingo)).toEqual([...Object.keys(direct).slice(0, 4), 'extra', ...Object.keys(direct).slice(4)]);
  });

  it('adds each distinct value of $addToSet $each once, and leaves a field the filter seeds and non-numeric $inc to mingo', () => {
    expect(buildUpsert({ k: 1 }, { $addToSet: { tags: { $each: ['a', 'b', 'a'] } } }).tags).toEqual(['a', 'b']);
    expect(buildUpsert({ tags: 'a' }, { $set: { n: 1 } })).toMatchObject({ tags: 'a', n: 1 });
    expect(() => buildUpsert({ tags: 'a' }, { $addToSet: { tags: 'b' } })).toThrow(expect.objectContaining({ code: 2 }));
    expect(() => buildUpsert({ k: 1 }, { $inc: { n: 'x' } })).toThrow(expect.objectContaining({ code: 14 }));
  });

  // The direct build against mingo's operators on the same seed, for what rollup rows send (dotted
  // counters, guards by `$max`, numeric parts) and for what it must leave to mingo (conflicts).
  const merged = (u: Document): Document => {
    const { $setOnInsert, ...rest } = u;
    return $setOnInsert ? { ...rest, $set: { ...(rest.$set as Document | undefined), ...($setOnInsert as Document) } } : rest;
  };
  const at = new Date('2026-03-02T10:15:00Z');
  it.each<[string, Document, Document]>([
    [
      'a slot row',
      { ws: 'w', hour: at, 'writers.a': { $not: { $gte: 3 } } },
      { $inc: { count: 2, scoreSum: -0.5, 'langs.pt': 2 }, $max: { 'writers.a': 3 } },
    ],
    [
      'a theme row',
      { ws: 'w', span: 'day' },
      { $inc: { 'm.nc': 2, 'p.cartão bloqueado.nc': 1, 'p.cartão.nc': 2, 'p.cartão.pc': 1 }, $max: { 'writers.a': 3, 'writers.b': 9 } },
    ],
    ['a theme row without phrases', { ws: 'w' }, { $inc: { 'm.up': 1 }, $max: { 'writers.a': 1 }, $setOnInsert: { p: {} } }],
    ['numeric parts make documents', { ws: 'w' }, { $inc: { 'inb.3': 1, 'inb.0': 2, count: 1 } }],
    ['$min and $max of dates and strings', { ws: 'w' }, { $min: { 'first.at': at }, $max: { 'last.at': at, name: 'z' } }],
    [
      '$set and $inc side by side under one parent',
      { ws: 'w' },
      { $set: { 'a.b': 'x' }, $inc: { 'a.c': 1 }, $setOnInsert: { 'a.d': true } },
    ],
  ])('%s: the direct build equals mingo’s', (_name, filter, update) => {
    const direct = buildUpsert(filter, update);
    const viaMingo = applyUpdateToCopy(seedFromFilter(filter), merged(update), undefined, undefined).doc;
    expect({ ...direct, _id: null }).toEqual({ ...viaMingo, _id: null });
    expect(Object.keys(direct).slice(1)).toEqual(Object.keys(viaMingo).filter((k) => k !== '_id'));
    expect(JSON.stringify(direct).slice(JSON.stringify(direct).indexOf(',') + 1)).toBe(JSON.stringify(viaMingo).slice(1));
  });

  it.each<[string, Document]>([
    ['a path twice', { $inc: { 'a.b': 1 }, $max: { 'a.b': 2 } }],
    ['a path inside another', { $inc: { 'a.b': 1 }, $set: { a: {} } }],
    ['a path inside a seeded field', { $inc: { 'k.b': 1 } }],
    // What the engine did before the direct build, MongoDB aside: a part named as a property of every object.
    ['a part named constructor', { $inc: { 'constructor.x': 1 } }],
  ])('%s: left to mingo, refused as MongoDB does', (_name, update) => {
    expect(() => buildUpsert({ k: 1 }, update)).toThrow();
  });

  it('never writes into Object.prototype', () => {
    expect(() => buildUpsert({ k: 1 }, { $inc: { 'a.constructor.prototype.y': 1 } })).toThrow(expect.objectContaining({ code: 2 }));
    expect(() => applyUpdate({ _id: 1, a: {} }, { $inc: { 'a.constructor.prototype.y': 1 } })).toThrow(
      expect.objectContaining({ code: 2 }),
    );
    expect(() => buildUpsert({ k: 1 }, { $set: { 'b.__proto__.z': 1 } })).toThrow();
    expect(({} as Document).y).toBeUndefined();
    expect(({} as Document).z).toBeUndefined();
  });

  it('takes _id from the filter for a replacement upsert', () => {
    expect(buildUpsert({ _id: 'k', $and: [{ a: { $eq: 2 } }] }, { b: 1 })).toEqual({ _id: 'k', b: 1 });
    expect(seedFromFilter({ $and: [{ a: { $eq: 2 } }, { b: { $in: [3] } }], c: /x/ })).toEqual({ a: 2, b: 3 });
  });
});

describe('copyUpdatedPaths (operators write into copies of what they change only)', () => {
  const stored = () => ({
    _id: 1,
    n: 1,
    counts: { a: { x: 1 }, b: { y: 2 } },
    applied: [1, 2, 3],
    items: [
      { k: 1, v: 0 },
      { k: 2, v: 0 },
    ],
    untouched: { deep: { list: [1, 2] } },
    when: new Date(0),
  });

  it.each([
    ['$inc on a nested counter', { $inc: { 'counts.a.x': 1, 'counts.c.z': 1 } }, {}],
    ['$push with $slice', { $push: { applied: { $each: [4], $slice: -3 } } }, {}],
    ['$pull, $addToSet and $pop', { $pull: { applied: 1 }, $addToSet: { 'untouched.deep.list': 3 }, $pop: { 'counts.arr': 1 } }, {}],
    ['$rename and $unset', { $rename: { 'counts.a': 'moved' }, $unset: { 'counts.b.y': '' } }, {}],
    ['$set through an array index', { $set: { 'items.1.v': 9 } }, {}],
    ['the positional $', { $inc: { 'items.$.v': 1 } }, { filter: { 'items.k': 2 } }],
    ['$[]', { $inc: { 'items.$[].v': 1 } }, {}],
    ['$[id]', { $inc: { 'items.$[e].k': 10 } }, { arrayFilters: [{ 'e.k': 1 }] }],
    ['$currentDate, $max and $mul', { $currentDate: { when: true }, $max: { n: 5 }, $mul: { 'counts.b.y': 3 } }, {}],
  ])('%s leaves every value of the stored version as it was', (_name, update, options) => {
    const current = stored();
    const before = structuredClone(current);
    const { doc, modified } = applyUpdate(current, update, options);
    expect(modified).toBe(true);
    expect(current).toEqual(before);
    expect(doc).not.toEqual(before);
  });

  it('shares the fields an update does not name with the stored version, and copies those it does', () => {
    const current = stored();
    const next = copyUpdatedPaths(current, { $inc: { 'counts.a.x': 1 } });
    expect(next).not.toBe(current);
    expect(next.untouched).toBe(current.untouched);
    expect(next.items).toBe(current.items);
    expect(next.counts.b).toBe(current.counts.b);
    expect(next.counts).not.toBe(current.counts);
    expect(next.counts.a).not.toBe(current.counts.a);
  });

  it('copies an array whole when a path goes into its elements', () => {
    const current = stored();
    const next = copyUpdatedPaths(current, { $set: { 'items.0.v': 1 } });
    expect(next.items).not.toBe(current.items);
    expect(next.items[0]).not.toBe(current.items[0]);
    expect(next.items).toEqual(current.items);
  });
});

describe('$inc on plain paths', () => {
  it('adds, starts missing counters at the amount, creates missing documents, and reports changes as mingo does', () => {
    const current = { _id: 1, m: { nc: 2 }, p: { a: { nc: 1 } }, n: 5 };
    const { doc, modified } = applyUpdate(current, { $inc: { 'm.nc': 1, 'p.a.nc': 2, 'p.b.pq': 1, 'q.r': -1.5, n: 0 } });
    expect(modified).toBe(true);
    expect(doc).toEqual({ _id: 1, m: { nc: 3 }, p: { a: { nc: 3 }, b: { pq: 1 } }, n: 5, q: { r: -1.5 } });
    expect(current).toEqual({ _id: 1, m: { nc: 2 }, p: { a: { nc: 1 } }, n: 5 });
    expect(applyUpdate(current, { $inc: { n: 0 } }).modified).toBe(false);
    expect(applyUpdate(current, { $inc: { z: 0 } }).doc.z).toBe(0);
  });

  it('leaves arrays, positional paths and non-numbers to mingo and its errors', () => {
    const current = { _id: 1, list: [{ v: 1 }], s: 'text' };
    expect(applyUpdate(current, { $inc: { 'list.0.v': 1 } }).doc.list).toEqual([{ v: 2 }]);
    expect(applyUpdate(current, { $inc: { 'list.$[].v': 2 } }).doc.list).toEqual([{ v: 3 }]);
    expect(() => applyUpdate(current, { $inc: { s: 1 } })).toThrow(expect.objectContaining({ code: 14 }));
    expect(() => applyUpdate(current, { $inc: { 's.x': 1 } })).toThrow();
    expect(() => applyUpdate(current, { $inc: { _id: 1 } })).toThrow(/immutable field '_id'/);
  });
});

describe('$max and $min on plain paths', () => {
  const current = { _id: 1, writers: { a: 3, b: 9 }, n: 5, s: 'text', d: new Date('2026-01-01T00:00:00Z') };
  it.each<[string, Document, Document | null]>([
    ['a greater number replaces', { $max: { 'writers.a': 4 } }, { writers: { a: 4, b: 9 } }],
    ['a smaller one does not', { $max: { 'writers.b': 7 } }, null],
    ['an equal one does not', { $max: { n: 5 } }, null],
    [
      'a missing field takes the value, in a new document',
      { $max: { 'writers.c': 1, 'w.x': 2 } },
      { writers: { a: 3, b: 9, c: 1 }, w: { x: 2 } },
    ],
    ['$min keeps the smaller', { $min: { n: 2, 'writers.b': 10 } }, { n: 2 }],
    ['with $inc beside it', { $inc: { n: 1 }, $max: { 'writers.a': 5 } }, { n: 6, writers: { a: 5, b: 9 } }],
  ])('%s, as mingo does', (_name, update, changed) => {
    const { doc, modified } = applyUpdate(current, update);
    expect(modified).toBe(changed !== null);
    expect(doc).toEqual({ ...current, ...(changed ?? {}) });
    expect(current.writers).toEqual({ a: 3, b: 9 }); // the stored version is untouched
  });

  it('leaves non-numbers, dates and strings to mingo', () => {
    expect(applyUpdate(current, { $max: { s: 'zzz' } }).doc.s).toBe('zzz');
    expect(applyUpdate(current, { $max: { n: 'a' } }).doc.n).toBe('a'); // a string sorts after numbers (BSON order)
    expect(applyUpdate(current, { $min: { d: new Date('2025-01-01T00:00:00Z') } }).doc.d).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect(applyUpdate(current, { $max: { s: 1 } }).modified).toBe(false); // a number sorts before a string
  });
});

describe('numeric updates in one walk ($inc, $max, $min only)', () => {
  /** What the general path (copy the named paths, then mingo's operators) makes of the same update. */
  const general = (current: Document, update: Document) =>
    applyUpdateToCopy(copyUpdatedPaths(current, update), update, undefined, undefined);
  const wide = (n: number, from = 0) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p.phrase ${from + i}.nc`, 1 + (i % 3)]));
  const stored = () => ({
    _id: 1,
    count: 2,
    m: { nc: 1 },
    p: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`phrase ${i}`, { nc: i, up: 1 }])),
    writers: { 3: 7 },
  });

  it.each<[string, Document]>([
    ['a few counters, some new', { $inc: { count: 1, 'm.nc': 2, 'm.us': 1, 'p.phrase 3.nc': 1, 'p.new one.pq': 1 } }],
    ['a wide update into a wide document', { $inc: { ...wide(30, 20), 'm.nc': 1 }, $max: { 'writers.3': 9 } }],
    ['a wide update into missing documents', { $inc: { ...wide(30, 100), 'q.a.b': 1 } }],
    ['nothing changes', { $inc: { count: 0 }, $max: { 'writers.3': 1 }, $min: { 'm.nc': 5 } }],
    ['$min lowers, $max raises', { $min: { count: -1 }, $max: { 'p.phrase 1.nc': 50 } }],
  ])('%s: the same document, in the same field order, as the general path', (_name, update) => {
    const current = stored();
    const before = structuredClone(current);
    const { doc, modified } = applyUpdate(current, update);
    const expected = general(structuredClone(current), update);
    expect(modified).toBe(expected.modified);
    expect(JSON.stringify(doc)).toBe(JSON.stringify(expected.doc));
    expect(current).toEqual(before); // the stored version is untouched
  });

  it.each<[string, Document, RegExp | number]>([
    ['a path inside another', { $inc: { 'q.a': 1 }, $max: { q: 1 } }, /conflict/],
    ['the same path twice', { $inc: { count: 1 }, $max: { count: 3 } }, /conflict/],
    ['a counter under a number', { $inc: { 'count.x': 1 } }, /./],
    ['a field named constructor', { $inc: { 'p.constructor.nc': 1 } }, /constructor/],
    ['_id', { $inc: { _id: 1 } }, /immutable field '_id'/],
  ])('%s is refused as the general path refuses it', (_name, update, error) => {
    expect(() => applyUpdate(stored(), update)).toThrow(error as RegExp);
  });
});
