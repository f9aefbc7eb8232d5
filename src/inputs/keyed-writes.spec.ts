import { Types } from 'mongoose';
import { findInChunks, planKeyedWrites } from './keyed-writes';

const ids = (...hex: string[]) => {
  const queue = hex.map((h) => new Types.ObjectId(h.padStart(24, '0')));
  return () => queue.shift()!;
};

describe('planKeyedWrites', () => {
  it('inserts new keys and records without a key, updates keys already stored', () => {
    const stored = new Types.ObjectId('0000000000000000000000aa');
    const plan = planKeyedWrites(
      [
        { ref: { index: 0 }, key: 'crm-1', doc: { v: 1 } },
        { ref: { index: 1 }, key: null, doc: { v: 2 } },
        { ref: { index: 2 }, key: 'crm-old', doc: { v: 3 } },
      ],
      new Map([['crm-old', stored]]),
      ids('1', '2'),
    );
    expect(plan.inserts.map((w) => [String(w.id), w.key, w.doc])).toEqual([
      ['000000000000000000000001', 'crm-1', { v: 1 }],
      ['000000000000000000000002', null, { v: 2 }],
    ]);
    expect(plan.updates.map((w) => [String(w.id), w.doc])).toEqual([[String(stored), { v: 3 }]]);
    expect(plan.accepted.map((a) => ['index' in a ? a.index : -1, a.status])).toEqual([
      [0, 'stored'],
      [1, 'stored'],
      [2, 'updated'],
    ]);
  });

  it('writes a key repeated in one batch once, with the later values, as if sent one after the other', () => {
    const plan = planKeyedWrites(
      [
        { ref: { line: 2 }, key: 'k', doc: { v: 'first' } },
        { ref: { line: 3 }, key: null, doc: { v: 'other' } },
        { ref: { line: 4 }, key: 'k', doc: { v: 'second' } },
      ],
      new Map(),
      ids('1', '2'),
    );
    expect(plan.inserts.map((w) => w.doc)).toEqual([{ v: 'second' }, { v: 'other' }]);
    expect(plan.updates).toEqual([]);
    expect(plan.accepted.map((a) => ['line' in a ? a.line : -1, String(a.id).slice(-1), a.status])).toEqual([
      [2, '1', 'stored'],
      [3, '2', 'stored'],
      [4, '1', 'updated'],
    ]);
  });
});

describe('findInChunks', () => {
  it('queries a few hundred keys at a time and joins the results in order', async () => {
    const calls: number[] = [];
    const keys = Array.from({ length: 450 }, (_, i) => i);
    const found = await findInChunks(keys, async (chunk) => {
      calls.push(chunk.length);
      return chunk.filter((k) => k % 100 === 0);
    });
    expect(calls).toEqual([200, 200, 50]);
    expect(found).toEqual([0, 100, 200, 300, 400]);
    expect(await findInChunks([], async () => ['never'])).toEqual([]);
  });
});
