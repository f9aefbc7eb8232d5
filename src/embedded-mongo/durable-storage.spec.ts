import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from './catalog';
import { DurableStorage } from './durable-storage';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) if (f !== 'LOCK') copyFileSync(join(from, f), join(to, f));
}

async function openStore(dir: string, threshold?: number): Promise<{ catalog: Catalog; storage: DurableStorage }> {
  const catalog = new Catalog();
  const storage = new DurableStorage(dir, catalog, logger, { compactionThresholdBytes: threshold });
  await storage.open();
  return { catalog, storage };
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
    expect(readdirSync(dir).sort()).toEqual(['journal-1.log', 'snapshot.bson']);

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

    // Crash after the rename, before the old journal was deleted: the old journal is stale.
    const late = join(root, 'late');
    copyDir(dir, late);
    copyFileSync(join(beforeCompaction, 'journal-0.log'), join(late, 'journal-0.log'));
    const b = await openStore(late);
    expect(ids(b.catalog)).toEqual(['before', 'after']);
    expect(existsSync(join(late, 'journal-0.log'))).toBe(false);
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
    expect(readdirSync(dir)).toContain('snapshot.bson');
    expect(readdirSync(dir).filter((f) => f.startsWith('journal-'))).toHaveLength(1);
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
});
