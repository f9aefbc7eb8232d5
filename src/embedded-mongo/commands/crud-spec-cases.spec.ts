import {
  Binary,
  MongoClient,
  MongoServerError,
  Timestamp,
  type AnyBulkWriteOperation,
  type CollationOptions,
  type Collection,
  type Db,
  type Document,
} from 'mongodb';
import { EngineServer } from '../server/engine-server';

/**
 * Cases from MongoDB's CRUD specification tests (github.com/mongodb/specifications,
 * source/crud/tests: v1/read|write/*-collation.json, unified/*-let.json, updateOne-sort.json,
 * updateWithPipelines.json, *-dots_and_dollars.json), run through the real Node driver against the
 * engine over the wire. Each case is initial data, one operation, and the expected outcome: the
 * result, or the error a 7.0 server gives (or, where the engine does not implement something, an
 * error naming it), and the collection afterwards.
 */

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
let server: EngineServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  server = new EngineServer({ logger: silent });
  const { uri } = await server.start();
  client = await MongoClient.connect(uri);
  db = client.db('crud-tests');
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

async function given(documents: Document[]): Promise<void> {
  await db
    .collection('coll0')
    .drop()
    .catch(() => undefined);
  if (documents.length) await db.collection('coll0').insertMany(documents);
}

/** Spec data uses any _id type and any values, which the driver's default schema types do not allow. */
type SpecDocument = any;
const coll = (): Collection<SpecDocument> => db.collection('coll0');
const outcome = () => coll().find({}).sort({ _id: 1 }).toArray();

async function serverError(run: () => Promise<unknown>): Promise<MongoServerError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof MongoServerError) return err;
    throw err;
  }
  throw new Error('expected a server error, the operation succeeded');
}

const CI = { locale: 'en_US', strength: 2 } as const;
const PINGS = [
  { _id: 1, x: 11 },
  { _id: 2, x: 'ping' },
  { _id: 3, x: 'pINg' },
];

