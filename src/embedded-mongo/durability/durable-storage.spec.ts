import { serialize } from 'bson';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../storage/catalog';
import { DataDirectoryDamagedError } from './data-files';
import { DurableStorage, type RestoreSummary } from './durable-storage';
import { encodeRecord, scanFile } from './journal';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) if (f !== 'LOCK') copyFileSync(join(from, f), join(to, f));
}

async function openStore(
  dir: string,
  threshold?: number,
): Promise<{ catalog: Catalog; storage: DurableStorage; restored: RestoreSummary }> {
  const catalog = new Catalog();
  const storage = new DurableStorage(dir, catalog, logger, { compactionThresholdBytes: threshold });
  const restored = await storage.open();
  return { catalog, storage, restored };
}

const ids = (catalog: Catalog): unknown[] => [...(catalog.collection('app', 'items')?.documents() ?? [])].map((d) => d._id);

describe('DurableStorage', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'storage-spec-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('restores documents, deletes and unique indexes after a clean stop', async () => {
    const dir = join(root, 'data');
    const first = await openStore(dir);
    const { collection } = first.catalog.obtain('app', 'items');
    collection.createIndex({ v: 2, key: { sku: 1 }, name: 'sku_1', unique: true });
    collection.insert({ _id: 1, sku: 'a' });
    collection.insert({ _id: 2, sku: 'b' });
    collection.removeById(1);
    await first.storage.flushed();
    await first.storage.close();
    // The empty start and journal-0 stay as the fallback of snapshot-1.
    expect(readdirSync(dir).sort()).toEqual(['journal-0.log', 'journal-1.log', 'snapshot-1.bson']);

    const second = await openStore(dir);
    expect(ids(second.catalog)).toEqual([2]);
    expect(() => second.catalog.collection('app', 'items')!.insert({ _id: 3, sku: 'b' })).toThrow(/E11000/);
    await second.storage.close();
  });

  it('replays the journal of a process that never stopped', async () => {
    const dir = join(root, 'data');
    const live = await openStore(dir);
    const { collection } = live.catalog.obtain('app', 'items');
    for (let i = 0; i < 5; i++) collection.insert({ _id: i });
    collection.replace(collection.ridForId(3)!, { _id: 3, edited: true });
    await live.storage.flushed();
    const crashed = join(root, 'crashed');
    copyDir(dir, crashed);
    const restored = await openStore(crashed);
    expect(ids(restored.catalog)).toEqual([0, 1, 2, 3, 4]);
    expect(restored.catalog.collection('app', 'items')!.get(restored.catalog.collection('app', 'items')!.ridForId(3)!)).toEqual({
      _id: 3,
      edited: true,
    });
    await restored.storage.close();
    await live.storage.close();
  });

  it('survives a crash at any point of a compaction', async () => {
    const dir = join(root, 'data');
    const live = await openStore(dir);
    const { collection } = live.catalog.obtain('app', 'items');
    collection.insert({ _id: 'before' });
    await live.storage.flushed();
    const beforeCompaction = join(root, 'before-compaction');
    copyDir(dir, beforeCompaction);
    await live.storage.compact();
    collection.insert({ _id: 'after' });
    await live.storage.flushed();

    // Crash after the journal switch, before the new snapshot was renamed into place.
    const midway = join(root, 'midway');
    copyDir(beforeCompaction, midway);
    copyFileSync(join(dir, 'journal-1.log'), join(midway, 'journal-1.log'));
    const a = await openStore(midway);
    expect(ids(a.catalog)).toEqual(['before', 'after']);
    await a.storage.close();

    // Crash after the rename: the snapshot is used, the old journal only kept as its fallback.
    const late = join(root, 'late');
    copyDir(dir, late);
    const b = await openStore(late);
    expect(ids(b.catalog)).toEqual(['before', 'after']);
    expect(b.restored).toMatchObject({ snapshot: 'snapshot-1.bson', journalRecords: 1 });
    expect(existsSync(join(late, 'journal-0.log'))).toBe(true);
    await b.storage.close();
    await live.storage.close();
  });

  it('compacts on its own once the journal outgrows the threshold', async () => {
    const dir = join(root, 'data');
    const live = await openStore(dir, 4096);
    const { collection } = live.catalog.obtain('app', 'items');
    for (let i = 0; i < 200; i++) {
      collection.insert({ _id: i, text: 'x'.repeat(100) });
      await live.storage.flushed();
    }
    await live.storage.compact();
    // Only the latest snapshot, the one before it and the journals since the one before remain.
    const files = readdirSync(dir).filter((f) => f !== 'LOCK');
    const latest = Math.max(...files.map((f) => Number(/^snapshot-(\d+)/.exec(f)?.[1] ?? -1)));
    expect(latest).toBeGreaterThan(2);
    expect(files.sort()).toEqual([
      `journal-${latest - 1}.log`,
      `journal-${latest}.log`,
      `snapshot-${latest - 1}.bson`,
      `snapshot-${latest}.bson`,
    ]);
    await live.storage.close();
    const reopened = await openStore(dir);
    expect(ids(reopened.catalog)).toHaveLength(200);
    await reopened.storage.close();
  });

  it('refuses a data directory another live engine holds', async () => {
    const dir = join(root, 'data');
    const live = await openStore(dir);
    await expect(openStore(dir)).rejects.toThrow(/in use by process/);
    await live.storage.close();
  });

  /** Writes `count` documents (ids from `first`) in separate flushes and stops cleanly. */
  async function session(dir: string, first: number, count: number): Promise<void> {
    const { catalog, storage } = await openStore(dir);
    const { collection } = catalog.obtain('app', 'items');
    for (let i = first; i < first + count; i++) {
      collection.insert({ _id: i, text: `item ${i}` });
      await storage.flushed();
    }
    await storage.close();
  }

  function flipByteAt(path: string, offset: number): void {
    const bytes = readFileSync(path);
    bytes[offset] ^= 0xff;
    writeFileSync(path, bytes);
  }

  it('refuses to start on a journal damaged inside, naming the file, the byte and the repair command, and changes nothing', async () => {
    const dir = join(root, 'data');
    const live = await openStore(dir);
    const { collection } = live.catalog.obtain('app', 'items');
    for (let i = 0; i < 20; i++) collection.insert({ _id: i, text: `item ${i}` });
    await live.storage.flushed();
    const crashed = join(root, 'crashed');
    copyDir(dir, crashed);
    await live.storage.close();

    const journal = join(crashed, 'journal-0.log');
    const tenth = scanFile(journal).records[10];
    flipByteAt(journal, tenth.offset + 12);
    const before = readFileSync(journal);
    const refused = await openStore(crashed).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirectoryDamagedError);
    const message = (refused as Error).message;
    expect(message).toContain(`${journal} at byte ${tenth.offset}`);
    expect(message).toMatch(/1 record failing its checksum, and \d+ intact records follow/);
    expect(message).toContain(`npm run db:repair -- --data-dir ${crashed}`);
    expect(readFileSync(journal).equals(before)).toBe(true);
    expect(readdirSync(crashed).sort()).toEqual(['journal-0.log']);
  });

  it('refuses an older journal that is cut short, since a newer one proves it was once whole', async () => {
    const dir = join(root, 'data');
    await session(dir, 0, 5);
    await session(dir, 5, 5);
    // snapshot-1 and snapshot-2 now exist; the restore from snapshot-2 needs journal-2 only, the
    // fallback to snapshot-1 needs journal-1 too. Damage the newest snapshot and cut journal-1.
    flipByteAt(join(dir, 'snapshot-2.bson'), 40);
    const journal1 = join(dir, 'journal-1.log');
    writeFileSync(journal1, readFileSync(journal1).subarray(0, statSync(journal1).size - 3));
    const refused = await openStore(dir).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirectoryDamagedError);
    expect((refused as Error).message).toContain(join(dir, 'snapshot-2.bson'));
    expect((refused as Error).message).toMatch(
      /journal-1\.log at byte \d+: it ends with \d+ bytes that hold no intact record, yet a newer journal follows/,
    );
  });

  it('starts from the previous snapshot and its journals when the latest snapshot is damaged, losing nothing', async () => {
    const dir = join(root, 'data');
    await session(dir, 0, 30);
    await session(dir, 30, 30);
    expect(readdirSync(dir).sort()).toEqual(['journal-1.log', 'journal-2.log', 'snapshot-1.bson', 'snapshot-2.bson']);
    const latest = join(dir, 'snapshot-2.bson');
    flipByteAt(latest, Math.floor(statSync(latest).size / 2));
    const damaged = readFileSync(latest);

    const reopened = await openStore(dir);
    expect(ids(reopened.catalog)).toHaveLength(60);
    expect(reopened.restored).toMatchObject({ snapshot: 'snapshot-1.bson', damagedSnapshots: [latest], journalRecords: 30 });
    expect(readFileSync(latest).equals(damaged)).toBe(true);

    // The next snapshot replaces it; the damaged file is moved aside, byte for byte.
    reopened.catalog.collection('app', 'items')!.insert({ _id: 60 });
    await reopened.storage.close();
    const aside = readdirSync(dir).filter((f) => f.startsWith('damaged-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0], 'snapshot-2.bson')).equals(damaged)).toBe(true);
    expect(
      readdirSync(dir)
        .filter((f) => !f.startsWith('damaged-'))
        .sort(),
    ).toEqual(['journal-1.log', 'journal-2.log', 'journal-3.log', 'snapshot-1.bson', 'snapshot-3.bson']);
    const again = await openStore(dir);
    expect(ids(again.catalog)).toHaveLength(61);
    expect(again.restored.snapshot).toBe('snapshot-3.bson');
    await again.storage.close();
  });

  it('refuses a damaged snapshot that has no intact previous generation', async () => {
    const dir = join(root, 'data');
    await session(dir, 0, 10);
    await session(dir, 10, 10);
    flipByteAt(join(dir, 'snapshot-2.bson'), 30);
    flipByteAt(join(dir, 'snapshot-1.bson'), 30);
    const refused = await openStore(dir).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirectoryDamagedError);
    expect((refused as Error).message).toMatch(/no intact snapshot has all of its journals/);
    expect((refused as DataDirectoryDamagedError).damage.map((d) => d.file)).toEqual([
      join(dir, 'snapshot-2.bson'),
      join(dir, 'snapshot-1.bson'),
    ]);
  });

  it('reads the single snapshot.bson of the older layout and moves on to generation files', async () => {
    const dir = join(root, 'data');
    mkdirSync(dir);
    const entries = [
      { snapshot: 1, generation: 3, createdAt: new Date() },
      { op: 'createCollection', db: 'app', coll: 'items', options: {} },
      { op: 'put', db: 'app', coll: 'items', doc: { _id: 1 } },
      { end: true, documents: 1 },
    ];
    writeFileSync(join(dir, 'snapshot.bson'), Buffer.concat(entries.map((e) => encodeRecord(serialize(e)))));
    writeFileSync(join(dir, 'journal-3.log'), encodeRecord(serialize({ op: 'put', db: 'app', coll: 'items', doc: { _id: 2 } })));
    const first = await openStore(dir);
    expect(ids(first.catalog)).toEqual([1, 2]);
    expect(first.restored.snapshot).toBe('snapshot.bson');
    await first.storage.close();
    expect(readdirSync(dir).sort()).toEqual(['journal-3.log', 'journal-4.log', 'snapshot-4.bson', 'snapshot.bson']);
    const second = await openStore(dir);
    expect(ids(second.catalog)).toEqual([1, 2]);
    await second.storage.close();
  });
});
