import { close, fdatasync, fstatSync, ftruncate, openSync, readFileSync, write } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const ftruncateAsync = promisify(ftruncate);
const closeAsync = promisify(close);

/**
 * The on-disk record format shared by journals and snapshots, the scanner that reads it back, and
 * the journal writer.
 *
 * A record is `[u32 payload length][u32 CRC-32 of payload][payload]`, little-endian, and every
 * payload is one BSON document, whose own first four bytes repeat the length and whose last byte
 * is 0. That makes records self-delimiting: after damage, the scanner finds the next record by
 * trying each later offset, and the length, BSON shape and checksum all have to agree before it
 * accepts one (a false match inside a payload would need a 1 in 2^32 checksum collision on top).
 */
export const RECORD_HEADER_BYTES = 8;
/** Bounds a corrupt length field; real records are one document (≤ 16 MB) plus a small envelope. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** The smallest BSON document, `{}`. */
const MIN_PAYLOAD_BYTES = 5;

export function encodeRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, RECORD_HEADER_BYTES);
  return out;
}

/** End offset of the intact record starting at `offset`, or -1 when there is none there. */
export function recordEndAt(buf: Buffer, offset: number): number {
  if (buf.length - offset < RECORD_HEADER_BYTES + MIN_PAYLOAD_BYTES) return -1;
  const length = buf.readUInt32LE(offset);
  const start = offset + RECORD_HEADER_BYTES;
  const end = start + length;
  if (length < MIN_PAYLOAD_BYTES || length > MAX_RECORD_BYTES || end > buf.length) return -1;
  if (buf.readInt32LE(start) !== length || buf[end - 1] !== 0) return -1;
  if (crc32(buf.subarray(start, end)) !== buf.readUInt32LE(offset + 4)) return -1;
  return end;
}

/** Offset of the first intact record at or after `from`, or -1. */
export function nextRecordAt(buf: Buffer, from: number): number {
  const last = buf.length - RECORD_HEADER_BYTES - MIN_PAYLOAD_BYTES;
  for (let offset = from; offset <= last; offset++) {
    // The two length fields must agree: a cheap test that rejects almost every offset before the checksum.
    if (
      buf[offset] !== buf[offset + 8] ||
      buf[offset + 1] !== buf[offset + 9] ||
      buf[offset + 2] !== buf[offset + 10] ||
      buf[offset + 3] !== buf[offset + 11]
    ) {
      continue;
    }
    if (recordEndAt(buf, offset) >= 0) return offset;
  }
  return -1;
}

export interface ScannedRecord {
  /** Where the record's header starts. */
  offset: number;
  /** Where the record ends (header and payload). */
  end: number;
  payload: Buffer;
}

export interface DamagedRange {
  start: number;
  end: number;
  /**
   * Records the range held, when their length fields still chain from its start to its end (a
   * flipped bit inside a payload: exactly 1); null when a length field itself is damaged.
   */
  records: number | null;
}

export interface RecordScan {
  records: ScannedRecord[];
  /** Byte ranges that hold no intact record and are followed by intact records: damage inside the file. */
  damaged: DamagedRange[];
  /** Bytes after the last intact record that hold no intact record: a torn tail, or null. */
  tail: { start: number; end: number } | null;
  size: number;
}

/** Counts the records whose length fields chain exactly from `start` to `end`, ignoring checksums. */
function chainedRecords(buf: Buffer, start: number, end: number): number | null {
  let offset = start;
  let count = 0;
  while (offset < end) {
    if (end - offset < RECORD_HEADER_BYTES) return null;
    const length = buf.readUInt32LE(offset);
    if (length < MIN_PAYLOAD_BYTES) return null;
    offset += RECORD_HEADER_BYTES + length;
    count++;
  }
  return offset === end ? count : null;
}

/**
 * Reads every intact record, resynchronising after damage on the next intact record. Bytes that
 * hold no intact record are a torn tail when nothing intact follows them (a write cut short by a
 * crash, never acknowledged), and damage otherwise (the disk or someone changed bytes that were
 * once written whole).
 */
