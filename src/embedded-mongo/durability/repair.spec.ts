import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../storage/catalog';
import { DataDirectoryDamagedError } from './data-files';
import { DurableStorage } from './durable-storage';
import { scanFile } from './journal';
import { formatRepairReport, repairDataDirectory } from './repair';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const NOW = new Date('2026-12-01T23:00:00.000Z');

async function open(dir: string): Promise<{ catalog: Catalog; storage: DurableStorage }> {
  const catalog = new Catalog();
  const storage = new DurableStorage(dir, catalog, quiet);
  await storage.open();
  return { catalog, storage };
}

/** Writes items `first`..`first+count-1`, one flush each; stops cleanly (a snapshot) or leaves the journal as a crash would. */
async function session(dir: string, first: number, count: number, clean = true): Promise<void> {
  const { catalog, storage } = await open(dir);
  const { collection } = catalog.obtain('app', 'items');
  for (let i = first; i < first + count; i++) {
    collection.insert({ _id: i, text: `item ${i}` });
    await storage.flushed();
  }
  await storage.close({ compact: clean });
}

function flip(path: string, offset: number, mask = 0xff): void {
  const bytes = readFileSync(path);
  bytes[offset] ^= mask;
  writeFileSync(path, bytes);
}

async function storedIds(dir: string): Promise<number[]> {
  const { catalog, storage } = await open(dir);
  const ids = [...(catalog.collection('app', 'items')?.documents() ?? [])].map((d) => d._id as number).sort((a, b) => a - b);
  await storage.close({ compact: false });
  return ids;
}

describe('repairDataDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'repair-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies a damaged journal aside, keeps every intact record and names the one it lost', async () => {
    await session(dir, 0, 20, false);
    const journal = join(dir, 'journal-0.log');
    const victim = scanFile(journal).records[11]; // record 0 creates the collection: this is item 10
    flip(journal, victim.end - 6, 0x01); // one bit of its text: "item 10" becomes "item!10", so the lost record still decodes
    const damaged = readFileSync(journal);
    await expect(open(dir)).rejects.toBeInstanceOf(DataDirectoryDamagedError);

    const report = await repairDataDirectory(dir, { now: NOW });
    expect(report.damagedDir).toBe(join(dir, 'damaged-2026-12-01T23-00-00-000Z'));
    expect(readFileSync(join(report.damagedDir!, 'journal-0.log')).equals(damaged)).toBe(true);
    expect(report.files).toEqual([
      {
        file: journal,
        kind: 'journal',
        action: 'rewritten',
        keptRecords: 20,
        keptBytes: damaged.length - (victim.end - victim.offset),
        lost: [{ start: victim.offset, end: victim.end, records: 1, entries: ['put app.items _id 10'] }],
      },
    ]);
    expect(report.documents).toBe(19);
    expect(await storedIds(dir)).toEqual([...Array(20).keys()].filter((i) => i !== 10));
    const text = formatRepairReport(report);
    expect(text).toContain(
      `lost bytes ${victim.offset}-${victim.end - 1} (${victim.end - victim.offset} bytes): 1 record: put app.items _id 10`,
    );
    expect(text).toContain('kept 20 intact records');
    expect(text).toContain('lost 1 record.');
  });

  it('names a lost record that no longer decodes from what its bytes still say', async () => {
    await session(dir, 0, 20, false);
    const journal = join(dir, 'journal-0.log');
    const victim = scanFile(journal).records[11];
    flip(journal, victim.end - 6); // "item 10" becomes invalid UTF-8: the record no longer decodes
    const report = await repairDataDirectory(dir, { now: NOW });
    expect(report.files[0].lost).toEqual([
      { start: victim.offset, end: victim.end, records: 1, entries: ['put app.items _id 10 (read from damaged bytes)'] },
    ]);
    expect(report.documents).toBe(19);
  });

  it('sets a damaged snapshot aside when the previous generation holds the same state', async () => {
    await session(dir, 0, 10);
    await session(dir, 10, 10);
    const latest = join(dir, 'snapshot-2.bson');
    flip(latest, 50);
    const report = await repairDataDirectory(dir, { now: NOW });
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({
      file: latest,
      action: 'set aside',
      note: 'snapshot-1.bson and the journals after it hold the same state',
    });
    expect(readdirSync(dir)).not.toContain('snapshot-2.bson');
    expect(readdirSync(report.damagedDir!)).toEqual(['snapshot-2.bson']);
    expect(report.documents).toBe(20);
    expect(await storedIds(dir)).toHaveLength(20);
  });

  it('rebuilds a damaged snapshot from its intact records when no older generation can replace it', async () => {
    await session(dir, 0, 10);
    await session(dir, 10, 10);
    flip(join(dir, 'snapshot-2.bson'), 200);
    flip(join(dir, 'snapshot-1.bson'), 200);
    const report = await repairDataDirectory(dir, { now: NOW });
    expect(report.files.map((f) => [f.file, f.action])).toEqual([
      [join(dir, 'snapshot-2.bson'), 'rewritten'],
      [join(dir, 'snapshot-1.bson'), 'set aside'],
    ]);
    expect(report.files[0].lost.map((l) => l.records)).toEqual([1]);
    expect(report.documents).toBe(19);
    expect(await storedIds(dir)).toHaveLength(19);
  });

  it('changes nothing in an intact directory and says so', async () => {
    await session(dir, 0, 5);
    const before = readdirSync(dir).sort();
    const report = await repairDataDirectory(dir);
    expect(report).toMatchObject({ damagedDir: null, files: [], checkedFiles: 3, documents: 5 });
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(formatRepairReport(report)).toBe(
      `Nothing to repair in ${dir}: 3 files checked, all intact.\nThe engine starts from it with 5 documents.`,
    );
  });

  it('refuses while an engine runs on the directory', async () => {
    const live = await open(dir);
    await expect(repairDataDirectory(dir)).rejects.toThrow(/in use by process/);
    await live.storage.close();
  });
});