describe('collation (case- and accent-insensitive comparison)', () => {
  it('find: a case-insensitive match for "PING" returns "ping"', async () => {
    await given([
      { _id: 1, x: 11 },
      { _id: 2, x: 'ping' },
    ]);
    expect(await coll().find({ x: 'PING' }, { collation: CI }).toArray()).toEqual([{ _id: 2, x: 'ping' }]);
    expect(await coll().find({ x: 'PING' }).toArray()).toEqual([]);
  });

  it('countDocuments with collation counts "PING" for "ping"', async () => {
    await given([{ _id: 1, x: 'PING' }]);
    expect(await coll().countDocuments({ x: 'ping' }, { collation: CI })).toBe(1);
  });

  it('the count command with collation counts "PING" for "ping"', async () => {
    await given([{ _id: 1, x: 'PING' }]);
    expect(await db.command({ count: 'coll0', query: { x: 'ping' }, collation: CI })).toMatchObject({ n: 1, ok: 1 });
    expect(await db.command({ count: 'coll0', query: { x: 'ping' } })).toMatchObject({ n: 0 });
  });

  it('distinct with collation returns one of "PING" and "ping"', async () => {
    await given([
      { _id: 1, string: 'PING' },
      { _id: 2, string: 'ping' },
    ]);
    expect(await coll().distinct('string', {}, { collation: CI })).toEqual(['PING']);
    expect(await coll().distinct('string', {})).toEqual(['PING', 'ping']);
  });

  it('aggregate with collation: $match compares case-insensitively', async () => {
    await given([{ _id: 1, x: 'ping' }]);
    expect(
      await coll()
        .aggregate([{ $match: { x: 'PING' } }], { collation: CI })
        .toArray(),
    ).toEqual([{ _id: 1, x: 'ping' }]);
  });

  it('deleteOne with collation deletes the first case-insensitive match', async () => {
    await given(PINGS);
    expect(await coll().deleteOne({ x: 'PING' }, { collation: CI })).toMatchObject({ deletedCount: 1 });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 3, x: 'pINg' },
    ]);
  });

  it('deleteMany with collation deletes every case-insensitive match', async () => {
    await given(PINGS);
    expect(await coll().deleteMany({ x: 'PING' }, { collation: CI })).toMatchObject({ deletedCount: 2 });
    expect(await outcome()).toEqual([{ _id: 1, x: 11 }]);
  });

  it('updateOne with collation updates the first case-insensitive match', async () => {
    await given(PINGS);
    expect(await coll().updateOne({ x: 'PING' }, { $set: { x: 1 } }, { collation: CI })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 1 },
      { _id: 3, x: 'pINg' },
    ]);
  });

  it('updateMany with collation updates every case-insensitive match', async () => {
    await given(PINGS);
    expect(await coll().updateMany({ x: 'ping' }, { $set: { x: 'pong' } }, { collation: CI })).toMatchObject({
      matchedCount: 2,
      modifiedCount: 2,
    });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 'pong' },
      { _id: 3, x: 'pong' },
    ]);
  });

  it('replaceOne with collation replaces the first case-insensitive match', async () => {
    await given(PINGS);
    expect(await coll().replaceOne({ x: 'PING' }, { _id: 2, x: 'pong' }, { collation: CI })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 'pong' },
      { _id: 3, x: 'pINg' },
    ]);
  });

  it('findOneAndDelete with collation and a sort deletes the first match in that order', async () => {
    await given(PINGS);
    const found = await coll().findOneAndDelete(
      { _id: { $gt: 1 }, x: 'PING' },
      { collation: CI, sort: { _id: -1 }, projection: { x: 1, _id: 0 } },
    );
    expect(found).toEqual({ x: 'pINg' });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 'ping' },
    ]);
  });

  it('findOneAndUpdate with collation updates a case-insensitive match', async () => {
    await given(PINGS);
    const found = await coll().findOneAndUpdate(
      { x: 'PING' },
      { $set: { x: 'pong' } },
      { collation: CI, sort: { _id: 1 }, returnDocument: 'after' },
    );
    expect(found).toEqual({ _id: 2, x: 'pong' });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 'pong' },
      { _id: 3, x: 'pINg' },
    ]);
  });

  it('findOneAndReplace with collation replaces a case-insensitive match', async () => {
    await given(PINGS);
    const found = await coll().findOneAndReplace(
      { x: 'PING' },
      { x: 'pong' },
      { collation: CI, sort: { _id: -1 }, projection: { _id: 1 } },
    );
    expect(found).toEqual({ _id: 3 });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 'ping' },
      { _id: 3, x: 'pong' },
    ]);
  });

  it('bulkWrite with a collation on each statement', async () => {
    await given([
      { _id: 1, x: 11 },
      { _id: 2, x: 'ping' },
      { _id: 3, x: 'pINg' },
      { _id: 4, x: 'pinG' },
      { _id: 5, x: 'pONg' },
      { _id: 6, x: 'pong' },
    ]);
    const result = await coll().bulkWrite(
      [
        { deleteOne: { filter: { x: 'PING' }, collation: CI } },
        { deleteMany: { filter: { x: 'PING' }, collation: CI } },
        { updateOne: { filter: { x: 'PONG' }, update: { $set: { x: 'pong1' } }, collation: CI } },
        { updateMany: { filter: { x: 'PONG' }, update: { $set: { x: 'pong2' } }, collation: CI } },
        { replaceOne: { filter: { x: 'PONG2' }, replacement: { x: 'pong3' }, collation: CI } },
      ],
      { ordered: true },
    );
    expect(result).toMatchObject({ deletedCount: 3, matchedCount: 3, modifiedCount: 3 });
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 5, x: 'pong1' },
      { _id: 6, x: 'pong3' },
    ]);
  });

  it('strength 1 also ignores accents; strength 2 keeps them apart; $ne, $in and $nin follow the collation', async () => {
    await given([
      { _id: 1, w: 'Café' },
      { _id: 2, w: 'cafe' },
      { _id: 3, w: 'CAFÉ' },
      { _id: 4, w: 'tea' },
    ]);
    const ids = async (filter: Document, collation: CollationOptions) =>
      (
        await coll()
          .find(filter, { collation, sort: { _id: 1 } })
          .toArray()
      ).map((d) => d._id);
    expect(await ids({ w: 'cafe' }, { locale: 'fr', strength: 1 })).toEqual([1, 2, 3]);
    expect(await ids({ w: 'cafe' }, { locale: 'fr', strength: 2 })).toEqual([2]);
    expect(await ids({ w: 'café' }, { locale: 'fr', strength: 2 })).toEqual([1, 3]);
    expect(await ids({ w: 'café' }, { locale: 'fr', strength: 3 })).toEqual([]);
    expect(await ids({ w: { $ne: 'CAFE' } }, { locale: 'fr', strength: 1 })).toEqual([4]);
    expect(await ids({ w: { $in: ['TEA', 'CAFE'] } }, { locale: 'fr', strength: 2 })).toEqual([2, 4]);
    expect(await ids({ w: { $nin: ['TEA', 'CAFE'] } }, { locale: 'fr', strength: 2 })).toEqual([1, 3]);
    expect(await ids({ $expr: { $eq: ['$w', 'CAFE'] } }, { locale: 'fr', strength: 1 })).toEqual([1, 2, 3]);
    expect(await ids({ w: 'cafe' }, { locale: 'simple' })).toEqual([2]);
  });

  it('sorts by the collation: lower and upper case together', async () => {
    await given([
      { _id: 1, n: 'b' },
      { _id: 2, n: 'B' },
      { _id: 3, n: 'a' },
      { _id: 4, n: 'C' },
    ]);
    const sorted = await coll()
      .find({}, { sort: { n: 1, _id: 1 }, collation: { locale: 'en', strength: 1 } })
      .toArray();
    expect(sorted.map((d) => d.n)).toEqual(['a', 'b', 'B', 'C']);
    expect(
      (
        await coll()
          .find({}, { sort: { n: 1 } })
          .toArray()
      ).map((d) => d.n),
    ).toEqual(['B', 'C', 'a', 'b']);
  });

  it('refuses, by name, collation options and operators the engine cannot apply, and changes nothing', async () => {
    await given(PINGS);
    const cases: [string, () => Promise<unknown>, number, RegExp][] = [
      [
        'strength 4',
        () =>
          coll()
            .find({ x: 'ping' }, { collation: { locale: 'en', strength: 4 } })
            .toArray(),
        2,
        /collation strength 4/,
      ],
      [
        'alternate',
        () =>
          coll()
            .find({}, { collation: { locale: 'en', alternate: 'shifted' } })
            .toArray(),
        2,
        /alternate 'shifted'/,
      ],
      ['backwards', () => coll().countDocuments({}, { collation: { locale: 'fr', backwards: true } }), 2, /backwards/],
      [
        'unknown field',
        () =>
          coll()
            .find({}, { collation: { locale: 'en', strenght: 1 } as CollationOptions })
            .toArray(),
        40415,
        /collation\.strenght/,
      ],
      [
        'bad locale',
        () =>
          coll()
            .find({}, { collation: { locale: 'xx_NOPE_1' } })
            .toArray(),
        2,
        /locale/,
      ],
      [
        '$group',
        () =>
          coll()
            .aggregate([{ $group: { _id: '$x' } }], { collation: CI })
            .toArray(),
        2,
        /\$group/,
      ],
      ['$addToSet', () => coll().updateOne({ _id: 1 }, { $addToSet: { tags: 'A' } }, { collation: CI }), 2, /\$addToSet/],
      ['$pull', () => coll().updateMany({}, { $pull: { tags: 'A' } as Document }, { collation: CI }), 2, /\$pull/],
      [
        '$all',
        () =>
          coll()
            .find({ x: { $all: ['PING'] } }, { collation: CI })
            .toArray(),
        2,
        /\$all/,
      ],
      [
        'arrayFilters',
        () => coll().updateOne({ _id: 1 }, { $set: { 'a.$[e]': 1 } }, { collation: CI, arrayFilters: [{ e: 'A' }] }),
        2,
        /arrayFilters/,
      ],
    ];
    for (const [name, run, code, message] of cases) {
      const error = await serverError(run);
      expect({ name, code: error.code }).toEqual({ name, code });
      expect(error.message).toMatch(message);
    }
    expect(await outcome()).toEqual(PINGS);
  });
});

