import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../storage/catalog';
import { tightenDataDir } from './data-dir-permissions';
import { DurableStorage } from './durable-storage';
import { scanFile } from './journal';
import { repairDataDirectory } from './repair';

const mode = (path: string): number => statSync(path).mode & 0o7777;

/** Every entry under `dir` (the directory included) with its mode. */
function modes(dir: string): Array<[string, number]> {
  const out: Array<[string, number]> = [[dir, mode(dir)]];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) out.push([join(dir, name), mode(join(dir, name))]);
  return out;
}

describe('data directory permissions', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'perm-spec-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('tightens loose directories to 0700 and files to 0600, and counts what it changed', () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'damaged-x'), { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'damaged-x'), 0o777);
    writeFileSync(join(dir, 'journal-0.log'), 'a');
    chmodSync(join(dir, 'journal-0.log'), 0o644);
    writeFileSync(join(dir, 'damaged-x', 'snapshot-1.bson'), 'b');
    chmodSync(join(dir, 'damaged-x', 'snapshot-1.bson'), 0o666);
    writeFileSync(join(dir, 'already.bson'), 'c', { mode: 0o600 });
    chmodSync(join(dir, 'already.bson'), 0o600);

    expect(tightenDataDir(dir)).toEqual({ changed: 4, failed: [] });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'damaged-x'))).toBe(0o700);
    expect(mode(join(dir, 'journal-0.log'))).toBe(0o600);
    expect(mode(join(dir, 'damaged-x', 'snapshot-1.bson'))).toBe(0o600);
    // A second pass finds nothing to do.
    expect(tightenDataDir(dir)).toEqual({ changed: 0, failed: [] });
  });

  it('leaves the target of a symbolic link alone', () => {
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o700 });
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link'));
    expect(tightenDataDir(dir).changed).toBe(0);
    expect(mode(outside)).toBe(0o644);
  });

  it('the storage creates its directory 0700 and every file 0600, tightens older ones at open and logs the count once', async () => {
    const dir = join(root, 'nested', 'data');
    const warnings: Array<{ obj: object; msg?: string }> = [];
    const logger = { info: () => undefined, warn: (obj: object, msg?: string) => warnings.push({ obj, msg }), error: () => undefined };

    const catalog = new Catalog();
    const storage = new DurableStorage(dir, catalog, logger, { compactionThresholdBytes: 1 });
    await storage.open();
    catalog.obtain('app', 'items').collection.insert({ _id: 1, secret: 'x' });
    await storage.flushed();
    await storage.close(); // writes a snapshot
    expect(warnings).toEqual([]);
    for (const [path, m] of modes(dir)) expect([path, m]).toEqual([path, path === dir ? 0o700 : 0o600]);

    // An older version's layout: a world-readable directory and files.
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o644);
    writeFileSync(join(dir, 'stray.txt'), 'y', { mode: 0o644 });
    chmodSync(join(dir, 'stray.txt'), 0o644);
    const loose = readdirSync(dir).length + 1;

    const again = new DurableStorage(dir, new Catalog(), logger);
    await again.open();
    await again.close({ compact: false });
    expect(warnings).toHaveLength(1);
    expect(warnings[0].obj).toMatchObject({ changed: loose });
    expect(warnings[0].msg).toMatch(/permissions tightened/);
    for (const [path, m] of modes(dir)) expect([path, m]).toEqual([path, path === dir ? 0o700 : 0o600]);
  });

  it('db:repair writes its copies and rewritten files owner-only, even from loose originals', async () => {
    const dir = join(root, 'data');
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const catalog = new Catalog();
    const storage = new DurableStorage(dir, catalog, quiet);
    await storage.open();
    for (let i = 0; i < 5; i++) {
      catalog.obtain('app', 'items').collection.insert({ _id: i, text: `item ${i}` });
      await storage.flushed();
    }
    await storage.close({ compact: false });
    // Damage a record in the middle, as a bad sector would, and loosen everything as an old version did.
    const journal = join(dir, 'journal-0.log');
    const victim = scanFile(journal).records[2];
    const bytes = readFileSync(journal);
    bytes[victim.end - 3] ^= 0x01;
    writeFileSync(journal, bytes);
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o644);

    const report = await repairDataDirectory(dir);
    expect(report.files.length).toBeGreaterThan(0);
    expect(readdirSync(dir).some((n) => n.startsWith('damaged-'))).toBe(true);
    for (const [path, m] of modes(dir)) expect([path, m]).toEqual([path, statSync(path).isDirectory() ? 0o700 : 0o600]);
  });
});
