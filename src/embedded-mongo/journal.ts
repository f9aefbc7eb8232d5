import { close, fdatasync, fstatSync, openSync, readFileSync, truncateSync, write } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const closeAsync = promisify(close);

/**
 * The append-only journal's on-disk format and writer.
 *
 * A record is `[u32 payload length][u32 CRC-32 of payload][payload]`, little-endian. A record cut
 * short by a crash, or whose checksum does not match, ends the readable journal: everything before
 * it is replayed, it and anything after it are truncated away before new records are appended.
 */
export const RECORD_HEADER_BYTES = 8;
/** Bounds a corrupt length field; real records are one document (≤ 16 MB) plus a small envelope. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export function encodeRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, RECORD_HEADER_BYTES);
  return out;
}

export interface DecodedRecords {
  payloads: Buffer[];
  /** Bytes up to the end of the last intact record. */
  validLength: number;
  /** True when bytes after `validLength` were ignored (a torn or corrupt tail). */
  torn: boolean;
}

export function decodeRecords(buf: Buffer): DecodedRecords {
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < RECORD_HEADER_BYTES) break;
    const length = buf.readUInt32LE(offset);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (length < 5 || length > MAX_RECORD_BYTES || end > buf.length) break;
    const payload = buf.subarray(offset + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32LE(offset + 4)) break;
    payloads.push(payload);
    offset = end;
  }
  return { payloads, validLength: offset, torn: offset < buf.length };
}

/** Reads a journal file, truncating a torn tail so later appends follow the last good record. */
export function readJournalFile(path: string): DecodedRecords {
  const decoded = decodeRecords(readFileSync(path));
  if (decoded.torn) truncateSync(path, decoded.validLength);
  return decoded;
}

/**
 * Appends records with group commit: records appended during one turn of the event loop are
 * written with one `write` and made durable with one `fdatasync`; `flushed()` resolves once every
 * record appended before the call is on disk, and only then does the server send its reply.
 */
export class JournalWriter {
  private pending: Buffer[] = [];
  private appendedSeq = 0;
  private durableSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private flushing = false;
  private scheduled = false;
  private failure: Error | null = null;
  private bytes: number;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    size: number,
  ) {
    this.bytes = size;
  }

  /** Opens synchronously, so the storage can switch journals without yielding. */
  static open(path: string): JournalWriter {
    const fd = openSync(path, 'a');
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

  append(payload: Uint8Array): void {
    if (this.failure) throw this.failure;
    const record = encodeRecord(payload);
    this.pending.push(record);
    this.bytes += record.length;
    this.appendedSeq++;
  }

  flushed(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
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
      while (this.pending.length) {
        const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
        const seq = this.appendedSeq;
        this.pending = [];
        let written = 0;
        while (written < batch.length) {
          written += (await writeAsync(this.fd, batch, written, batch.length - written, null)).bytesWritten;
        }
        await fdatasyncAsync(this.fd);
        this.durableSeq = seq;
        const ready = this.waiters.filter((w) => w.seq <= seq);
        this.waiters = this.waiters.filter((w) => w.seq > seq);
        for (const w of ready) w.resolve();
      }
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      for (const w of this.waiters) w.reject(this.failure);
      this.waiters = [];
    } finally {
      this.flushing = false;
    }
  }

  async close(): Promise<void> {
    await this.flushed().catch(() => undefined);
    await closeAsync(this.fd);
  }
}