describe('let variables', () => {
  it('find with let: $$id in $expr is the variable', async () => {
    await given([{ _id: 1 }, { _id: 2 }]);
    expect(
      await coll()
        .find({ $expr: { $eq: ['$_id', '$$id'] } }, { let: { id: 1 } })
        .toArray(),
    ).toEqual([{ _id: 1 }]);
  });

  it('a let value is an expression, evaluated: { $add: [1, 2] } gives 3', async () => {
    await given([
      { _id: 1, n: 3 },
      { _id: 2, n: 4 },
    ]);
    expect(
      await coll()
        .find({ $expr: { $eq: ['$n', '$$r'] } }, { let: { r: { $add: [1, 2] } } })
        .toArray(),
    ).toEqual([{ _id: 1, n: 3 }]);
    const projected = await coll()
      .aggregate([{ $match: { _id: 2 } }, { $project: { _id: 0, r: '$$r' } }], { let: { r: { $add: [1, 2] } } })
      .toArray();
    expect(projected).toEqual([{ r: 3 }]);
  });

  it('updateOne with let: { $literal: "bar" } is stored as "bar", { $literal: "$bar" } as "$bar"', async () => {
    await given([{ _id: 1 }, { _id: 2 }]);
    const filter = { $expr: { $eq: ['$_id', '$$id'] } };
    const result = await coll().updateOne(filter, [{ $set: { x: '$$x', y: '$$y' } }], { let: { id: 1, x: 'foo', y: { $literal: 'bar' } } });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await outcome()).toEqual([{ _id: 1, x: 'foo', y: 'bar' }, { _id: 2 }]);
    await coll().updateOne(filter, [{ $set: { y: '$$y' } }], { let: { id: 2, y: { $literal: '$bar' }, rand: { $rand: {} } } });
    expect(await outcome()).toEqual([
      { _id: 1, x: 'foo', y: 'bar' },
      { _id: 2, y: '$bar' },
    ]);
  });

  it('deleteMany and findOneAndUpdate with let', async () => {
    await given([
      { _id: 1, name: 'a' },
      { _id: 2, name: 'b' },
      { _id: 3, name: 'c' },
    ]);
    expect(await coll().deleteMany({ $expr: { $eq: ['$name', '$$name'] } }, { let: { name: { $concat: ['', 'a'] } } })).toMatchObject({
      deletedCount: 1,
    });
    const updated = await coll().findOneAndUpdate({ $expr: { $eq: ['$name', '$$name'] } }, [{ $set: { x: '$$x' } }], {
      let: { name: 'b', x: { $multiply: [2, 21] } },
      returnDocument: 'after',
    });
    expect(updated).toEqual({ _id: 2, name: 'b', x: 42 });
    expect(await outcome()).toEqual([
      { _id: 2, name: 'b', x: 42 },
      { _id: 3, name: 'c' },
    ]);
  });
});

