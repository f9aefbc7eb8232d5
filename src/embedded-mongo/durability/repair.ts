import { deserialize, serialize } from 'bson';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Catalog } from '../storage/catalog';
import { journalChain, listDataFiles, readSnapshot, type DataFile, type DataFiles } from './data-files';
import { DataDirLock } from './data-dir-lock';
import { DATA_DIR_MODE, DATA_FILE_MODE } from './data-dir-permissions';
import { DurableStorage } from './durable-storage';
import { encodeRecord, RECORD_HEADER_BYTES, scanFile, type RecordScan } from './journal';

/** Bytes that were cut out of a file, and what they held when that can still be read. */
export interface LostRange {
  start: number;
  end: number;
  /** Records the range held (null: a length field is damaged too, the count is unknown). */
  records: number | null;
  /** The lost records that still decode, as `put db.coll _id` / `del db.coll _id`. */
  entries: string[];
}

export interface FileRepair {
  file: string;
  kind: 'journal' | 'snapshot';
  /** `rewritten`: the intact records kept; `set aside`: another generation holds the same state. */
  action: 'rewritten' | 'set aside';
  keptRecords: number;
  keptBytes: number;
  lost: LostRange[];
  note?: string;
}

export interface RepairReport {
  dataDir: string;
  /** Where every damaged file was copied, unmodified, before anything changed; null when nothing was damaged. */
  damagedDir: string | null;
  files: FileRepair[];
  checkedFiles: number;
  /** Documents the engine holds when it starts from the repaired directory. */
  documents: number;
}

const MAX_DESCRIBED = 5;

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `chunks` to `path` through a temp file, fsynced and renamed into place. */
function replaceFile(path: string, chunks: Buffer[]): number {
  const tmp = `${path}.repair`;
  const fd = openSync(tmp, 'w', DATA_FILE_MODE);
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
      bytes += chunk.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return bytes;
}

/** What a damaged range held: the records its length fields still chain through, decoded when they can be. */
function describeLost(buf: Buffer, start: number, end: number, records: number | null): LostRange {
  const entries: string[] = [];
  if (records !== null) {
    let offset = start;
    while (offset < end && entries.length < MAX_DESCRIBED) {
      const length = buf.readUInt32LE(offset);
      const payload = buf.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length);
      try {
        const entry = deserialize(payload);
        const id = entry.op === 'put' ? entry.doc?._id : entry.id;
        entries.push(`${entry.op} ${entry.db}.${entry.coll}${id !== undefined ? ` _id ${JSON.stringify(id)}` : ''}`);
      } catch {
        entries.push(guessEntry(payload));
      }
      offset += RECORD_HEADER_BYTES + length;
    }
  }
  return { start, end, records, entries };
}

/** A string element `name` of a BSON document, found by its bytes (the document itself no longer parses). */
function stringField(payload: Buffer, name: string): string | null {
  const at = payload.indexOf(Buffer.from(`\x02${name}\x00`, 'latin1'));
  if (at < 0) return null;
  const start = at + name.length + 2;
  if (start + 4 > payload.length) return null;
  const length = payload.readInt32LE(start);
  if (length < 1 || length > 256 || start + 4 + length > payload.length) return null;
  return payload.toString('utf8', start + 4, start + 4 + length - 1);
}

/** The `_id` of the lost entry, when its bytes are still where a BSON `_id` or `id` element puts them. */
function idField(payload: Buffer): string | null {
  for (const name of ['_id', 'id']) {
    const at = payload.indexOf(Buffer.from(`${name}\x00`, 'latin1'));
    if (at < 1) continue;
    const type = payload[at - 1];
    const value = at + name.length + 1;
    if (type === 0x07 && value + 12 <= payload.length) return `ObjectId("${payload.toString('hex', value, value + 12)}")`;
    if (type === 0x10 && value + 4 <= payload.length) return String(payload.readInt32LE(value));
    if (type === 0x02) return stringField(payload, name) && JSON.stringify(stringField(payload, name));
  }
  return null;
}

