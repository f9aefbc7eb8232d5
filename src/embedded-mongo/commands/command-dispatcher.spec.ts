import { deserialize, Long, ObjectId, type Document } from 'bson';
import { Catalog } from '../storage/catalog';
import { dispatchCommand } from './command-dispatcher';
import type { CommandContext } from './command-context';
import { CursorRegistry } from './cursor-registry';

function engine(): { run: (cmd: Document) => Document; catalog: Catalog; cursors: CursorRegistry } {
  const catalog = new Catalog();
  const cursors = new CursorRegistry();
  const ctx: CommandContext = {
    db: 'app',
    catalog,
    cursors,
    connectionId: 7,
    server: { version: '7.0.0', startedAt: new Date(), host: '127.0.0.1', port: 1, connections: { current: 1, totalCreated: 1 } },
  };
  return { run: (cmd) => deserialize(dispatchCommand({ ...cmd, $db: 'app' }, ctx)), catalog, cursors };
}

describe('dispatchCommand', () => {
  it('answers hello as a writable standalone on wire version 21', () => {
    const reply = engine().run({ hello: 1, helloOk: true });
    expect(reply).toMatchObject({
      ok: 1,
      isWritablePrimary: true,
      helloOk: true,
      maxWireVersion: 21,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      logicalSessionTimeoutMinutes: 30,
      connectionId: 7,
    });
    expect(reply).not.toHaveProperty('setName');
    expect(reply).not.toHaveProperty('topologyVersion');
  });

  it('names an unknown command with code 59 and refuses transactions like a standalone mongod', () => {
    expect(engine().run({ frobnicate: 1 })).toEqual({
      ok: 0,
      errmsg: "no such command: 'frobnicate'",
      code: 59,
      codeName: 'CommandNotFound',
    });
    expect(
      engine().run({ insert: 'x', documents: [{}], txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false }),
    ).toMatchObject({
      ok: 0,
      code: 20,
    });
  });

  it('hands out find results in batches through getMore and closes the cursor at the end', () => {
    const { run, cursors } = engine();
    run({ insert: 'items', documents: Array.from({ length: 250 }, (_, i) => ({ _id: i, n: i })) });
    const first = run({ find: 'items', filter: { n: { $gte: 10 } }, sort: { n: -1 } });
    expect(first.cursor.firstBatch).toHaveLength(101);
    expect(first.cursor.firstBatch[0]).toEqual({ _id: 249, n: 249 });
    const id = first.cursor.id;
    const second = run({ getMore: id, collection: 'items', batchSize: 100 });
    expect(second.cursor.nextBatch).toHaveLength(100);
    const last = run({ getMore: id, collection: 'items' });
    expect(last.cursor.nextBatch.map((d: Document) => d.n)).toEqual(Array.from({ length: 39 }, (_, i) => 48 - i));
    expect(last.cursor.id).toBe(0);
    expect(cursors.size).toBe(0);
    expect(run({ getMore: id, collection: 'items' })).toMatchObject({ ok: 0, code: 43 });
    expect(run({ find: 'items', limit: 5 }).cursor).toMatchObject({ id: 0 });
  });

  it('reports ordered and unordered write errors as MongoDB does', () => {
    const { run } = engine();
    run({ createIndexes: 'users', indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }] });
    const docs = [
      { _id: 1, email: 'a' },
      { _id: 2, email: 'a' },
      { _id: 3, email: 'b' },
    ];
    const ordered = run({ insert: 'users', documents: docs });
    expect(ordered).toMatchObject({
      ok: 1,
      n: 1,
      writeErrors: [{ index: 1, code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a' } }],
    });
    run({ delete: 'users', deletes: [{ q: {}, limit: 0 }] });
    const unordered = run({ insert: 'users', documents: docs, ordered: false });
    expect(unordered.n).toBe(2);
    expect(unordered.writeErrors).toHaveLength(1);
    const fam = run({ findAndModify: 'users', query: { _id: 3 }, update: { $set: { email: 'a' } } });
    expect(fam).toMatchObject({ ok: 0, code: 11000, codeName: 'DuplicateKey', keyValue: { email: 'a' } });
  });

  it('reports update counts, upserted ids and pipeline updates', () => {
    const { run } = engine();
    run({
      insert: 'c',
      documents: [
        { _id: 1, n: 1 },
        { _id: 2, n: 2 },
      ],
    });
    expect(run({ update: 'c', updates: [{ q: {}, u: { $inc: { n: 1 } }, multi: true }] })).toMatchObject({ n: 2, nModified: 2 });
    const upsert = run({ update: 'c', updates: [{ q: { _id: 9 }, u: { $set: { n: 0 } }, upsert: true }] });
    expect(upsert).toMatchObject({ n: 1, nModified: 0, upserted: [{ index: 0, _id: 9 }] });
    run({ update: 'c', updates: [{ q: { _id: 1 }, u: [{ $set: { double: { $multiply: ['$n', 2] } } }] }] });
    expect(run({ find: 'c', filter: { _id: 1 } }).cursor.firstBatch).toEqual([{ _id: 1, n: 2, double: 4 }]);
  });

  it('runs guarded upserts (a key and scalar comparisons) exactly, and refuses a bad filter even when nothing matches', () => {
    const { run } = engine();
    const guarded = (seq: number, n: number) => ({
      q: { k: 'row', 'writers.a': { $not: { $gte: seq } }, other: { $in: [null, 1] } },
      u: { $inc: { n }, $max: { 'writers.a': seq } },
      upsert: true,
    });
    expect(run({ update: 'c', updates: [guarded(1, 1)] })).toMatchObject({ n: 1, upserted: [{ index: 0 }] });
    expect(run({ update: 'c', updates: [guarded(2, 2)] })).toMatchObject({ n: 1, nModified: 1 });
    // Taken already: the filter does not match, and the upsert meets the unique key (none here: a second row).
    expect(run({ update: 'c', updates: [{ ...guarded(2, 5), upsert: false }] })).toMatchObject({ n: 0, nModified: 0 });
    expect(run({ find: 'c', filter: { k: 'row' }, projection: { _id: 0 } }).cursor.firstBatch).toEqual([
      { k: 'row', n: 3, writers: { a: 2 } },
    ]);
    for (const q of [
      { k: 'none', a: { $bogus: 1 } },
      { k: 'none', a: { $not: { $bogus: 1 } } },
    ]) {
      expect(run({ update: 'c', updates: [{ q, u: { $set: { z: 1 } }, upsert: true }] })).toMatchObject({
        writeErrors: [expect.objectContaining({ index: 0 })],
      });
    }
    expect(run({ count: 'c' }).n).toBe(1);
  });

  it('never lets an aggregation write into stored documents', () => {
    const { run } = engine();
    run({
      insert: 'm',
      documents: [
        { _id: 1, author: { handle: 'a', email: 'e' }, tags: [] },
        { _id: 2, author: { handle: 'b' }, tags: ['x', 'y'] },
      ],
    });
    const pipelines: Document[][] = [
      [{ $addFields: { 'author.handle': 'changed' } }],
      [{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }],
      [{ $project: { 'author.email': 0 } }],
      [{ $facet: { a: [{ $set: { 'author.x': 1 } }] } }],
    ];
    for (const pipeline of pipelines) expect(run({ aggregate: 'm', pipeline, cursor: {} }).ok).toBe(1);
    expect(run({ find: 'm', projection: { 'author.email': 0 } }).cursor.firstBatch[0]).toEqual({
      _id: 1,
      author: { handle: 'a' },
      tags: [],
    });
    expect(run({ find: 'm' }).cursor.firstBatch).toEqual([
      { _id: 1, author: { handle: 'a', email: 'e' }, tags: [] },
      { _id: 2, author: { handle: 'b' }, tags: ['x', 'y'] },
    ]);
  });

  it('joins with $lookup and writes with $out and $merge', () => {
    const { run } = engine();
    const topic = new ObjectId();
    run({ insert: 'topics', documents: [{ _id: topic, name: 'T' }] });
    run({
      insert: 'mentions',
      documents: [
        { _id: 1, topicId: topic },
        { _id: 2, topicId: topic },
      ],
    });
    const joined = run({
      aggregate: 'mentions',
      pipeline: [
        { $lookup: { from: 'topics', localField: 'topicId', foreignField: '_id', as: 't' } },
        { $project: { name: { $first: '$t.name' } } },
      ],
      cursor: {},
    });
    expect(joined.cursor.firstBatch).toEqual([
      { _id: 1, name: 'T' },
      { _id: 2, name: 'T' },
    ]);
    run({ aggregate: 'mentions', pipeline: [{ $group: { _id: '$topicId', n: { $sum: 1 } } }, { $out: 'rollup' }], cursor: {} });
    expect(run({ find: 'rollup' }).cursor.firstBatch).toEqual([{ _id: topic, n: 2 }]);
    run({
      aggregate: 'mentions',
      pipeline: [{ $group: { _id: '$topicId', extra: { $sum: 10 } } }, { $merge: { into: 'rollup' } }],
      cursor: {},
    });
    expect(run({ find: 'rollup' }).cursor.firstBatch).toEqual([{ _id: topic, n: 2, extra: 20 }]);
  });

  it('names unsupported stages, operators and collection options', () => {
    const { run } = engine();
    run({ insert: 'c', documents: [{ _id: 1 }] });
    expect(run({ aggregate: 'c', pipeline: [{ $search: {} }], cursor: {} })).toMatchObject({
      ok: 0,
      code: 40324,
      errmsg: expect.stringContaining('$search'),
    });
    expect(run({ find: 'c', filter: { $where: 'true' } })).toMatchObject({ ok: 0, errmsg: expect.stringContaining('$where') });
    expect(run({ update: 'c', updates: [{ q: {}, u: { $frob: { a: 1 } } }] }).writeErrors[0].errmsg).toContain('$frob');
    expect(run({ create: 'ts', timeseries: { timeField: 't' } })).toMatchObject({ ok: 0, errmsg: expect.stringContaining('timeseries') });
    expect(run({ aggregate: 'c', pipeline: [] })).toMatchObject({ ok: 0, code: 9 });
  });

  it('manages collections and indexes', () => {
    const { run } = engine();
    expect(run({ create: 'a' }).ok).toBe(1);
    expect(run({ create: 'a' })).toMatchObject({ ok: 0, code: 48 });
    run({ insert: 'b', documents: [{ x: 1 }] });
    expect(run({ listCollections: 1, filter: { name: 'b' }, nameOnly: true }).cursor.firstBatch).toEqual([
      { name: 'b', type: 'collection' },
    ]);
    expect(run({ createIndexes: 'b', indexes: [{ key: { x: 1 }, name: 'x_1' }] })).toMatchObject({
      numIndexesBefore: 1,
      numIndexesAfter: 2,
    });
    expect(run({ createIndexes: 'b', indexes: [{ key: { x: 1 }, name: 'x_1' }] })).toMatchObject({ note: 'all indexes already exist' });
    expect(run({ listIndexes: 'b' }).cursor.firstBatch.map((i: Document) => i.name)).toEqual(['_id_', 'x_1']);
    expect(run({ dropIndexes: 'b', index: { x: 1 } })).toMatchObject({ ok: 1, nIndexesWas: 2 });
    expect(run({ listIndexes: 'nope' })).toMatchObject({ ok: 0, code: 26 });
    expect(run({ count: 'b' }).n).toBe(1);
    expect(run({ drop: 'b' }).ok).toBe(1);
    expect(run({ listDatabases: 1, nameOnly: true }).databases).toEqual([{ name: 'app' }]);
    expect(run({ dropDatabase: 1 }).ok).toBe(1);
    expect(run({ listCollections: 1 }).cursor.firstBatch).toEqual([]);
  });
});