export function scanRecords(buf: Buffer): RecordScan {
  const records: ScannedRecord[] = [];
  const damaged: DamagedRange[] = [];
  let tail: RecordScan['tail'] = null;
  let offset = 0;
  while (offset < buf.length) {
    const end = recordEndAt(buf, offset);
    if (end >= 0) {
      records.push({ offset, end, payload: buf.subarray(offset + RECORD_HEADER_BYTES, end) });
      offset = end;
      continue;
    }
    const next = nextRecordAt(buf, offset + 1);
    if (next < 0) {
      tail = { start: offset, end: buf.length };
      break;
    }
    damaged.push({ start: offset, end: next, records: chainedRecords(buf, offset, next) });
    offset = next;
  }
  return { records, damaged, tail, size: buf.length };
}

export function scanFile(path: string): RecordScan {
  return scanRecords(readFileSync(path));
}

/**
 * Appends records with group commit: records appended during one turn of the event loop are
 * written with one `write` and made durable with one `fdatasync`; `flushed()` resolves once every
 * record appended before the call is on disk, and only then does the server send its reply.
 *
 * A failed write or sync (ENOSPC, EIO) rejects the waiting callers, so nothing is acknowledged,
 * but keeps their records: the next `flushed()` cuts the file back to the last synced byte
 * (dropping whatever part of the batch reached it, since after a failed fsync the page cache can
 * no longer be trusted to match the disk) and writes them again. The journal on disk therefore
 * always ends with exactly the changes applied in memory once a flush succeeds.
 */
export class JournalWriter {
  /** Records appended and not yet synced, oldest first. */
  private unsynced: Buffer[] = [];
  private appendedSeq = 0;
  private durableSeq = 0;
  private durableBytes: number;
  private waiters: Array<{ seq: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private flushing = false;
  private scheduled = false;
  /** Set after a failed write or sync, until a flush succeeds. */
  private lastFailure: Error | null = null;
  private bytes: number;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    size: number,
  ) {
    this.bytes = size;
    this.durableBytes = size;
  }

  /** Opens synchronously, so the storage can switch journals without yielding. */
  static open(path: string): JournalWriter {
    const fd = openSync(path, 'a', 0o600); // owner only, like every file of the data directory
    return new JournalWriter(path, fd, fstatSync(fd).size);
  }

  /** True while some appended record is not yet on disk. */
  get hasPending(): boolean {
    return this.appendedSeq > this.durableSeq;
  }

  /** Bytes in the journal, including records not yet flushed. */
  get size(): number {
    return this.bytes;
  }

  /** The error of the last flush when it failed, null once a flush succeeds. */
  get failure(): Error | null {
    return this.lastFailure;
  }

  /** Never throws: the change is already applied in memory, and its record must not be lost. */
  append(payload: Uint8Array): void {
    const record = encodeRecord(payload);
    this.unsynced.push(record);
    this.bytes += record.length;
    this.appendedSeq++;
  }

  flushed(): Promise<void> {
    if (this.durableSeq >= this.appendedSeq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq: this.appendedSeq, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.appendedSeq > this.durableSeq) {
        const count = this.unsynced.length;
        const seq = this.appendedSeq;
        const batch = count === 1 ? this.unsynced[0] : Buffer.concat(this.unsynced.slice(0, count));
        if (this.lastFailure) await ftruncateAsync(this.fd, this.durableBytes);
        let written = 0;
        while (written < batch.length) {
          written += (await writeAsync(this.fd, batch, written, batch.length - written, null)).bytesWritten;
        }
        await fdatasyncAsync(this.fd);
        this.unsynced.splice(0, count);
        this.durableBytes += batch.length;
        this.durableSeq = seq;
        this.lastFailure = null;
        const ready = this.waiters.filter((w) => w.seq <= seq);
        this.waiters = this.waiters.filter((w) => w.seq > seq);
        for (const w of ready) w.resolve();
      }
    } catch (err) {
      this.lastFailure = err instanceof Error ? err : new Error(String(err));
      const failed = this.waiters;
      this.waiters = [];
      for (const w of failed) w.reject(this.lastFailure);
    } finally {
      this.flushing = false;
    }
  }

  /** Flushes what it can, then closes; records that could not be written are dropped (never acknowledged). */
  async close(): Promise<void> {
    await this.flushed().catch(() => undefined);
    if (this.lastFailure) await ftruncateAsync(this.fd, this.durableBytes).catch(() => undefined);
    await closeAsync(this.fd);
  }
}
