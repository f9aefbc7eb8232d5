import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRecords, encodeRecord, JournalWriter, readJournalFile } from './journal';

const payload = (s: string): Buffer => Buffer.from(`${s}-payload`);

describe('journal records', () => {
  it('decodes what it encodes', () => {
    const buf = Buffer.concat([encodeRecord(payload('a')), encodeRecord(payload('b'))]);
    const decoded = decodeRecords(buf);
    expect(decoded.payloads.map((p) => p.toString())).toEqual(['a-payload', 'b-payload']);
    expect(decoded).toMatchObject({ validLength: buf.length, torn: false });
  });

  it('stops at a record cut short and at a record whose checksum does not match', () => {
    const good = encodeRecord(payload('a'));
    const cut = encodeRecord(payload('b')).subarray(0, 11);
    expect(decodeRecords(Buffer.concat([good, cut]))).toMatchObject({ validLength: good.length, torn: true });
    const corrupt = encodeRecord(payload('c'));
    corrupt[corrupt.length - 1] ^= 1;
    const decoded = decodeRecords(Buffer.concat([good, corrupt, encodeRecord(payload('d'))]));
    expect(decoded.payloads).toHaveLength(1);
    expect(decoded.torn).toBe(true);
  });
});

describe('JournalWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes records durable in one group commit and resolves every waiter', async () => {
    const path = join(dir, 'journal-0.log');
    const writer = JournalWriter.open(path);
    writer.append(payload('1'));
    const first = writer.flushed();
    writer.append(payload('2'));
    const second = writer.flushed();
    expect(writer.hasPending).toBe(true);
    await Promise.all([first, second]);
    expect(writer.hasPending).toBe(false);
    expect(decodeRecords(readFileSync(path)).payloads.map(String)).toEqual(['1-payload', '2-payload']);
    await writer.close();
  });

  it('truncates a torn tail on read, so new records follow the last good one', async () => {
    const path = join(dir, 'journal-0.log');
    const writer = JournalWriter.open(path);
    writer.append(payload('kept'));
    await writer.close();
    const intact = statSync(path).size;
    appendFileSync(path, Buffer.from([200, 0, 0, 0, 1, 2, 3]));
    expect(readJournalFile(path)).toMatchObject({ torn: true, validLength: intact });
    expect(statSync(path).size).toBe(intact);
    const again = JournalWriter.open(path);
    again.append(payload('next'));
    await again.close();
    expect(readJournalFile(path).payloads.map(String)).toEqual(['kept-payload', 'next-payload']);
  });
});