describe('what a 7.0 server refuses', () => {
  const UNKNOWN_SORT = /BSON field 'update\.updates\.sort' is an unknown field/;

  it('updateOne with a sort option (added in 8.0) is an unknown field, nothing changes', async () => {
    await given([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ]);
    const error = await serverError(() => coll().updateOne({ _id: { $gt: 0 } }, { $inc: { x: 1 } }, { sort: { _id: -1 } }));
    expect(error.code).toBe(40415);
    expect(error.message).toMatch(UNKNOWN_SORT);
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ]);
  });

  it('replaceOne with a sort option is an unknown field, nothing changes', async () => {
    await given([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ]);
    const error = await serverError(() => coll().replaceOne({ _id: { $gt: 0 } }, { x: 1 }, { sort: { _id: -1 } }));
    expect(error.code).toBe(40415);
    expect(error.message).toMatch(UNKNOWN_SORT);
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ]);
  });

  it('bulkWrite updateOne and replaceOne with a sort option are refused the same way', async () => {
    await given([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ]);
    const operations: AnyBulkWriteOperation<SpecDocument>[] = [
      { updateOne: { filter: {}, update: { $inc: { x: 1 } }, sort: { _id: -1 } } },
      { replaceOne: { filter: {}, replacement: { x: 1 }, sort: { _id: -1 } } },
    ];
    for (const op of operations) {
      const error = await serverError(() => coll().bulkWrite([op]));
      expect(error.code).toBe(40415);
    }
    expect(await outcome()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ]);
  });

  it('insertOne with a dollar-prefixed key in _id is refused with code 52; arrays and regexes with 2', async () => {
    await given([]);
    const dollar = await serverError(() => coll().insertOne({ _id: { $a: 1 } }));
    expect(dollar.code).toBe(52);
    expect(dollar.message).toBe("_id fields may not contain '$'-prefixed fields: $a is not valid for storage.");
    const array = await serverError(() => coll().insertOne({ _id: [1, 2] }));
    expect([array.code, array.message]).toEqual([2, "can't use an array for _id"]);
    const regex = await serverError(() => coll().insertOne({ _id: /a/ }));
    expect([regex.code, regex.message]).toEqual([2, "can't use a regex for _id"]);
    await coll().insertOne({ _id: { a: { $ref: 'x', $id: 1 } }, ok: true });
    expect(await coll().countDocuments({})).toBe(1);
  });

  it('unknown command fields are refused; the fields drivers send are accepted', async () => {
    await given([{ _id: 1 }]);
    const error = await serverError(() => db.command({ find: 'coll0', filter: {}, frobnicate: true }));
    expect([error.code, error.message]).toEqual([40415, "BSON field 'find.frobnicate' is an unknown field."]);
    const stmt = await serverError(() => db.command({ delete: 'coll0', deletes: [{ q: {}, limit: 0, sort: { _id: 1 } }] }));
    expect(stmt.message).toBe("BSON field 'delete.deletes.sort' is an unknown field.");
    for (const [option, message] of [
      ['min', /'find\.min'/],
      ['returnKey', /'find\.returnKey'/],
      ['showRecordId', /'find\.showRecordId'/],
    ] as const) {
      const refused = await serverError(() => db.command({ find: 'coll0', [option]: option === 'min' ? { _id: 0 } : true }));
      expect(refused.code).toBe(2);
      expect(refused.message).toMatch(message);
    }
    const snapshot = await serverError(() => db.command({ find: 'coll0', readConcern: { level: 'snapshot' } }));
    expect(snapshot.message).toMatch(/readConcern level 'snapshot'/);
    const session = client.startSession();
    try {
      const found = await coll()
        .find({}, { session, comment: 'c', maxTimeMS: 5000, readConcern: { level: 'majority' } })
        .toArray();
      expect(found).toEqual([{ _id: 1 }]);
    } finally {
      await session.endSession();
    }
    expect(await outcome()).toEqual([{ _id: 1 }]);
  });

  it('a hint names an existing index; a hint on a sparse index is refused rather than ignored', async () => {
    await given([{ _id: 1, a: 1 }, { _id: 2 }]);
    await coll().createIndex({ a: 1 }, { name: 'a_1' });
    await coll().createIndex({ b: 1 }, { name: 'b_sparse', sparse: true });
    expect(await coll().find({}, { hint: 'a_1' }).toArray()).toHaveLength(2);
    expect(
      await coll()
        .find({}, { hint: { a: 1 } })
        .toArray(),
    ).toHaveLength(2);
    const missing = await serverError(() => coll().find({}, { hint: 'nope' }).toArray());
    expect([missing.code, missing.message]).toEqual([2, 'hint provided does not correspond to an existing index']);
    const sparse = await serverError(() => coll().countDocuments({}, { hint: 'b_sparse' }));
    expect(sparse.message).toMatch(/sparse index 'b_sparse'/);
  });
});

