import { Binary, deserialize, serialize, UUID } from 'bson';
import { setFlagsFromString } from 'node:v8';
import { compactDocument, compactUpdatedPaths, sparseKeysCopy } from './document-compaction';

describe('compactDocument', () => {
  it('gives binary values their own bytes, exactly as many, instead of a view of the whole message or a buffer pool', () => {
    const message = Buffer.concat([Buffer.alloc(1 << 20), Buffer.from(serialize({ b: new Binary(Buffer.from('abc')), u: new UUID() }))]);
    const doc = deserialize(message.subarray(1 << 20));
    expect((doc.b as Binary).buffer.buffer.byteLength).toBeGreaterThan(1 << 20);
    compactDocument(doc);
    // Exactly its 3 bytes: a slice of Node's 8 KB pool would keep the whole pool alive.
    expect((doc.b as Binary).buffer.buffer.byteLength).toBe(3);
    expect((doc.u as UUID).buffer.buffer.byteLength).toBe(16);
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

describe('sparse integer field names', () => {
  // V8's own view of an object's elements, for the memory layout these tests are about.
  setFlagsFromString('--allow-natives-syntax');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- reaches the V8 intrinsic enabled above
  const hasDictionaryElements = new Function('o', 'return %HasDictionaryElements(o)') as (o: object) => boolean;

  it('keeps a sketch-like sub-document in a dictionary, same fields, same order', () => {
    const doc = deserialize(serialize({ _id: 1, s: { '812': 3, '409': 1, z: 2, n: 'x' } }));
    expect(hasDictionaryElements(doc.s as object)).toBe(false);
    compactDocument(doc);
    expect(hasDictionaryElements(doc.s as object)).toBe(true);
    expect(Object.keys(doc.s as object)).toEqual(['409', '812', 'z', 'n']);
    expect(serialize(doc)).toEqual(serialize({ _id: 1, s: { '409': 1, '812': 3, z: 2, n: 'x' } }));
  });

  it('compacts sketches inside arrays and nested documents', () => {
    const doc = deserialize(serialize({ a: [{ '900': 1 }], b: { c: { '1100': 2 } } }));
    compactDocument(doc);
    expect(hasDictionaryElements((doc.a as object[])[0])).toBe(true);
    expect(hasDictionaryElements((doc.b as { c: object }).c)).toBe(true);
    expect(doc).toEqual({ a: [{ '900': 1 }], b: { c: { '1100': 2 } } });
  });

  it('leaves dense integer names, other names and non-plain objects as they are', () => {
    const dense = { '0': 1, '1': 2, '2': 3 };
    const named = { a: 1, '01': 2, '-5': 3 };
    const doc = { dense, named };
    compactDocument(doc);
    expect(doc.dense).toBe(dense);
    expect(doc.named).toBe(named);
    expect(sparseKeysCopy(Object.assign(Object.create(null) as object, { '900': 1 }))).toBeNull();
    expect(sparseKeysCopy({ '4294967295': 1 })).toBeNull(); // not an array index: a named property
  });

  it('keeps the dictionary through the paths an update wrote', () => {
    const stored = compactDocument(deserialize(serialize({ _id: 1, s: { '409': 1 }, t: { u: { '700': 1 } } })));
    const next = {
      ...stored,
      s: { ...(stored.s as object), '812': 1 },
      t: { u: { ...(stored.t as { u: object }).u, '701': 1 } },
      v: { '900': 1 },
    };
    expect(hasDictionaryElements(next.s)).toBe(false);
    compactUpdatedPaths(next, { $inc: { 's.812': 1, 't.u.701': 1 }, $set: { v: { '900': 1 } } });
    expect(hasDictionaryElements(next.s)).toBe(true);
    expect(hasDictionaryElements(next.t.u)).toBe(true);
    expect(hasDictionaryElements(next.v)).toBe(true);
    expect(next).toEqual({ _id: 1, s: { '409': 1, '812': 1 }, t: { u: { '700': 1, '701': 1 } }, v: { '900': 1 } });
  });
});
