import { deserialize, serialize, type Document } from 'bson';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  promises as fsp,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog } from '../storage/catalog';
import type { ChangeEntry, ChangeLog } from '../storage/change-log';
import {
  DataDirectoryDamagedError,
  journalChain,
  journalDamage,
  journalFile,
  listDataFiles,
  readSnapshot,
  snapshotFile,
  snapshotTempFile,
  TEMP_FILE_RE,
  type DataFile,
  type FileDamage,
} from './data-files';
import { DataDirLock } from './data-dir-lock';
import { DATA_DIR_MODE, DATA_FILE_MODE, makeDataDir, tightenDataDir } from './data-dir-permissions';
import type { IndexSpec } from '../storage/ordered-index';
import { encodeRecord, JournalWriter, scanFile } from './journal';

export interface StorageLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Whether changes can be made durable right now, and why not. */
export interface StorageStatus {
  writable: boolean;
  /** The error of the failing write or sync (e.g. `ENOSPC: no space left on device, write`). */
  reason?: string;
}

/** A snapshot is written in pieces of about this size, yielding to the event loop in between. */
const SNAPSHOT_CHUNK_BYTES = 4 * 1024 * 1024;
/** While journal writes fail, how often they are retried without waiting for a client's write. */
const RETRY_INTERVAL_MS = 1_000;
/** After a failed compaction (the disk is full, say), how long before the next attempt. */
const COMPACTION_BACKOFF_MS = 60_000;

export interface DurableStorageOptions {
  /** Compact once the journal is larger than this and than the last snapshot. */
  compactionThresholdBytes?: number;
  /** Told each time journal writes start failing or work again. */
  onStatus?: (status: StorageStatus) => void;
}

export interface RestoreSummary {
  documents: number;
  journalRecords: number;
  tornTail: boolean;
  /** The snapshot the state was built from (null: an empty state, generation 0). */
  snapshot: string | null;
  /** Damaged snapshots passed over for an older generation. */
  damagedSnapshots: string[];
}

interface CapturedCollection {
  db: string;
  coll: string;
  options: Document;
  indexes: IndexSpec[];
  docs: Document[];
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Durability for the catalog: snapshots plus journals, in one directory (the layout is described
 * in data-files.ts). Replay = a snapshot, then every journal from its generation on, in order.
 *
 * - Compaction captures the state (document references: stored documents are immutable), switches
 *   new writes to `journal-(G+1).log` in the same tick, writes `snapshot-(G+1).bson` to a temp
 *   file, fsyncs it, renames it into place and fsyncs the directory. Only then are older files
 *   deleted, and not all of them: the previous snapshot and its journals stay, so a snapshot found
 *   damaged later falls back to the previous generation with nothing lost.
 * - A crash at any point leaves a snapshot with every journal after it: nothing acknowledged is
 *   lost or applied twice.
 * - Start refuses, changing nothing, when a journal it needs is damaged inside (intact records
 *   after the damage), when an older journal is cut short, or when no intact snapshot has its
 *   journals; only a torn tail of the newest journal (a write cut short by a crash, never
 *   acknowledged) is truncated, and said so in the log.
 */
export class DurableStorage implements ChangeLog {
  private lock: DataDirLock | null = null;
  private writer: JournalWriter | null = null;
  private generation = 0;
  /** The newest snapshot known intact (restored from or written here), the next compaction's fallback. */
  private base: { generation: number; name: string | null } = { generation: 0, name: null };
  private damagedSnapshots: string[] = [];
  private snapshotBytes = 0;
  private compaction: Promise<void> | null = null;
  private compactionBackoffUntil = 0;
  private status: StorageStatus = { writable: true };
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly threshold: number;

  constructor(
    readonly dir: string,
    private readonly catalog: Catalog,
    private readonly logger: StorageLogger,
    private readonly options: DurableStorageOptions = {},
  ) {
    this.threshold = options.compactionThresholdBytes ?? 64 * 1024 * 1024;
  }