describe('update pipelines (MongoDB semantics)', () => {
  const setField = (field: string, input: unknown) => ({ $setField: { field: { $literal: field }, value: 1, input } });

  it('upsert setting a top-level dollar-prefixed key with $setField', async () => {
    await given([]);
    const result = await coll().updateOne({ _id: 1 }, [{ $replaceWith: setField('$a', '$$ROOT') }], { upsert: true });
    expect(result).toMatchObject({ upsertedCount: 1, upsertedId: 1 });
    expect(await outcome()).toEqual([{ _id: 1, $a: 1 }]);
  });

  it('upsert setting a top-level dotted key with $setField', async () => {
    await given([]);
    await coll().updateOne({ _id: 1 }, [{ $replaceWith: setField('a.b', '$$ROOT') }], { upsert: true });
    expect(await outcome()).toEqual([{ _id: 1, 'a.b': 1 }]);
  });

  it('updateOne setting a dollar-prefixed key in an embedded document', async () => {
    await given([{ _id: 1, foo: {} }]);
    const result = await coll().updateOne({ _id: 1 }, [{ $set: { foo: setField('$a', '$foo') } }]);
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await outcome()).toEqual([{ _id: 1, foo: { $a: 1 } }]);
  });

  it('updateOne setting a dotted key in an embedded document', async () => {
    await given([{ _id: 1, foo: {} }]);
    await coll().updateOne({ _id: 1 }, [{ $set: { foo: setField('a.b', '$foo') } }]);
    expect(await outcome()).toEqual([{ _id: 1, foo: { 'a.b': 1 } }]);
  });

  it('updateMany setting a dollar-prefixed key on an existing document', async () => {
    await given([
      { _id: 1, foo: {} },
      { _id: 2, foo: { b: 2 } },
    ]);
    const result = await coll().updateMany({}, [{ $replaceWith: setField('$a', '$$ROOT') }]);
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await outcome()).toEqual([
      { _id: 1, foo: {}, $a: 1 },
      { _id: 2, foo: { b: 2 }, $a: 1 },
    ]);
  });

  const PIPELINE_DATA = [
    { _id: 1, x: 1, y: 1, t: { u: { v: 1 } } },
    { _id: 2, x: 2, y: 1 },
  ];

  it('updateOne with $replaceRoot whose new root lacks _id keeps the original _id', async () => {
    await given(PIPELINE_DATA);
    const result = await coll().updateOne({ _id: 1 }, [{ $replaceRoot: { newRoot: '$t' } }, { $addFields: { foo: 1 } }]);
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await outcome()).toEqual([
      { _id: 1, u: { v: 1 }, foo: 1 },
      { _id: 2, x: 2, y: 1 },
    ]);
  });

  it('updateMany using a $project pipeline', async () => {
    await given(PIPELINE_DATA);
    await coll().updateMany({}, [{ $project: { x: 1 } }, { $addFields: { foo: 1 } }]);
    expect(await outcome()).toEqual([
      { _id: 1, x: 1, foo: 1 },
      { _id: 2, x: 2, foo: 1 },
    ]);
  });

  it('findOneAndUpdate using a pipeline', async () => {
    await given(PIPELINE_DATA);
    const before = await coll().findOneAndUpdate({ _id: 1 }, [{ $project: { x: 1 } }, { $addFields: { foo: 1 } }]);
    expect(before).toEqual(PIPELINE_DATA[0]);
    expect(await outcome()).toEqual([
      { _id: 1, x: 1, foo: 1 },
      { _id: 2, x: 2, y: 1 },
    ]);
  });

  it('updateOne and updateMany in a bulk write using pipelines', async () => {
    await given(PIPELINE_DATA);
    await coll().bulkWrite([{ updateOne: { filter: { _id: 1 }, update: [{ $replaceWith: '$t' }, { $addFields: { foo: 1 } }] } }]);
    expect(await outcome()).toEqual([
      { _id: 1, u: { v: 1 }, foo: 1 },
      { _id: 2, x: 2, y: 1 },
    ]);
    const result = await coll().bulkWrite([{ updateMany: { filter: {}, update: [{ $project: { x: 1 } }, { $addFields: { foo: 1 } }] } }]);
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await outcome()).toEqual([
      { _id: 1, foo: 1 },
      { _id: 2, x: 2, foo: 1 },
    ]);
  });

  it('a pipeline changing _id is refused with 66; a stage not allowed in updates with 72; nothing changes', async () => {
    await given(PIPELINE_DATA);
    const immutable = await serverError(() => coll().updateOne({ _id: 1 }, [{ $replaceWith: { _id: 9 } }]));
    expect(immutable.code).toBe(66);
    const stage = await serverError(() => coll().updateOne({ _id: 1 }, [{ $group: { _id: null } }] as Document[]));
    expect([stage.code, stage.message]).toEqual([72, '$group is not allowed to be used within an update']);
    expect(await outcome()).toEqual(PIPELINE_DATA);
  });
});

