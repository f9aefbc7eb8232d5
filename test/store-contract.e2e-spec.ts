/**
 * The Mongoose operations the application relies on, asserted the same way against the embedded
 * engine and, when MONGODB_URI is set, against that real server (each target in its own fresh
 * database). Then the embedded engine's durability: acknowledged writes survive SIGKILL, and a
 * torn journal tail is ignored.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import { EmbeddedMongoServer, type EmbeddedMongoLogger } from '../src/embedded-mongo';

interface MentionRow {
  _id: Types.ObjectId;
  topicId: Types.ObjectId;
  platform: string;
  externalId: string;
  text: string;
  likes: number;
  tags: string[];
  publishedAt: Date;
  author?: { handle: string; followers: number };
  flagged?: boolean;
  firstSeenBy?: string;
}

const mentionSchema = new Schema<MentionRow>({
  topicId: { type: Schema.Types.ObjectId, required: true },
  platform: { type: String, required: true },
  externalId: { type: String, required: true },
  text: String,
  likes: { type: Number, default: 0 },
  tags: [String],
  publishedAt: Date,
  author: { handle: String, followers: Number },
  flagged: Boolean,
  firstSeenBy: String,
});
mentionSchema.index({ platform: 1, externalId: 1 }, { unique: true });
mentionSchema.index({ topicId: 1, publishedAt: -1 });

const topicSchema = new Schema<{ name: string }>({ name: String });

function quietLogger(warnings: string[] = []): EmbeddedMongoLogger {
  return {
    info: () => undefined,
    debug: () => undefined,
    warn: (_o, m) => warnings.push(m ?? ''),
    error: (o, m) => warnings.push(`${m} ${JSON.stringify(o)}`),
  };
}

const embedded = new EmbeddedMongoServer({ logger: quietLogger() });
let embeddedUri = '';

beforeAll(async () => {
  embeddedUri = (await embedded.start()).uri;
});

afterAll(async () => {
  await embedded.stop();
});

const targets: Array<[string, () => string]> = [['the embedded engine', () => embeddedUri]];
if (process.env.MONGODB_URI) targets.push(['MONGODB_URI', () => process.env.MONGODB_URI as string]);

let databaseCounter = 0;

describe.each(targets)('store contract against %s', (_target, uri) => {
  let conn: Connection;
  let Mention: Model<MentionRow>;
  let Topic: Model<{ name: string }>;
  const commandsSeen: string[] = [];
  const topicA = new Types.ObjectId();
  const topicB = new Types.ObjectId();

  function mention(i: number, extra: Partial<MentionRow> = {}): Partial<MentionRow> {
    return {
      topicId: i % 2 ? topicB : topicA,
      platform: 'x',
      externalId: String(1000 + i),
      text: `mention ${i}`,
      likes: i,
      tags: i % 3 === 0 ? ['promo'] : [],
      publishedAt: new Date(Date.UTC(2024, 2, 1, 12) + i * 3600_000),
      ...extra,
    };
  }

  beforeAll(async () => {
    const dbName = `ouvidor_contract_${process.pid}_${Date.now()}_${databaseCounter++}`;
    conn = await mongoose.createConnection(uri(), { dbName, monitorCommands: true }).asPromise();
    conn.getClient().on('commandStarted', (e) => commandsSeen.push(e.commandName));
    Mention = conn.model<MentionRow>('Mention', mentionSchema);
    Topic = conn.model<{ name: string }>('Topic', topicSchema);
    await Mention.init();
    await Topic.init();
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  beforeEach(async () => {
    await Mention.deleteMany({});
    await Topic.deleteMany({});
  });

  it('creates schema indexes on Model.init() and lists them', async () => {
    const indexes = await Mention.collection.listIndexes().toArray();
    const byName = Object.fromEntries(indexes.map((ix) => [ix.name, ix]));
    expect(byName._id_.key).toEqual({ _id: 1 });
    expect(byName.platform_1_externalId_1).toMatchObject({ key: { platform: 1, externalId: 1 }, unique: true });
    expect(byName['topicId_1_publishedAt_-1'].key).toEqual({ topicId: 1, publishedAt: -1 });
  });

  it('round-trips ObjectId and Date values', async () => {
    const published = new Date('2024-05-06T07:08:09.123Z');
    const created = await Mention.create(mention(1, { publishedAt: published }));
    const found = await Mention.findById(created._id).lean();
    expect(found?._id).toBeInstanceOf(Types.ObjectId);
    expect(found?._id.equals(created._id)).toBe(true);
    expect(found?.topicId.equals(topicB)).toBe(true);
    expect(found?.publishedAt).toEqual(published);
    expect(await Mention.countDocuments({ topicId: new Types.ObjectId(topicB.toHexString()) })).toBe(1);
  });

  it('finds with sort, skip, limit and projection', async () => {
    await Mention.insertMany(Array.from({ length: 20 }, (_, i) => mention(i)));
    const rows = await Mention.find({ platform: 'x', likes: { $gte: 2 } })
      .sort({ likes: -1 })
      .skip(3)
      .limit(4)
      .select({ externalId: 1, likes: 1, _id: 0 })
      .lean();
    expect(rows).toEqual([16, 15, 14, 13].map((i) => ({ externalId: String(1000 + i), likes: i })));
    const newestOfTopicA = await Mention.findOne({ topicId: topicA }).sort({ publishedAt: -1 }).lean();
    expect(newestOfTopicA?.externalId).toBe('1018');
  });

  it('iterates a cursor over several batches', async () => {
    await Mention.insertMany(Array.from({ length: 500 }, (_, i) => mention(i)));
    const before = commandsSeen.filter((c) => c === 'getMore').length;
    const likes: number[] = [];
    for await (const doc of Mention.find().sort({ likes: 1 }).batchSize(50).lean().cursor()) likes.push(doc.likes);
    expect(likes).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(commandsSeen.filter((c) => c === 'getMore').length - before).toBeGreaterThanOrEqual(9);
  });

  it('updates with $set, $inc, $push and upserts with $setOnInsert', async () => {
    await Mention.insertMany([mention(1), mention(2), mention(3)]);
    const one = await Mention.updateOne({ externalId: '1001' }, { $inc: { likes: 5 }, $push: { tags: 'hot' } });
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await Mention.findOne({ externalId: '1001' }).lean()).toMatchObject({ likes: 6, tags: ['hot'] });

    const many = await Mention.updateMany({ likes: { $lte: 3 } }, { $set: { flagged: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await Mention.countDocuments({ flagged: true })).toBe(2);

    const upsert = () =>
      Mention.updateOne(
        { platform: 'x', externalId: '9000' },
        { $set: { text: 'upserted', topicId: topicA }, $setOnInsert: { firstSeenBy: 'collector' }, $inc: { likes: 1 } },
        { upsert: true },
      );
    const inserted = await upsert();
    expect(inserted).toMatchObject({ upsertedCount: 1, matchedCount: 0 });
    expect(inserted.upsertedId).toBeInstanceOf(Types.ObjectId);
    await Mention.updateOne({ externalId: '9000' }, { $set: { firstSeenBy: 'someone else' } });
    const again = await upsert();
    expect(again).toMatchObject({ upsertedCount: 0, matchedCount: 1, modifiedCount: 1 });
    expect(await Mention.findOne({ externalId: '9000' }).lean()).toMatchObject({ text: 'upserted', firstSeenBy: 'someone else', likes: 2 });
  });

  it('bulkWrites upserts and inserts, and reports duplicates as 11000', async () => {
    await Mention.create(mention(1));
    const result = await Mention.bulkWrite([
      { updateOne: { filter: { platform: 'x', externalId: '1001' }, update: { $set: { likes: 50 } }, upsert: true } },
      { updateOne: { filter: { platform: 'x', externalId: '2002' }, update: { $set: { likes: 7, topicId: topicB } }, upsert: true } },
      { insertOne: { document: mention(3) } },
    ]);
    expect(result.matchedCount).toBe(1);
    expect(result.modifiedCount).toBe(1);
    expect(result.upsertedCount).toBe(1);
    expect(result.insertedCount).toBe(1);
    expect(await Mention.countDocuments()).toBe(3);

    const failure = await Mention.bulkWrite(
      [{ insertOne: { document: mention(4) } }, { insertOne: { document: mention(1) } }, { insertOne: { document: mention(5) } }],
      { ordered: false },
    ).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 11000 });
    expect(await Mention.countDocuments()).toBe(5);

    const ordered = await Mention.bulkWrite([{ insertOne: { document: mention(1) } }, { insertOne: { document: mention(6) } }]).catch(
      (err: unknown) => err,
    );
    expect(ordered).toMatchObject({ code: 11000 });
    expect(await Mention.countDocuments({ externalId: '1006' })).toBe(0);
  });

  it('answers a unique-index violation on create with MongoServerError 11000', async () => {
    await Mention.create(mention(1));
    const err = await Mention.create(mention(1, { text: 'again' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(mongoose.mongo.MongoServerError);
    expect(err).toMatchObject({ code: 11000, keyValue: { platform: 'x', externalId: '1001' } });
    expect((err as Error).message).toMatch(/E11000 duplicate key error collection: .*\.mentions index: platform_1_externalId_1 dup key/);
  });

  it('findOneAndUpdate returns the new document and upserts', async () => {
    await Mention.create(mention(1));
    const updated = await Mention.findOneAndUpdate({ externalId: '1001' }, { $inc: { likes: 1 } }, { returnDocument: 'after' }).lean();
    expect(updated?.likes).toBe(2);
    const before = await Mention.findOneAndUpdate({ externalId: '1001' }, { $inc: { likes: 1 } }).lean();
    expect(before?.likes).toBe(2);
    const created = await Mention.findOneAndUpdate(
      { platform: 'x', externalId: '7777' },
      { $set: { topicId: topicA, text: 'new' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(created).toMatchObject({ platform: 'x', externalId: '7777', text: 'new' });
    expect(await Mention.findOneAndUpdate({ externalId: 'none' }, { $set: { likes: 1 } }).lean()).toBeNull();
    const removed = await Mention.findOneAndDelete({ externalId: '7777' }).lean();
    expect(removed?.text).toBe('new');
    expect(await Mention.countDocuments()).toBe(1);
  });

  it('deletes, counts and lists distinct values', async () => {
    await Mention.insertMany(Array.from({ length: 10 }, (_, i) => mention(i, { tags: i < 4 ? ['a', 'b'] : ['c'] })));
    expect((await Mention.distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
    expect((await Mention.distinct('likes', { likes: { $lt: 3 } })).sort()).toEqual([0, 1, 2]);
    expect(await Mention.countDocuments({ topicId: topicA })).toBe(5);
    expect(await Mention.estimatedDocumentCount()).toBe(10);
    const deleted = await Mention.deleteMany({ likes: { $gte: 7 } });
    expect(deleted.deletedCount).toBe(3);
    expect(await Mention.countDocuments()).toBe(7);
    expect((await Mention.deleteOne({ likes: 0 })).deletedCount).toBe(1);
  });

  it('aggregates with $match, $group, $sort, $project and $facet', async () => {
    await Mention.insertMany(Array.from({ length: 12 }, (_, i) => mention(i)));
    const perTopic = await Mention.aggregate<{ topic: string; total: number; best: number }>([
      { $match: { likes: { $gte: 2 } } },
      { $group: { _id: '$topicId', total: { $sum: '$likes' }, best: { $max: '$likes' } } },
      { $sort: { total: -1 } },
      { $project: { _id: 0, topic: { $toString: '$_id' }, total: 1, best: 1 } },
    ]);
    expect(perTopic).toEqual([
      { topic: topicB.toHexString(), total: 3 + 5 + 7 + 9 + 11, best: 11 },
      { topic: topicA.toHexString(), total: 2 + 4 + 6 + 8 + 10, best: 10 },
    ]);
    const [facets] = await Mention.aggregate([
      { $match: { platform: 'x' } },
      {
        $facet: {
          page: [{ $sort: { likes: -1 } }, { $limit: 2 }, { $project: { _id: 0, likes: 1 } }],
          total: [{ $count: 'n' }],
          promos: [{ $match: { tags: 'promo' } }, { $count: 'n' }],
        },
      },
    ]);
    expect(facets).toEqual({ page: [{ likes: 11 }, { likes: 10 }], total: [{ n: 12 }], promos: [{ n: 4 }] });
  });

  it('buckets by local day with $dateTrunc and a timezone', async () => {
    await Mention.insertMany([
      mention(1, { publishedAt: new Date('2024-03-10T02:00:00Z') }),
      mention(2, { publishedAt: new Date('2024-03-10T05:00:00Z') }),
      mention(3, { publishedAt: new Date('2024-03-10T14:00:00Z') }),
      mention(4, { publishedAt: new Date('2024-03-11T02:59:59Z') }),
    ]);
    const days = await Mention.aggregate<{ _id: Date; n: number }>([
      { $group: { _id: { $dateTrunc: { date: '$publishedAt', unit: 'day', timezone: 'America/Sao_Paulo' } }, n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(days).toEqual([
      { _id: new Date('2024-03-09T03:00:00Z'), n: 1 },
      { _id: new Date('2024-03-10T03:00:00Z'), n: 3 },
    ]);
  });

  it('joins another collection with $lookup', async () => {
    await Topic.create([
      { _id: topicA, name: 'Brand A' },
      { _id: topicB, name: 'Brand B' },
    ]);
    await Mention.insertMany([mention(1), mention(2), mention(4)]);
    const rows = await Mention.aggregate([
      { $group: { _id: '$topicId', n: { $sum: 1 } } },
      { $lookup: { from: 'topics', localField: '_id', foreignField: '_id', as: 'topic' } },
      { $unwind: '$topic' },
      { $project: { _id: 0, name: '$topic.name', n: 1 } },
      { $sort: { name: 1 } },
    ]);
    expect(rows).toEqual([
      { name: 'Brand A', n: 2 },
      { name: 'Brand B', n: 1 },
    ]);
  });

  it('names an unknown command and an unknown operator in the error', async () => {
    const unknownCommand = await conn.db!.command({ frobnicate: 1 }).catch((e: unknown) => e);
    expect(unknownCommand).toMatchObject({ code: 59 });
    expect((unknownCommand as Error).message).toMatch(/frobnicate/);
    const unknownOperator = await Mention.find({ likes: { $frobnicate: 1 } } as never)
      .lean()
      .catch((e: unknown) => e);
    expect((unknownOperator as Error).message).toMatch(/\$frobnicate/);
  });
});

describe('embedded engine durability', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ouvidor-engine-'));
    dirs.push(dir);
    return dir;
  }

  /** Runs the writer child until it has printed "acked", then SIGKILLs it (no clean shutdown). */
  async function writeAndKill(dataDir: string, count: number, firstSeq: number): Promise<void> {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'fixtures/embedded-mongo/write-then-hang.ts'), dataDir, String(count), String(firstSeq)],
      { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('acked')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async function readBack(
    dataDir: string,
    warnings: string[] = [],
  ): Promise<{ seqs: number[]; touched: number; server: EmbeddedMongoServer; conn: Connection }> {
    const server = new EmbeddedMongoServer({ dataDir, logger: quietLogger(warnings) });
    const { uri } = await server.start();
    const conn = await mongoose.createConnection(uri, { dbName: 'durability' }).asPromise();
    const events = conn.db!.collection('events');
    const seqs = (await events.find({}, { projection: { seq: 1 } }).toArray()).map((d) => d.seq as number).sort((a, b) => a - b);
    const touched = await events.countDocuments({ touched: { $exists: true } });
    return { seqs, touched, server, conn };
  }

  it('keeps every acknowledged write, exactly once, after SIGKILL', async () => {
    const dir = tempDir();
    await writeAndKill(dir, 300, 0);
    expect(readdirSync(dir)).toContain('journal-0.log');
    const { seqs, touched, server, conn } = await readBack(dir);
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(touched).toBe(30);
    const dup = await conn
      .db!.collection('events')
      .insertOne({ seq: 5 })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 11000 });
    await conn.close();
    await server.stop();
    // A clean stop compacts: the snapshot alone now holds everything.
    const again = await readBack(dir);
    expect(again.seqs).toHaveLength(300);
    await again.conn.close();
    await again.server.stop();
  }, 60_000);

  it('ignores a torn record at the end of the journal and appends after the last good one', async () => {
    const dir = tempDir();
    await writeAndKill(dir, 100, 0);
    const journal = join(dir, 'journal-0.log');
    const intact = statSync(journal).size;
    const torn = Buffer.alloc(20);
    torn.writeUInt32LE(500, 0);
    appendFileSync(journal, torn);

    const warnings: string[] = [];
    const first = await readBack(dir, warnings);
    expect(first.seqs).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(warnings.join('\n')).toMatch(/incomplete record/);
    expect(statSync(journal).size).toBe(intact);
    await first.conn.close();
    // Stop without compaction is not possible from outside, so a second writer continues the
    // same journal and is killed too.
    await first.server.stop();
    await writeAndKill(dir, 50, 100);
    const second = await readBack(dir);
    expect(second.seqs).toEqual(Array.from({ length: 150 }, (_, i) => i));
    await second.conn.close();
    await second.server.stop();
  }, 60_000);
});