  /** Replays the snapshot and journals into the catalog, then starts journaling its changes. */
  async open(): Promise<RestoreSummary> {
    makeDataDir(this.dir);
    // Owner only: the files hold every tenant's data. Older versions left them 0755/0644.
    const tightened = tightenDataDir(this.dir);
    if (tightened.changed) {
      this.logger.warn(
        { dataDir: this.dir, changed: tightened.changed },
        'embedded engine: data directory permissions tightened (directories 0700, files 0600)',
      );
    }
    if (tightened.failed.length) {
      this.logger.error(
        { dataDir: this.dir, failed: tightened.failed },
        'embedded engine: could not tighten the permissions of some files in the data directory',
      );
    }
    this.lock = DataDirLock.acquire(this.dir);
    try {
      return this.restore();
    } catch (err) {
      this.lock.release();
      this.lock = null;
      throw err;
    }
  }

  private restore(): RestoreSummary {
    this.catalog.setChangeLog(null);
    const files = listDataFiles(this.dir);
    const damaged: FileDamage[] = [];
    const bases: Array<{ generation: number; name: string | null }> = [...files.snapshots];
    // With no snapshot, or with journals from generation 0 still kept, the empty state is a base too.
    if (!files.snapshots.length || files.journals[0]?.generation === 0) bases.push({ generation: 0, name: null });

    for (const base of bases) {
      let entries: Buffer[] = [];
      if (base.name) {
        const snapshot = readSnapshot(this.dir, base as DataFile);
        if (snapshot.damage) {
          damaged.push(snapshot.damage);
          continue;
        }
        entries = snapshot.entries!;
      }
      const { chain, missing } = journalChain(files, base.generation);
      if (missing !== null) {
        throw new DataDirectoryDamagedError(
          this.dir,
          damaged,
          `${journalFile(missing)} is missing, and ${base.name ?? 'the empty start'} needs every journal from generation ${base.generation} on`,
        );
      }
      const scans = chain.map((j) => ({ file: j, scan: scanFile(join(this.dir, j.name)) }));
      const journalDamages = scans
        .map(({ file, scan }, i) => journalDamage(this.dir, file.name, scan, i === scans.length - 1))
        .filter((d): d is FileDamage => d !== null);
      if (journalDamages.length) {
        throw new DataDirectoryDamagedError(
          this.dir,
          [...damaged, ...journalDamages],
          'starting would drop intact records that follow the damage',
        );
      }

      // Everything needed is intact: only now is anything in the directory changed.
      for (const p of entries) this.catalog.apply(deserialize(p) as ChangeEntry);
      let journalRecords = 0;
      let tornTail = false;
      for (const { file, scan } of scans) {
        if (scan.tail) {
          tornTail = true;
          truncateSync(join(this.dir, file.name), scan.tail.start);
          this.logger.warn(
            { file: join(this.dir, file.name), keptBytes: scan.tail.start, droppedBytes: scan.tail.end - scan.tail.start },
            'embedded engine: ignored an incomplete record at the end of the journal (a write cut short, never acknowledged)',
          );
        }
        for (const r of scan.records) this.catalog.apply(deserialize(r.payload) as ChangeEntry);
        journalRecords += scan.records.length;
      }
      for (const name of readdirSync(this.dir)) if (TEMP_FILE_RE.test(name)) rmSync(join(this.dir, name), { force: true });
      if (damaged.length) {
        this.logger.error(
          { damaged, usedSnapshot: base.name, journals: chain.map((j) => j.name) },
          `embedded engine: a snapshot is damaged; started from the previous generation (${base.name ?? 'the empty start'} and its journals), nothing lost. The damaged file is left as it is and moved into damaged-<time>/ at the next compaction`,
        );
      }

      this.base = base;
      this.damagedSnapshots = damaged.map((d) => d.file);
      // Past any damaged newer snapshot too, so that no compaction ever writes over it.
      this.generation = Math.max(
        base.generation,
        chain.length ? chain[chain.length - 1].generation : base.generation,
        files.snapshots[0]?.generation ?? 0,
      );
      this.snapshotBytes = base.name ? statSync(join(this.dir, base.name)).size : 0;
      this.writer = JournalWriter.open(join(this.dir, journalFile(this.generation)));
      fsyncDir(this.dir);
      this.catalog.setChangeLog(this);
      const documents = this.catalog
        .databaseNames()
        .reduce((n, db) => n + this.catalog.collections(db).reduce((m, c) => m + c.count, 0), 0);
      return { documents, journalRecords, tornTail, snapshot: base.name, damagedSnapshots: this.damagedSnapshots };
    }
    throw new DataDirectoryDamagedError(this.dir, damaged, 'no intact snapshot has all of its journals');
  }

