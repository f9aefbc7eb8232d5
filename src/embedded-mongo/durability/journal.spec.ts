import { deserialize, serialize } from 'bson';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord, JournalWriter, RECORD_HEADER_BYTES, scanFile, scanRecords } from './journal';

/**
 * Faults injected into fs.write, the one system call the writer's durability depends on here: the
 * next calls, in order, write only half of what they are given ('short') or fail with ENOSPC;
 * and fs.fdatasync, which fails with EIO `syncFailures` times.
 */
const mockFaults = { script: [] as Array<'short' | 'fail'>, calls: 0, syncFailures: 0 };

jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  const { promisify: promisifyActual } = jest.requireActual<typeof import('node:util')>('node:util');
  type WriteCallback = (err: NodeJS.ErrnoException | null, bytesWritten?: number, buffer?: Buffer) => void;
  const write = (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, cb: WriteCallback): void => {
    mockFaults.calls++;
    const fault = mockFaults.script.shift();
    if (fault === 'fail') {
      const err = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
      process.nextTick(cb, err);
      return;
    }
    actual.write(fd, buffer, offset, fault === 'short' ? Math.floor(length / 2) : length, position, cb);
  };
  Object.defineProperty(write, promisifyActual.custom, {
    value: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null) =>
      new Promise((resolve, reject) =>
        write(fd, buffer, offset, length, position, (err, bytesWritten) => (err ? reject(err) : resolve({ bytesWritten, buffer }))),
      ),
  });
  const fdatasync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void => {
    if (mockFaults.syncFailures > 0) {
      mockFaults.syncFailures--;
      process.nextTick(cb, Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5 }));
      return;
    }
    actual.fdatasync(fd, cb);
  };
  return { ...actual, write, fdatasync };
});

const doc = (n: number, text = ''): Buffer => Buffer.from(serialize({ op: 'put', db: 'app', coll: 'items', doc: { _id: n, text } }));
const records = (...payloads: Buffer[]): Buffer => Buffer.concat(payloads.map((p) => encodeRecord(p)));
const ids = (buf: Buffer): number[] => scanRecords(buf).records.map((r) => deserialize(r.payload).doc._id as number);

describe('scanRecords', () => {
  it('reads back every record it wrote, with their offsets', () => {
    const buf = records(doc(1), doc(2), doc(3));
    const scan = scanRecords(buf);
    expect(scan.records).toHaveLength(3);
    expect(scan.records.map((r) => [r.offset, r.end])).toEqual([
      [0, buf.length / 3],
      [buf.length / 3, (2 * buf.length) / 3],
      [(2 * buf.length) / 3, buf.length],
    ]);
    expect(scan).toMatchObject({ damaged: [], tail: null, size: buf.length });
  });

  it('calls a record cut short at the end a torn tail, not damage', () => {
    const whole = records(doc(1), doc(2));
    const cut = encodeRecord(doc(3)).subarray(0, 17);
    const scan = scanRecords(Buffer.concat([whole, cut]));
    expect(scan.records).toHaveLength(2);
    expect(scan.damaged).toEqual([]);
    expect(scan.tail).toEqual({ start: whole.length, end: whole.length + 17 });
  });

  it('calls zeros after the last record (a file extended but never written) a torn tail', () => {
    const whole = records(doc(1));
    const scan = scanRecords(Buffer.concat([whole, Buffer.alloc(4096)]));
    expect(scan.tail).toEqual({ start: whole.length, end: whole.length + 4096 });
    expect(scan.damaged).toEqual([]);
  });

  it('resynchronises after a flipped byte inside a record and reports exactly that record as damaged', () => {
    const parts = [1, 2, 3, 4, 5].map((n) => encodeRecord(doc(n, `text of ${n}`)));
    const buf = Buffer.concat(parts);
    const start = parts[0].length + parts[1].length;
    buf[start + 20] ^= 0xff;
    const scan = scanRecords(buf);
    expect(ids(buf)).toEqual([1, 2, 4, 5]);
    expect(scan.damaged).toEqual([{ start, end: start + parts[2].length, records: 1 }]);
    expect(scan.tail).toBeNull();
  });

  it('resynchronises after a damaged length field, though it cannot count what the range held', () => {
    const parts = [1, 2, 3, 4].map((n) => encodeRecord(doc(n)));
    const buf = Buffer.concat(parts);
    buf[parts[0].length + 1] ^= 0x40;
    const scan = scanRecords(buf);
    expect(ids(buf)).toEqual([1, 3, 4]);
    expect(scan.damaged).toEqual([{ start: parts[0].length, end: parts[0].length + parts[1].length, records: null }]);
  });

  it('reports each damaged range when there are several', () => {
    const parts = [1, 2, 3, 4, 5, 6].map((n) => encodeRecord(doc(n)));
    const buf = Buffer.concat(parts);
    buf[parts[0].length + RECORD_HEADER_BYTES + 6] ^= 1;
    buf[parts[0].length * 4 + RECORD_HEADER_BYTES + 6] ^= 1;
    const scan = scanRecords(buf);
    expect(ids(buf)).toEqual([1, 3, 4, 6]);
    expect(scan.damaged.map((d) => d.records)).toEqual([1, 1]);
  });

  it('damage in the very last record is indistinguishable from a torn tail, and is treated as one', () => {
    const buf = records(doc(1), doc(2));
    buf[buf.length - 3] ^= 1;
    expect(scanRecords(buf)).toMatchObject({ damaged: [], tail: { start: buf.length / 2, end: buf.length } });
  });

  it('finds no record in random bytes', () => {
    let seed = 42;
    const noise = Buffer.alloc(1 << 20);
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      noise[i] = seed >>> 24;
    }
    const scan = scanRecords(noise);
    expect(scan.records).toEqual([]);
    expect(scan.tail).toEqual({ start: 0, end: noise.length });
  });
});