describe('no answer computed without what was asked', () => {
  it('a sort other than 1 or -1 is error 15975; a $meta sort is refused by name', async () => {
    await given([{ _id: 1 }, { _id: 2 }]);
    const two = await serverError(() => db.command({ find: 'coll0', sort: { _id: 2 } }));
    expect([two.code, two.message]).toEqual([15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)']);
    const meta = await serverError(() =>
      coll()
        .aggregate([{ $facet: { top: [{ $sort: { s: { $meta: 'textScore' } } }] } }])
        .toArray(),
    );
    expect([meta.code, meta.message]).toEqual([2, 'sorting by { $meta: "textScore" } is not supported by the embedded engine']);
    const fam = await serverError(() => db.command({ findAndModify: 'coll0', query: {}, remove: true, sort: { _id: 0 } }));
    expect(fam.code).toBe(15975);
    expect(await outcome()).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it('$dateAdd in a time zone, $dateFromString in a named zone and $toHashedIndexKey are refused; UTC is computed', async () => {
    await given([{ _id: 1, at: new Date('2026-03-28T12:00:00Z') }]);
    const project = (expr: Document) =>
      coll()
        .aggregate([{ $project: { _id: 0, v: expr } }])
        .toArray();
    const lisbon = await serverError(() => project({ $dateAdd: { startDate: '$at', unit: 'day', amount: 1, timezone: 'Europe/Lisbon' } }));
    expect([lisbon.code, lisbon.message]).toEqual([2, "$dateAdd with timezone 'Europe/Lisbon' is not supported by the embedded engine"]);
    const parsed = await serverError(() =>
      project({ $dateFromString: { dateString: '2026-07-01T00:00:00', timezone: 'America/New_York' } }),
    );
    expect(parsed.message).toMatch(/\$dateFromString with timezone 'America\/New_York'/);
    expect((await serverError(() => project({ $toHashedIndexKey: '$_id' }))).message).toMatch(/\$toHashedIndexKey/);
    expect(await project({ $dateAdd: { startDate: '$at', unit: 'day', amount: 1, timezone: 'UTC' } })).toEqual([
      { v: new Date('2026-03-29T12:00:00Z') },
    ]);
    expect(await project({ $dateFromString: { dateString: '2026-07-01T00:00:00', timezone: '-04:00' } })).toEqual([
      { v: new Date('2026-07-01T04:00:00Z') },
    ]);
    // Lisbon moves to summer time on 2026-03-29: 23:30 UTC on the 29th is already the 30th there.
    const days = (timezone: string) =>
      project({
        $dateDiff: { startDate: new Date('2026-03-28T23:30:00Z'), endDate: new Date('2026-03-29T23:30:00Z'), unit: 'day', timezone },
      });
    expect(await days('Europe/Lisbon')).toEqual([{ v: 2 }]);
    expect(await days('UTC')).toEqual([{ v: 1 }]);
  });

  it('a collection or an index with a non-simple collation is refused (its comparisons would be binary)', async () => {
    await given([{ _id: 1, x: 'a' }]);
    const index = await serverError(() => coll().createIndex({ x: 1 }, { unique: true, collation: CI }));
    expect([index.code, index.message]).toEqual([2, "index 'x_1': a non-simple collation is not supported by the embedded engine"]);
    await coll().insertOne({ _id: 2, x: 'A' });
    const created = await serverError(() => db.createCollection('coll_ci', { collation: CI }));
    expect(created.message).toMatch(/non-simple 'collation'/);
    expect((await db.listCollections({ name: 'coll_ci' }).toArray()).length).toBe(0);
    await coll().createIndex({ x: 1 }, { name: 'x_simple', collation: { locale: 'simple' } });
    expect((await coll().indexes()).map((ix) => ix.name)).toEqual(['_id_', 'x_simple']);
  });

  it('an update operator that meets the wrong type is refused as MongoDB refuses it, not reported as "nothing modified"', async () => {
    const initial = [{ _id: 1, s: 'x', n: 1, arr: [1, 2] }];
    await given(initial);
    const cases: [Document, number, string][] = [
      [{ $inc: { s: 1 } }, 14, "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 's' of non-numeric type string"],
      [{ $inc: { n: 'a' } }, 14, 'Cannot increment with non-numeric argument: {n: "a"}'],
      [{ $push: { s: 1 } }, 2, "The field 's' must be an array but is of type string in document {_id: 1}"],
      [{ $addToSet: { n: 1 } }, 2, "Cannot apply $addToSet to non-array field. Field named 'n' has non-array type int"],
      [{ $set: { 's.x': 1 } }, 28, 'Cannot create field \'x\' in element {s: "x"}'],
      [{ $set: { 'b.$[]': 1 } }, 2, "The path 'b' must exist in the document in order to apply array updates."],
      [{ $set: { 'n.$[]': 1 } }, 2, 'Cannot apply array updates to non-array element n: 1'],
      [
        { $rename: { s: 'arr.0' } },
        2,
        "The destination field cannot be an array element, 'arr.0' in doc with _id: 1 has an array field called 'arr'",
      ],
      [
        { $rename: { 'arr.0': 'z' } },
        2,
        "The source field cannot be an array element, 'arr.0' in doc with _id: 1 has an array field called 'arr'",
      ],
    ];
    for (const [update, code, message] of cases) {
      const error = await serverError(() => coll().updateOne({ _id: 1 }, update));
      expect({ update, code: error.code, message: error.message }).toEqual({ update, code, message });
    }
    expect(await outcome()).toEqual(initial);
    await coll().updateOne({ _id: 1 }, { $inc: { n: 2, m: 1 }, $push: { arr: 3 } } as Document);
    await coll().updateOne({ _id: 1 }, { $set: { 'arr.5': 0 } });
    await coll().updateOne({ _id: 1 }, { $rename: { s: 'o.t' } });
    expect(await outcome()).toEqual([{ _id: 1, n: 3, m: 1, arr: [1, 2, 3, null, null, 0], o: { t: 'x' } }]);
  });

  it('$merge: let is evaluated per result; joining on fields without a unique index is error 51183', async () => {
    await given([
      { _id: 1, amount: 5 },
      { _id: 2, amount: 7 },
    ]);
    await db
      .collection('totals')
      .drop()
      .catch(() => undefined);
    await db.collection<SpecDocument>('totals').insertMany([
      { _id: 1, total: 100 },
      { _id: 2, total: 200 },
    ]);
    await coll()
      .aggregate([
        { $merge: { into: 'totals', let: { add: '$amount' }, whenMatched: [{ $set: { total: { $add: ['$total', '$$add'] } } }] } },
      ])
      .toArray();
    expect(await db.collection('totals').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, total: 105 },
      { _id: 2, total: 207 },
    ]);
    const join = await serverError(() =>
      coll()
        .aggregate([{ $merge: { into: 'totals', on: 'amount' } }])
        .toArray(),
    );
    expect([join.code, join.message]).toEqual([51183, 'Cannot find index to verify that join fields will be unique']);
    expect(await db.collection('totals').countDocuments()).toBe(2);
  });

  it('bitwise query operators test integers and binary data, element by element in arrays, and nothing else', async () => {
    await given([
      { _id: 1, v: 5 },
      { _id: 2, v: 'x' },
      { _id: 3, v: [2, 3] },
      { _id: 4, v: -1 },
      { _id: 5, v: 2.5 },
      { _id: 6, v: new Binary(Buffer.from([0x01])) },
    ]);
    const ids = async (filter: Document) => (await coll().find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ v: { $bitsAllSet: [0] } })).toEqual([1, 3, 4, 6]);
    expect(await ids({ v: { $bitsAnySet: 2 } })).toEqual([3, 4]);
    expect(await ids({ v: { $bitsAllClear: [0] } })).toEqual([3]);
    expect(await ids({ v: { $bitsAnyClear: [0, 63] } })).toEqual([1, 3, 6]);
    expect(await ids({ v: { $bitsAllSet: [70] } })).toEqual([4]);
  });

  it('array filters: each $[id] needs its filter and each filter must be used, even when nothing matches', async () => {
    const initial = [{ _id: 1, objs: [{ a: 1 }, { a: 2 }] }];
    await given(initial);
    const missing = await serverError(() => coll().updateOne({ _id: 1 }, { $set: { 'objs.$[e].a': 9 } }));
    expect([missing.code, missing.message]).toEqual([2, "No array filter found for identifier 'e' in path 'objs.$[e].a'"]);
    const unused = await serverError(() =>
      coll().updateMany({ _id: 99 }, { $set: { 'objs.$[e].a': 9 } }, { arrayFilters: [{ 'e.a': 2 }, { 'f.a': 1 }] }),
    );
    expect(unused.code).toBe(9);
    expect(unused.message).toMatch(/^The array filter for identifier 'f' was not used in the update/);
    expect(await outcome()).toEqual(initial);
    const either = [{ $or: [{ 'e.a': 2 }, { 'e.a': 3 }] }];
    const or = await serverError(() => coll().updateOne({ _id: 1 }, { $set: { 'objs.$[e].a': 9 } }, { arrayFilters: either }));
    expect([or.code, or.message]).toEqual([2, 'an array filter with $or is not supported by the embedded engine']);
    expect(await coll().updateOne({ _id: 1 }, { $set: { 'objs.$[e].a': 9 } }, { arrayFilters: [{ 'e.a': { $gte: 2 } }] })).toMatchObject({
      modifiedCount: 1,
    });
    expect(await outcome()).toEqual([{ _id: 1, objs: [{ a: 1 }, { a: 9 }] }]);
  });

  it('$currentDate with $type timestamp stores a BSON Timestamp, not a number', async () => {
    await given([{ _id: 1 }]);
    await coll().updateOne({ _id: 1 }, { $currentDate: { ts: { $type: 'timestamp' }, at: { $type: 'date' } } });
    const [doc] = await outcome();
    expect(doc.ts).toBeInstanceOf(Timestamp);
    expect(Math.abs(doc.ts.high - Date.now() / 1000)).toBeLessThan(60);
    expect(doc.at).toBeInstanceOf(Date);
  });
});