  record(entry: ChangeEntry): void {
    this.writer!.append(serialize(entry));
  }

  /** Whether journal writes currently work. */
  get currentStatus(): StorageStatus {
    return this.status;
  }

  /** Resolves once every change recorded so far is on disk; rejects, acknowledging nothing, when that fails. */
  async flushed(): Promise<void> {
    try {
      await this.writer!.flushed();
    } catch (err) {
      this.setStatus({ writable: false, reason: reasonOf(err) });
      throw err;
    }
    if (!this.status.writable) this.setStatus({ writable: true });
    if (!this.compaction && Date.now() >= this.compactionBackoffUntil && this.writer!.size > Math.max(this.threshold, this.snapshotBytes)) {
      this.compact().catch((err) => {
        this.compactionBackoffUntil = Date.now() + COMPACTION_BACKOFF_MS;
        this.logger.error(
          { err: reasonOf(err), retryInMs: COMPACTION_BACKOFF_MS },
          'embedded engine: compaction failed; the journals still hold every change',
        );
      });
    }
  }

  private setStatus(next: StorageStatus): void {
    if (next.writable === this.status.writable && next.reason === this.status.reason) return;
    const wasWritable = this.status.writable;
    this.status = next;
    if (!next.writable && wasWritable) {
      this.logger.error(
        { dataDir: this.dir, reason: next.reason },
        'embedded engine: journal writes fail; writes are refused (not acknowledged) until they succeed again',
      );
      this.retryTimer = setInterval(() => this.flushed().catch(() => undefined), RETRY_INTERVAL_MS);
      this.retryTimer.unref();
    } else if (next.writable) {
      this.logger.info({ dataDir: this.dir }, 'embedded engine: journal writes work again');
      if (this.retryTimer) clearInterval(this.retryTimer);
      this.retryTimer = null;
    }
    this.options.onStatus?.(next);
  }

  /** Writes a snapshot of the current state and drops the files no longer needed. */
  compact(): Promise<void> {
    if (!this.compaction) {
      this.compaction = this.runCompaction().finally(() => {
        this.compaction = null;
      });
    }
    return this.compaction;
  }

  private async runCompaction(): Promise<void> {
    const started = Date.now();
    // Capture and switch in one synchronous step, with nothing left unflushed in the old journal:
    // the captured state is exactly where the new journal starts, and no reply can be waiting on
    // a record that only the old journal would hold.
    while (this.writer!.hasPending) await this.writer!.flushed();
    const captured = this.capture();
    const oldWriter = this.writer!;
    this.generation++;
    this.writer = JournalWriter.open(join(this.dir, journalFile(this.generation)));
    fsyncDir(this.dir);
    await oldWriter.close();

    const bytes = await this.writeSnapshot(captured, this.generation);
    this.snapshotBytes = bytes;
    this.dropSuperseded({ generation: this.generation, name: snapshotFile(this.generation) });
    this.logger.info(
      { generation: this.generation, documents: captured.reduce((n, c) => n + c.docs.length, 0), bytes, ms: Date.now() - started },
      'embedded engine: journal compacted into a snapshot',
    );
  }

