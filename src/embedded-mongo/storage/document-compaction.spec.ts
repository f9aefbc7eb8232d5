import { Binary, deserialize, serialize, UUID } from 'bson';
import { compactDocument } from './document-compaction';

describe('compactDocument', () => {
  it('gives binary values their own bytes instead of a view of the whole message', () => {
    const message = Buffer.concat([Buffer.alloc(1 << 20), Buffer.from(serialize({ b: new Binary(Buffer.from('abc')), u: new UUID() }))]);
    const doc = deserialize(message.subarray(1 << 20));
    expect((doc.b as Binary).buffer.buffer.byteLength).toBeGreaterThan(1 << 20);
    compactDocument(doc);
    expect((doc.b as Binary).buffer.buffer.byteLength).toBeLessThanOrEqual(8192);
    expect(Buffer.from((doc.b as Binary).buffer).toString()).toBe('abc');
  });

  it('keeps values, nesting and classes', () => {
    const u = new UUID();
    const doc = { a: [1, [2, { s: 'x' }]], n: { d: new Date(0), u } };
    compactDocument(doc);
    expect(doc).toEqual({ a: [1, [2, { s: 'x' }]], n: { d: new Date(0), u } });
    expect(doc.n.u).toBeInstanceOf(UUID);
  });
});
