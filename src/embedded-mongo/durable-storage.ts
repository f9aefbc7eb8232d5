import { deserialize, serialize, type Document } from 'bson';
import { existsSync, mkdirSync, openSync, closeSync, fsyncSync, readdirSync, rmSync, statSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from './catalog';
import type { ChangeEntry, ChangeLog } from './change-log';
import { DataDirLock } from './data-dir-lock';
import type { IndexSpec } from './ordered-index';
import { encodeRecord, JournalWriter, readJournalFile } from './journal';

export interface StorageLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const SNAPSHOT_FILE = 'snapshot.bson';
const SNAPSHOT_TMP_FILE = 'snapshot.tmp';
const JOURNAL_RE = /^journal-(\d+)\.log$/;
const journalFile = (generation: number): string => `journal-${generation}.log`;
/** A snapshot is written in pieces of about this size, yielding to the event loop in between. */
const SNAPSHOT_CHUNK_BYTES = 4 * 1024 * 1024;

export interface DurableStorageOptions {
  /** Compact once the journal is larger than this and than the last snapshot. */
  compactionThresholdBytes?: number;
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

/**
 * Durability for the catalog: a snapshot plus journals, in one directory.
 *
 * - `snapshot.bson` holds the whole state as of generation G (a header record, then the same
 *   entries the journal uses); `journal-G.log` holds every change since. Replay = snapshot, then
 *   journals of generation ≥ G in order.
 * - Compaction captures the state (document references: stored documents are immutable), switches
 *   new writes to `journal-(G+1).log` in the same tick, writes the snapshot to a temp file, fsyncs
 *   it, renames it over the old one, fsyncs the directory, and only then deletes `journal-G.log`.
 *   A crash at any point leaves either the old snapshot with both journals or the new snapshot
 *   with the new journal: nothing acknowledged is lost or applied twice.
 */
export class DurableStorage implements ChangeLog {
  private lock: DataDirLock | null = null;
  private writer: JournalWriter | null = null;
  private generation = 0;
  private snapshotBytes = 0;
  private compaction: Promise<void> | null = null;
  private readonly threshold: number;

  constructor(
    readonly dir: string,
    private readonly catalog: Catalog,
    private readonly logger: StorageLogger,
    options: DurableStorageOptions = {},
  ) {
    this.threshold = options.compactionThresholdBytes ?? 64 * 1024 * 1024;
  }

  /** Replays the snapshot and journals into the catalog, then starts journaling its changes. */
  async open(): Promise<{ documents: number; journalRecords: number; tornTail: boolean }> {
    mkdirSync(this.dir, { recursive: true });
    this.lock = DataDirLock.acquire(this.dir);
    try {
      return this.restore();
    } catch (err) {
      this.lock.release();
      this.lock = null;
      throw err;
    }
  }

  private restore(): { documents: number; journalRecords: number; tornTail: boolean } {
    rmSync(join(this.dir, SNAPSHOT_TMP_FILE), { force: true });
    this.catalog.setChangeLog(null);

    const snapshotPath = join(this.dir, SNAPSHOT_FILE);
    if (existsSync(snapshotPath)) {
      const { payloads, torn } = readJournalFile(snapshotPath);
      const header = payloads.length ? deserialize(payloads[0]) : null;
      const footer = payloads.length ? deserialize(payloads[payloads.length - 1]) : null;
      if (!header || header.snapshot !== 1 || footer?.end !== true || torn) {
        throw new Error(`embedded engine: ${snapshotPath} is damaged (it is only ever replaced whole); refusing to start`);
      }
      this.generation = header.generation;
      for (const p of payloads.slice(1, -1)) this.catalog.apply(deserialize(p) as ChangeEntry);
      this.snapshotBytes = statSync(snapshotPath).size;
    }

    const journals = readdirSync(this.dir)
      .map((name) => ({ name, generation: Number(JOURNAL_RE.exec(name)?.[1] ?? NaN) }))
      .filter((j) => !Number.isNaN(j.generation))
      .sort((a, b) => a.generation - b.generation);
    let journalRecords = 0;
    let tornTail = false;
    for (const j of journals) {
      const path = join(this.dir, j.name);
      if (j.generation < this.generation) {
        rmSync(path, { force: true });
        continue;
      }
      const { payloads, torn, validLength } = readJournalFile(path);
      if (torn) {
        tornTail = true;
        this.logger.warn({ file: path, keptBytes: validLength }, 'embedded engine: ignored an incomplete record at the end of the journal');
      }
      for (const p of payloads) this.catalog.apply(deserialize(p) as ChangeEntry);
      journalRecords += payloads.length;
      this.generation = Math.max(this.generation, j.generation);
    }

    this.writer = JournalWriter.open(join(this.dir, journalFile(this.generation)));
    fsyncDir(this.dir);
    this.catalog.setChangeLog(this);
    const documents = this.catalog.databaseNames().reduce((n, db) => n + this.catalog.collections(db).reduce((m, c) => m + c.count, 0), 0);
    return { documents, journalRecords, tornTail };
  }

  record(entry: ChangeEntry): void {
    this.writer!.append(serialize(entry));
  }

  /** Resolves once every change recorded so far is on disk. */
  async flushed(): Promise<void> {
    await this.writer!.flushed();
    if (!this.compaction && this.writer!.size > Math.max(this.threshold, this.snapshotBytes)) {
      this.compact().catch((err) => this.logger.error({ err: String(err) }, 'embedded engine: compaction failed'));
    }
  }

  /** Writes a snapshot of the current state and drops the journal it replaces. */
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
    // a record that only the old journal (about to be deleted) would hold.
    while (this.writer!.hasPending) await this.writer!.flushed();
    const captured = this.capture();
    const oldWriter = this.writer!;
    const oldGeneration = this.generation;
    this.generation = oldGeneration + 1;
    this.writer = JournalWriter.open(join(this.dir, journalFile(this.generation)));
    fsyncDir(this.dir);
    await oldWriter.close();

    const bytes = await this.writeSnapshot(captured, this.generation);
    this.snapshotBytes = bytes;
    rmSync(join(this.dir, journalFile(oldGeneration)), { force: true });
    fsyncDir(this.dir);
    this.logger.info(
      { generation: this.generation, documents: captured.reduce((n, c) => n + c.docs.length, 0), bytes, ms: Date.now() - started },
      'embedded engine: journal compacted into a snapshot',
    );
  }

  private capture(): CapturedCollection[] {
    const out: CapturedCollection[] = [];
    for (const db of this.catalog.databaseNames()) {
      for (const c of this.catalog.collections(db)) {
        out.push({
          db,
          coll: c.name,
          options: c.options,
          indexes: c.indexList().map((ix) => ix.spec).filter((s) => s.name !== '_id_'),
          docs: [...c.documents()],
        });
      }
    }
    return out;
  }

  private async writeSnapshot(collections: CapturedCollection[], generation: number): Promise<number> {
    const tmp = join(this.dir, SNAPSHOT_TMP_FILE);
    const handle = await fsp.open(tmp, 'w');
    let total = 0;
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
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, join(this.dir, SNAPSHOT_FILE));
    fsyncDir(this.dir);
    return total;
  }

  /** Final compaction, then release of the files. */
  async close(): Promise<void> {
    if (!this.writer) return;
    try {
      await this.compaction;
      await this.writer.flushed();
      // Nothing journaled since the last snapshot: it is already the whole state.
      if (this.writer.size > 0 || !existsSync(join(this.dir, SNAPSHOT_FILE))) await this.compact();
    } finally {
      this.catalog.setChangeLog(null);
      await this.writer.close();
      this.writer = null;
      this.lock?.release();
      this.lock = null;
    }
  }
}