  /**
   * Once `latest` is in place: keeps it and the previous intact base with the journals from that
   * base on; deletes older snapshots and journals; moves damaged snapshots aside, unmodified.
   */
  private dropSuperseded(latest: { generation: number; name: string }): void {
    const previous = this.base;
    const files = listDataFiles(this.dir);
    let aside: string | null = null;
    for (const s of files.snapshots) {
      if (s.name === latest.name || s.name === previous.name) continue;
      const path = join(this.dir, s.name);
      if (this.damagedSnapshots.includes(resolve(path))) {
        aside ??= join(this.dir, `damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`);
        mkdirSync(aside, { recursive: true, mode: DATA_DIR_MODE });
        renameSync(path, join(aside, s.name));
        this.logger.warn({ file: path, movedTo: aside }, 'embedded engine: damaged snapshot moved aside');
      } else {
        rmSync(path, { force: true });
      }
    }
    for (const j of files.journals) if (j.generation < previous.generation) rmSync(join(this.dir, j.name), { force: true });
    fsyncDir(this.dir);
    this.damagedSnapshots = [];
    this.base = latest;
  }

  private capture(): CapturedCollection[] {
    const out: CapturedCollection[] = [];
    for (const db of this.catalog.databaseNames()) {
      for (const c of this.catalog.collections(db)) {
        out.push({
          db,
          coll: c.name,
          options: c.options,
          indexes: c
            .indexList()
            .map((ix) => ix.spec)
            .filter((s) => s.name !== '_id_'),
          docs: [...c.documents()],
        });
      }
    }
    return out;
  }

  private async writeSnapshot(collections: CapturedCollection[], generation: number): Promise<number> {
    const tmp = join(this.dir, snapshotTempFile(generation));
    const handle = await fsp.open(tmp, 'w', DATA_FILE_MODE);
    let total = 0;
    let complete = false;
    try {
      let chunk: Buffer[] = [];
      let chunkBytes = 0;
      const push = async (entry: Document, force = false): Promise<void> => {
        const record = encodeRecord(serialize(entry));
        chunk.push(record);
        chunkBytes += record.length;
        if (chunkBytes >= SNAPSHOT_CHUNK_BYTES || force) {
          const buf = Buffer.concat(chunk);
          let written = 0;
          while (written < buf.length) written += (await handle.write(buf, written, buf.length - written)).bytesWritten;
          total += buf.length;
          chunk = [];
          chunkBytes = 0;
        }
      };
      await push({ snapshot: 1, generation, createdAt: new Date() });
      let count = 0;
      for (const c of collections) {
        await push({ op: 'createCollection', db: c.db, coll: c.coll, options: c.options });
        for (const spec of c.indexes) await push({ op: 'createIndex', db: c.db, coll: c.coll, spec });
        for (const doc of c.docs) {
          await push({ op: 'put', db: c.db, coll: c.coll, doc });
          count++;
        }
      }
      await push({ end: true, documents: count }, true);
      await handle.sync();
      complete = true;
    } finally {
      await handle.close();
      // A half-written snapshot on a full disk would only keep it full.
      if (!complete) await fsp.rm(tmp, { force: true });
    }
    await fsp.rename(tmp, join(this.dir, snapshotFile(generation)));
    fsyncDir(this.dir);
    return total;
  }

  /** Final compaction (unless `compact: false`), then release of the files. */
  async close(options: { compact?: boolean } = {}): Promise<void> {
    if (!this.writer) return;
    try {
      await this.compaction?.catch(() => undefined);
      await this.writer.flushed();
      // Nothing journaled since the last snapshot: it is already the whole state.
      if (options.compact !== false && (this.writer.size > 0 || !this.base.name)) await this.compact();
    } finally {
      if (this.retryTimer) clearInterval(this.retryTimer);
      this.retryTimer = null;
      this.catalog.setChangeLog(null);
      await this.writer.close();
      this.writer = null;
      this.lock?.release();
      this.lock = null;
    }
  }
}
