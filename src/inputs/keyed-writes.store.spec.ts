import { ServiceUnavailableException } from '@nestjs/common';
import { Connection, createConnection, Model, Schema, Types } from 'mongoose';
import { EmbeddedMongoServer } from '../embedded-mongo';
import { KeyedCollection, KeyedRecord, writeKeyedBatch } from './keyed-writes';

/**
 * writeKeyedBatch against the embedded engine through Mongoose, with real failures in the middle
 * of a batch: a document Mongoose refuses, a unique-index conflict, an update whose record is
 * gone, the database stopped. A record is reported stored only if it is.
 */
interface Row {
  workspaceId: Types.ObjectId;
  key: string | null;
  n: number;
  tag: string | null;
}

const RowSchema = new Schema<Row>({
  workspaceId: { type: Schema.Types.ObjectId, required: true },
  key: { type: String, default: null },
  n: { type: Number, required: true, min: 1 },
  tag: { type: String, default: null },
});
RowSchema.index({ workspaceId: 1, key: 1 }, { unique: true, partialFilterExpression: { key: { $type: 'string' } } });
RowSchema.index({ tag: 1 }, { unique: true, partialFilterExpression: { tag: { $type: 'string' } } });

describe('writeKeyedBatch on a real store', () => {
  let server: EmbeddedMongoServer;
  let conn: Connection;
  let rows: Model<Row>;
  const ws = new Types.ObjectId();

  beforeAll(async () => {
    server = new EmbeddedMongoServer({ dataDir: null });
    const { uri } = await server.start();
    conn = await createConnection(uri, { dbName: 'keyed', bufferCommands: false, serverSelectionTimeoutMS: 1000 }).asPromise();
    rows = conn.model<Row>('Row', RowSchema);
    await rows.init();
  });
  afterAll(async () => {
    await conn.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
  });

  const target = (existing: Map<string, Types.ObjectId> = new Map()): KeyedCollection<Row> => ({
    model: rows,
    workspaceId: ws,
    existing: async (keys) => new Map([...existing].filter(([k]) => keys.includes(k))),
    keyFilter: (doc) => ({ workspaceId: ws, key: doc.key }),
  });
  const record = (index: number, doc: Partial<Row>): KeyedRecord<Row> => ({
    ref: { index },
    key: doc.key ?? null,
    doc: { workspaceId: ws, key: null, n: 1, tag: null, ...doc },
  });

  it('reports each failure in the middle of a batch by its record, and only what is stored as stored', async () => {
    await rows.create({ workspaceId: ws, key: null, n: 1, tag: 'taken' });
    const result = await writeKeyedBatch(target(new Map([['gone', new Types.ObjectId()]])), [
      record(0, { n: 10 }),
      record(1, { n: 0 }), // below the schema's minimum: Mongoose leaves it out of the bulk
      record(2, { n: 20, tag: 'fresh' }),
      record(3, { n: 30, tag: 'taken' }), // unique-index conflict
      record(4, { n: 40, key: 'gone' }), // an update of a record deleted since it was looked up
      record(5, { n: 50 }),
    ]);

    expect(result.accepted.map((a) => ['index' in a && a.index, a.status])).toEqual([
      [0, 'stored'],
      [2, 'stored'],
      [5, 'stored'],
    ]);
    expect(result.rejected.map((r) => 'index' in r && r.index)).toEqual([1, 3, 4]);
    expect(result.rejected[0].errors[0]).toMatch(/could not be stored: .*\bn\b.*minimum/);
    expect(result.rejected[0].retry).toBeUndefined();
    expect(result.rejected[1].errors).toEqual(['the record could not be stored: it conflicts with a stored record (duplicate key)']);
    expect(result.rejected[2]).toMatchObject({ retry: true, errors: [expect.stringMatching(/send it again/)] });

    const stored = await rows.find({ workspaceId: ws }).sort({ n: 1 }).lean();
    expect(stored.map((r) => r.n)).toEqual([1, 10, 20, 50]);
    expect(result.accepted.map((a) => a.id).sort()).toEqual(
      stored
        .filter((r) => r.n > 1)
        .map((r) => String(r._id))
        .sort(),
    );
  });

  it('a key stored by another request between the look-up and the insert is replaced, reported as updated under its id', async () => {
    const other = await rows.create({ workspaceId: ws, key: 'crm-7', n: 7, tag: null });
    const result = await writeKeyedBatch(target(), [record(0, { key: 'crm-7', n: 70 }), record(1, { n: 80 })]);
    expect(result.rejected).toEqual([]);
    expect(result.accepted.map((a) => [a.id === String(other._id), a.status])).toEqual([
      [true, 'updated'],
      [false, 'stored'],
    ]);
    expect((await rows.findById(other._id).lean())!.n).toBe(70);
  });

  it('with the database gone, the batch fails with 503: nothing is reported stored', async () => {
    await server.stop();
    const write = writeKeyedBatch(target(), [record(0, { n: 90 }), record(1, { n: 91 })]);
    await expect(write).rejects.toBeInstanceOf(ServiceUnavailableException);
    await expect(write).rejects.toThrow(/which records were stored is not known/);
  }, 20_000);
});
