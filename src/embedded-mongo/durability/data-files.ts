import { deserialize } from 'bson';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RECORD_HEADER_BYTES, scanFile, type DamagedRange, type RecordScan } from './journal';

/**
 * The files of a data directory and what makes them usable: shared by the storage (which refuses
 * to start on damage) and the repair tool (which salvages around it).
 *
 * - `snapshot-<G>.bson`: the whole state when journal G began (a header record, the same entries
 *   a journal holds, a footer record). `snapshot.bson` is the single snapshot of older versions,
 *   its generation read from its header.
 * - `journal-<G>.log`: every change made while G was the current generation.
 * - Generation 0 needs no snapshot: it starts from an empty state.
 */
export const LEGACY_SNAPSHOT_FILE = 'snapshot.bson';
const SNAPSHOT_RE = /^snapshot-(\d+)\.bson$/;
const JOURNAL_RE = /^journal-(\d+)\.log$/;
export const TEMP_FILE_RE = /^snapshot(-\d+)?\.tmp$/;
export const snapshotFile = (generation: number): string => `snapshot-${generation}.bson`;
export const snapshotTempFile = (generation: number): string => `snapshot-${generation}.tmp`;
export const journalFile = (generation: number): string => `journal-${generation}.log`;

export interface DataFile {
  name: string;
  generation: number;
}

export interface DataFiles {
  /** Newest generation first. */
  snapshots: DataFile[];
  /** Oldest generation first. */
  journals: DataFile[];
}