/** Best effort for a record that no longer decodes: its operation, namespace and id read from their bytes. */
function guessEntry(payload: Buffer): string {
  const op = stringField(payload, 'op');
  const db = stringField(payload, 'db');
  const coll = stringField(payload, 'coll');
  const id = idField(payload);
  if (!op && !db && !coll) return '(unreadable)';
  return `${op ?? '?'} ${db ?? '?'}.${coll ?? '?'}${id ? ` _id ${id}` : ''} (read from damaged bytes)`;
}

function lostRanges(buf: Buffer, scan: RecordScan): LostRange[] {
  const ranges = scan.damaged.map((d) => describeLost(buf, d.start, d.end, d.records));
  if (scan.tail) ranges.push({ start: scan.tail.start, end: scan.tail.end, records: null, entries: [] });
  return ranges;
}

/** Bases (snapshots, or the empty start) that are intact and have every journal after them. */
function intactBases(files: DataFiles, damagedSnapshots: Set<string>): string[] {
  const bases = files.snapshots.filter((s) => !damagedSnapshots.has(s.name)).map((s) => ({ name: s.name, generation: s.generation }));
  if (!files.snapshots.length || files.journals[0]?.generation === 0) bases.push({ name: 'the empty start', generation: 0 });
  return bases.filter((b) => journalChain(files, b.generation).missing === null).map((b) => b.name);
}

/**
 * Salvages a damaged data directory (`npm run db:repair -- --data-dir DIR`). Refuses while an
 * engine runs there. Every damaged file is first copied, unmodified, into `DIR/damaged-<time>/`;
 * then each damaged journal is rewritten with the records that still pass their checksum (found
 * by resynchronising after the damage), a damaged snapshot is set aside when an older intact
 * generation and its journals hold the same state, or rewritten from its intact records when none
 * does. Finally the directory is opened as the engine opens it, so a report means it starts.
 */
export async function repairDataDirectory(dataDir: string, options: { now?: Date } = {}): Promise<RepairReport> {
  const dir = resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`no data directory at ${dir}`);
  const lock = DataDirLock.acquire(dir);
  let damagedDir: string | null = null;
  const repairs: FileRepair[] = [];
  let checkedFiles: number;
  try {
    const files = listDataFiles(dir);
    checkedFiles = files.snapshots.length + files.journals.length;

    // Only damaged files' scans are kept: intact snapshots can be large, and two of them are kept.
    const damagedJournals: Array<{ file: DataFile; scan: RecordScan }> = [];
    for (const file of files.journals) {
      const scan = scanFile(join(dir, file.name));
      if (scan.damaged.length || scan.tail) damagedJournals.push({ file, scan });
    }
    const damagedSnapshots: Array<{ file: DataFile; read: ReturnType<typeof readSnapshot> }> = [];
    for (const file of files.snapshots) {
      const read = readSnapshot(dir, file);
      if (read.damage) damagedSnapshots.push({ file, read });
    }
    if (damagedJournals.length || damagedSnapshots.length) {
      damagedDir = copyAside(
        dir,
        [...damagedJournals.map((j) => j.file.name), ...damagedSnapshots.map((s) => s.file.name)],
        options.now ?? new Date(),
      );
    }

    for (const { file, scan } of damagedJournals) {
      const path = join(dir, file.name);
      const buf = readFileSync(path);
      const keptBytes = replaceFile(
        path,
        scan.records.map((r) => buf.subarray(r.offset, r.end)),
      );
      repairs.push({
        file: path,
        kind: 'journal',
        action: 'rewritten',
        keptRecords: scan.records.length,
        keptBytes,
        lost: lostRanges(buf, scan),
      });
    }

    const damagedNames = new Set(damagedSnapshots.map((s) => s.file.name));
    for (const { file, read } of damagedSnapshots) {
      const path = join(dir, file.name);
      const buf = readFileSync(path);
      const lost = lostRanges(buf, read.scan);
      const alternatives = intactBases(files, damagedNames);
      if (alternatives.length) {
        rmSync(path);
        repairs.push({
          file: path,
          kind: 'snapshot',
          action: 'set aside',
          keptRecords: 0,
          keptBytes: 0,
          lost,
          note: `${alternatives[0]} and the journals after it hold the same state`,
        });
        continue;
      }
      const keptBytes = rebuildSnapshot(path, file, buf, read.scan);
      damagedNames.delete(file.name);
      repairs.push({
        file: path,
        kind: 'snapshot',
        action: 'rewritten',
        keptRecords: read.scan.records.length,
        keptBytes,
        lost,
        note: read.damage!.detail,
      });
    }
    fsyncPath(dir);
  } finally {
    lock.release();
  }
  return { dataDir: dir, damagedDir, files: repairs, checkedFiles, documents: await verify(dir) };
}

