import { serialize, type Document } from 'bson';

/** MongoDB's cap on the documents of one batch, and the size of a first batch when none is asked for. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;
export const DEFAULT_FIRST_BATCH_SIZE = 101;
/** Idle cursors are closed after this long, as mongod's `cursorTimeoutMillis` does. */
export const CURSOR_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The results of a query or aggregation handed out batch by batch. Documents are serialized one
 * at a time as they are taken, so a batch stops exactly at the size limit and results nobody asks
 * for are never encoded (nor, for a lazy source, computed).
 */
export class DocumentStream {
  private carried: Uint8Array | null = null;
  private peeked: { value: Document } | null = null;
  private finished = false;

  constructor(private readonly source: Iterator<Document>) {}

  private pull(): Document | undefined {
    if (this.peeked) {
      const { value } = this.peeked;
      this.peeked = null;
      return value;
    }
    if (this.finished) return undefined;
    const next = this.source.next();
    if (next.done) {
      this.finished = true;
      return undefined;
    }
    return next.value;
  }

  /** Up to `maxCount` serialized documents within `maxBytes` (at least one, if any is left and maxCount > 0). */
  nextBatch(maxCount: number, maxBytes = MAX_BATCH_BYTES): Uint8Array[] {
    const batch: Uint8Array[] = [];
    let bytes = 0;
    while (batch.length < maxCount) {
      let encoded = this.carried;
      this.carried = null;
      if (!encoded) {
        const doc = this.pull();
        if (doc === undefined) break;
        encoded = serialize(doc);
      }
      if (batch.length > 0 && bytes + encoded.length > maxBytes) {
        this.carried = encoded;
        break;
      }
      batch.push(encoded);
      bytes += encoded.length;
    }
    return batch;
  }

  /** True once no document is left (looks one ahead if needed). */
  get exhausted(): boolean {
    if (this.carried || this.peeked) return false;
    if (this.finished) return true;
    const next = this.source.next();
    if (next.done) {
      this.finished = true;
      return true;
    }
    this.peeked = { value: next.value };
    return false;
  }
}

export interface OpenCursor {
  id: number;
  ns: string;
  stream: DocumentStream;
  lastUsed: number;
}

/** Open cursors by id, shared by all connections as in mongod. */
export class CursorRegistry {
  private readonly cursors = new Map<number, OpenCursor>();
  private nextId = 1 + Math.floor(Math.random() * 0x7fffffff);

  open(ns: string, stream: DocumentStream): number {
    const id = this.nextId++;
    this.cursors.set(id, { id, ns, stream, lastUsed: Date.now() });
    return id;
  }

  get(id: number): OpenCursor | undefined {
    const cursor = this.cursors.get(id);
    if (cursor) cursor.lastUsed = Date.now();
    return cursor;
  }

  close(id: number): boolean {
    return this.cursors.delete(id);
  }

  get size(): number {
    return this.cursors.size;
  }

  /** Closes cursors idle for longer than `idleMs`; returns how many. */
  closeIdle(now = Date.now(), idleMs = CURSOR_IDLE_TIMEOUT_MS): number {
    let closed = 0;
    for (const [id, cursor] of this.cursors) {
      if (now - cursor.lastUsed > idleMs) {
        this.cursors.delete(id);
        closed++;
      }
    }
    return closed;
  }

  closeAll(): void {
    this.cursors.clear();
  }
}