/** Reads only the header record of a snapshot: its generation, or null when the header is unreadable. */
function snapshotHeaderGeneration(path: string): number | null {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(RECORD_HEADER_BYTES);
    if (readSync(fd, head, 0, RECORD_HEADER_BYTES, 0) < RECORD_HEADER_BYTES) return null;
    const length = head.readUInt32LE(0);
    if (length < 5 || length > 4096) return null;
    const payload = Buffer.alloc(length);
    if (readSync(fd, payload, 0, length, RECORD_HEADER_BYTES) < length) return null;
    const header = deserialize(payload);
    return header.snapshot === 1 && Number.isInteger(header.generation) ? header.generation : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export function listDataFiles(dir: string): DataFiles {
  const names = readdirSync(dir);
  const journals = names
    .map((name) => ({ name, generation: Number(JOURNAL_RE.exec(name)?.[1] ?? NaN) }))
    .filter((j) => !Number.isNaN(j.generation))
    .sort((a, b) => a.generation - b.generation);
  const snapshots = names
    .map((name) => ({ name, generation: Number(SNAPSHOT_RE.exec(name)?.[1] ?? NaN) }))
    .filter((s) => !Number.isNaN(s.generation));
  if (names.includes(LEGACY_SNAPSHOT_FILE)) {
    // The old layout deleted every journal older than its snapshot, so the oldest journal is its generation.
    const generation = snapshotHeaderGeneration(join(dir, LEGACY_SNAPSHOT_FILE)) ?? journals[0]?.generation ?? 0;
    snapshots.push({ name: LEGACY_SNAPSHOT_FILE, generation });
  }
  snapshots.sort((a, b) => b.generation - a.generation);
  return { snapshots, journals };
}

/** What is wrong with one file, in words a user can act on. */
export interface FileDamage {
  file: string;
  /** First damaged byte. */
  offset: number;
  detail: string;
}

export interface SnapshotRead {
  scan: RecordScan;
  /** Entry records, header and footer removed; null when the snapshot is damaged. */
  entries: Buffer[] | null;
  damage: FileDamage | null;
}

function describeRanges(ranges: DamagedRange[], following: number): string {
  const first = ranges[0];
  const what =
    first.records === null ? 'a damaged record header' : `${first.records} record${first.records === 1 ? '' : 's'} failing its checksum`;
  const more = ranges.length > 1 ? ` (and ${ranges.length - 1} more damaged range${ranges.length > 2 ? 's' : ''})` : '';
  return `bytes ${first.start}-${first.end - 1} hold ${what}${more}, and ${following} intact record${following === 1 ? '' : 's'} follow`;
}

/** Reads and checks a snapshot: every record intact, a header first, a footer last. */
export function readSnapshot(dir: string, file: DataFile): SnapshotRead {
  const path = join(dir, file.name);
  const scan = scanFile(path);
  const damage = (offset: number, detail: string): SnapshotRead => ({
    scan,
    entries: null,
    damage: { file: resolve(path), offset, detail },
  });
  if (scan.damaged.length) {
    const following = scan.records.filter((r) => r.offset >= scan.damaged[0].end).length;
    return damage(scan.damaged[0].start, describeRanges(scan.damaged, following));
  }
  if (scan.tail)
    return damage(
      scan.tail.start,
      `it ends with ${scan.tail.end - scan.tail.start} bytes that hold no intact record (a snapshot is only ever renamed into place whole)`,
    );
  const header = scan.records.length ? deserialize(scan.records[0].payload) : null;
  if (!header || header.snapshot !== 1 || header.generation !== file.generation)
    return damage(0, 'its header record is missing or names another generation');
  const footer = deserialize(scan.records[scan.records.length - 1].payload);
  if (footer.end !== true) return damage(scan.size, 'its closing record is missing (cut short)');
  return { scan, entries: scan.records.slice(1, -1).map((r) => r.payload), damage: null };
}

/** Damage inside a journal; a torn tail counts only when the journal is not the last one (older journals are closed whole). */
export function journalDamage(dir: string, name: string, scan: RecordScan, last: boolean): FileDamage | null {
  const file = resolve(join(dir, name));
  if (scan.damaged.length) {
    const following = scan.records.filter((r) => r.offset >= scan.damaged[0].end).length;
    return { file, offset: scan.damaged[0].start, detail: describeRanges(scan.damaged, following) };
  }
  if (scan.tail && !last) {
    return {
      file,
      offset: scan.tail.start,
      detail: `it ends with ${scan.tail.end - scan.tail.start} bytes that hold no intact record, yet a newer journal follows it`,
    };
  }
  return null;
}

/**
 * Generations whose journals a restore from `base` replays, or the first missing one. Every
 * generation from the base to the newest journal must be there; only the base's own journal may be
 * absent, when nothing newer exists (a snapshot written just before a crash).
 */
export function journalChain(files: DataFiles, base: number): { chain: DataFile[]; missing: number | null } {
  const chain = files.journals.filter((j) => j.generation >= base);
  const newest = chain.length ? chain[chain.length - 1].generation : base;
  const present = new Set(chain.map((j) => j.generation));
  for (let g = base; g <= newest; g++) {
    if (!present.has(g) && !(g === base && chain.length === 0)) return { chain, missing: g };
  }
  return { chain, missing: null };
}

export function repairCommand(dir: string): string {
  const quoted = /^[\w./-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, `'\\''`)}'`;
  return `npm run db:repair -- --data-dir ${quoted}`;
}

/**
 * The data directory holds damage that starting would silently drop. Nothing was modified; the
 * message names each file, the first damaged byte and the command that salvages the rest.
 */
export class DataDirectoryDamagedError extends Error {
  readonly code = 'DATA_DIR_DAMAGED';

  constructor(
    readonly dataDir: string,
    readonly damage: FileDamage[],
    reason: string,
  ) {
    super(
      [
        `the data directory ${dataDir} is damaged: ${reason}`,
        ...damage.map((d) => `  - ${d.file} at byte ${d.offset}: ${d.detail}`),
        'Nothing was changed. To keep every intact record (damaged files are copied aside first), stop Ouvidor and run:',
        `  ${repairCommand(dataDir)}`,
      ].join('\n'),
    );
    this.name = 'DataDirectoryDamagedError';
  }
}