describe('JournalWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-spec-'));
    Object.assign(mockFaults, { script: [], calls: 0, syncFailures: 0 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes records durable in one group commit and resolves every waiter', async () => {
    const path = join(dir, 'journal-0.log');
    const writer = JournalWriter.open(path);
    writer.append(doc(1));
    const first = writer.flushed();
    writer.append(doc(2));
    const second = writer.flushed();
    expect(writer.hasPending).toBe(true);
    await Promise.all([first, second]);
    expect(mockFaults.calls).toBe(1);
    expect(writer.hasPending).toBe(false);
    expect(ids(readFileSync(path))).toEqual([1, 2]);
    await writer.close();
  });

  it('rejects the waiters of a write that fails, then writes the same records once when there is room', async () => {
    const path = join(dir, 'journal-0.log');
    const writer = JournalWriter.open(path);
    writer.append(doc(1));
    await writer.flushed();
    const durable = statSync(path).size;

    writer.append(doc(2, 'x'.repeat(60)));
    writer.append(doc(3));
    // Half the batch reaches the file, then the disk is full.
    mockFaults.script = ['short', 'fail'];
    await expect(writer.flushed()).rejects.toThrow(/ENOSPC/);
    expect(writer.failure?.message).toMatch(/ENOSPC/);
    expect(statSync(path).size).toBeGreaterThan(durable);
    expect(scanFile(path).tail).not.toBeNull();

    writer.append(doc(4));
    await writer.flushed();
    expect(writer.failure).toBeNull();
    const scan = scanFile(path);
    expect(ids(readFileSync(path))).toEqual([1, 2, 3, 4]);
    expect(scan).toMatchObject({ damaged: [], tail: null });
    await writer.close();
  });

  it('keeps failing, and acknowledging nothing, while every write fails', async () => {
    const path = join(dir, 'journal-0.log');
    const writer = JournalWriter.open(path);
    mockFaults.script = ['fail', 'fail', 'fail'];
    writer.append(doc(1));
    await expect(writer.flushed()).rejects.toThrow(/ENOSPC/);
    writer.append(doc(2));
    await expect(writer.flushed()).rejects.toThrow(/ENOSPC/);
    await expect(writer.flushed()).rejects.toThrow(/ENOSPC/);
    expect(statSync(path).size).toBe(0);
    await writer.flushed();
    expect(ids(readFileSync(path))).toEqual([1, 2]);
    await writer.close();
  });

  it('after a failed fsync (EIO) cuts the file back to the last synced byte and writes the records again, once each', async () => {
    const path = join(dir, 'journal-0.log');
    const writer = JournalWriter.open(path);
    writer.append(doc(1));
    await writer.flushed();
    const durable = statSync(path).size;
    writer.append(doc(2));
    mockFaults.syncFailures = 1;
    await expect(writer.flushed()).rejects.toThrow(/EIO/);
    // The bytes reached the page cache, but a failed fsync says nothing of the disk: not acknowledged.
    expect(statSync(path).size).toBeGreaterThan(durable);
    writer.append(doc(3));
    await writer.flushed();
    expect(ids(readFileSync(path))).toEqual([1, 2, 3]);
    expect(scanFile(path)).toMatchObject({ damaged: [], tail: null });
    await writer.close();
  });
});
