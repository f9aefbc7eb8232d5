import type { ChangeEntry } from './change-log';
import { Catalog } from './catalog';

describe('Catalog', () => {
  it('expires documents past a TTL index, journaling the deletes', () => {
    const catalog = new Catalog();
    const log: ChangeEntry[] = [];
    catalog.setChangeLog({ record: (e) => log.push(e) });
    const { collection } = catalog.obtain('app', 'sessions');
    collection.createIndex({ v: 2, key: { seenAt: 1 }, name: 'seenAt_1', expireAfterSeconds: 60 });
    const now = Date.UTC(2024, 0, 1, 12);
    collection.insert({ _id: 'old', seenAt: new Date(now - 61_000) });
    collection.insert({ _id: 'fresh', seenAt: new Date(now - 59_000) });
    collection.insert({ _id: 'no-date', seenAt: 'yesterday' });
    expect(catalog.expireDocuments(now)).toBe(1);
    expect([...collection.documents()].map((d) => d._id)).toEqual(['fresh', 'no-date']);
    expect(log[log.length - 1]).toEqual({ op: 'del', db: 'app', coll: 'sessions', id: 'old' });
  });

  it('replays entries into the same state, idempotently', () => {
    const entries: ChangeEntry[] = [
      { op: 'createCollection', db: 'a', coll: 'c', options: {} },
      { op: 'createIndex', db: 'a', coll: 'c', spec: { v: 2, key: { k: 1 }, name: 'k_1', unique: true } },
      { op: 'put', db: 'a', coll: 'c', doc: { _id: 1, k: 'x' } },
      { op: 'put', db: 'a', coll: 'c', doc: { _id: 1, k: 'y' } },
      { op: 'put', db: 'a', coll: 'd', doc: { _id: 2 } },
      { op: 'dropCollection', db: 'a', coll: 'd' },
    ];
    const catalog = new Catalog();
    for (const e of entries) catalog.apply(e);
    expect([...catalog.collection('a', 'c')!.documents()]).toEqual([{ _id: 1, k: 'y' }]);
    expect(catalog.collection('a', 'd')).toBeUndefined();
    expect(catalog.collection('a', 'c')!.getIndex('k_1')?.unique).toBe(true);
  });

  it('rejects invalid collection names', () => {
    expect(() => new Catalog().create('app', 'bad$name', {})).toThrow(expect.objectContaining({ code: 73 }));
  });
});