/** Copies files, unmodified and fsynced, into `DIR/damaged-<time>/` before anything is changed. */
function copyAside(dir: string, names: string[], now: Date): string {
  const aside = join(dir, `damaged-${now.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(aside, { recursive: true, mode: DATA_DIR_MODE });
  for (const name of names) {
    copyFileSync(join(dir, name), join(aside, name));
    chmodSync(join(aside, name), DATA_FILE_MODE);
    fsyncPath(join(aside, name));
  }
  fsyncPath(aside);
  fsyncPath(dir);
  return aside;
}

/** A snapshot from its intact records: the header (rebuilt when lost), every intact entry, a footer. */
function rebuildSnapshot(path: string, file: DataFile, buf: Buffer, scan: RecordScan): number {
  const decoded = scan.records.map((r) => ({ raw: buf.subarray(r.offset, r.end), entry: deserialize(r.payload) }));
  const entries = decoded.filter((d) => d.entry.snapshot === undefined && d.entry.end === undefined);
  const header = encodeRecord(serialize({ snapshot: 1, generation: file.generation, createdAt: new Date(), repaired: true }));
  const footer = encodeRecord(serialize({ end: true, documents: entries.filter((e) => e.entry.op === 'put').length }));
  return replaceFile(path, [header, ...entries.map((e) => e.raw), footer]);
}

/** Opens the directory exactly as the engine does (throwing if it would refuse) and counts its documents. */
async function verify(dir: string): Promise<number> {
  const catalog = new Catalog();
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const storage = new DurableStorage(dir, catalog, quiet);
  const { documents } = await storage.open();
  await storage.close({ compact: false });
  return documents;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The report as the command prints it: what was lost (records and byte ranges), what was kept. */
export function formatRepairReport(report: RepairReport): string {
  if (!report.files.length) {
    return [
      `Nothing to repair in ${report.dataDir}: ${plural(report.checkedFiles, 'file')} checked, all intact.`,
      `The engine starts from it with ${plural(report.documents, 'document')}.`,
    ].join('\n');
  }
  const lines = [`Repaired ${report.dataDir}`, `Every damaged file was first copied, unmodified, to ${report.damagedDir}`];
  for (const f of report.files) {
    const name = basename(f.file);
    if (f.action === 'set aside') lines.push(`  ${name}: set aside, nothing lost (${f.note})`);
    else
      lines.push(
        `  ${name}: kept ${plural(f.keptRecords, 'intact record')} (${f.keptBytes} bytes)${f.note ? `; it was damaged: ${f.note}` : ''}`,
      );
    if (f.action === 'set aside') continue;
    for (const l of f.lost) {
      const what = l.records === null ? 'an unknown number of records' : plural(l.records, 'record');
      lines.push(
        `    lost bytes ${l.start}-${l.end - 1} (${l.end - l.start} bytes): ${what}${l.entries.length ? `: ${l.entries.join('; ')}` : ''}`,
      );
    }
  }
  const lostRecords = report.files.flatMap((f) => (f.action === 'set aside' ? [] : f.lost)).reduce((n, l) => n + (l.records ?? 0), 0);
  const unknown = report.files.some((f) => f.action !== 'set aside' && f.lost.some((l) => l.records === null));
  lines.push(
    `${plural(report.checkedFiles, 'file')} checked, ${report.files.length} repaired; lost ${lostRecords}${unknown ? ' or more' : ''} record${lostRecords === 1 && !unknown ? '' : 's'}.`,
    `The engine starts from it with ${plural(report.documents, 'document')}.`,
  );
  return lines.join('\n');
}
