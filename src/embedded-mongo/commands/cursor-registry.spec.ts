import { deserialize, serialize } from 'bson';
import { CursorRegistry, DocumentStream } from './cursor-registry';

const docs = (n: number, pad = 0) => Array.from({ length: n }, (_, i) => ({ i, pad: 'x'.repeat(pad) }));

describe('DocumentStream', () => {
  it('hands out batches by count and knows when it is exhausted', () => {
    const stream = new DocumentStream(docs(5)[Symbol.iterator]());
    expect(stream.nextBatch(2).map((b) => deserialize(b).i)).toEqual([0, 1]);
    expect(stream.exhausted).toBe(false);
    expect(stream.nextBatch(0)).toEqual([]);
    expect(stream.nextBatch(Infinity).map((b) => deserialize(b).i)).toEqual([2, 3, 4]);
    expect(stream.exhausted).toBe(true);
  });

  it('stops a batch before it would pass the byte limit, keeping the next document for later', () => {
    const size = serialize(docs(1, 1000)[0]).length;
    const stream = new DocumentStream(docs(5, 1000)[Symbol.iterator]());
    expect(stream.nextBatch(Infinity, size * 2 + 10)).toHaveLength(2);
    expect(stream.nextBatch(Infinity, 1)).toHaveLength(1);
    expect(stream.nextBatch(Infinity).map((b) => deserialize(b).i)).toEqual([3, 4]);
  });

  it('pulls lazily: an unread result is never computed', () => {
    let pulled = 0;
    const source = (function* () {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield { i };
      }
    })();
    const stream = new DocumentStream(source);
    stream.nextBatch(3);
    expect(stream.exhausted).toBe(false);
    expect(pulled).toBe(4);
  });
});

describe('CursorRegistry', () => {
  it('closes idle cursors', () => {
    const registry = new CursorRegistry();
    const id = registry.open('app.c', new DocumentStream([][Symbol.iterator]()));
    expect(registry.get(id)?.ns).toBe('app.c');
    expect(registry.closeIdle(Date.now() + 11 * 60 * 1000)).toBe(1);
    expect(registry.get(id)).toBeUndefined();
  });
});
