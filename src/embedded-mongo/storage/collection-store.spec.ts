import { ObjectId, UUID } from 'bson';
import type { ChangeEntry } from './change-log';
import { CollectionStore } from './collection-store';
import { DuplicateKeyError } from '../errors';
import { canonicalKey } from '../query/index-key';
import { applyUpdate } from '../query/update-document';

function store(): { coll: CollectionStore; log: ChangeEntry[] } {
  const log: ChangeEntry[] = [];
  const coll = new CollectionStore('app', 'mentions', {}, () => ({ record: (e) => log.push(e) }));
  return { coll, log };
}

describe('CollectionStore', () => {
  it('finds by ObjectId _id through the index, whatever instance the query holds', () => {
    const { coll } = store();
    const id = new ObjectId();
    coll.insert({ _id: id, text: 'a' });
    coll.insert({ _id: new ObjectId(), text: 'b' });
    const filter = { _id: new ObjectId(id.toHexString()) };
    expect(coll.plan(filter)?.indexName).toBe('_id_');
    expect([...coll.match(filter)].map((r) => r.doc.text)).toEqual(['a']);
  });

  it('looks up UUID _ids through the index too', () => {
    const { coll } = store();
    const id = new UUID();
    coll.insert({ _id: id, n: 1 });
    coll.insert({ _id: new UUID(), n: 2 });
    const filter = { _id: new UUID(id.toHexString()) };
    expect(coll.plan(filter)?.rids.size).toBe(1);
    expect([...coll.match(filter)].map((r) => r.doc.n)).toEqual([1]);
  });

  it('rejects a duplicate _id with E11000 and leaves the collection unchanged', () => {
    const { coll, log } = store();
    coll.insert({ _id: 1, a: 1 });
    expect(() => coll.insert({ _id: 1, a: 2 })).toThrow(DuplicateKeyError);
    expect(coll.count).toBe(1);
    expect(log.filter((e) => e.op === 'put')).toHaveLength(1);
  });

  it('enforces a compound unique index with MongoDB’s message, keyPattern and keyValue', () => {
    const { coll } = store();
    coll.createIndex({ v: 2, key: { platform: 1, externalId: 1 }, name: 'platform_1_externalId_1', unique: true });
    coll.insert({ _id: 1, platform: 'x', externalId: '42' });
    coll.insert({ _id: 2, platform: 'x', externalId: '43' });
    let error: DuplicateKeyError | undefined;
    try {
      coll.insert({ _id: 3, platform: 'x', externalId: '42' });
    } catch (e) {
      error = e as DuplicateKeyError;
    }
    expect(error?.code).toBe(11000);
    expect(error?.message).toBe(
      'E11000 duplicate key error collection: app.mentions index: platform_1_externalId_1 dup key: { platform: "x", externalId: "42" }',
    );
    expect(error?.extra).toEqual({ keyPattern: { platform: 1, externalId: 1 }, keyValue: { platform: 'x', externalId: '42' } });
  });

  it('checks uniqueness on replace and keeps the index in step with the new version', () => {
    const { coll } = store();
    coll.createIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    const a = coll.insert({ _id: 1, email: 'a@x' });
    coll.insert({ _id: 2, email: 'b@x' });
    expect(() => coll.replace(a, { _id: 1, email: 'b@x' })).toThrow(/dup key: \{ email: "b@x" \}/);
    expect(coll.get(a)).toEqual({ _id: 1, email: 'a@x' });
    coll.replace(a, { _id: 1, email: 'c@x' });
    expect([...coll.match({ email: 'c@x' })].map((r) => r.doc._id)).toEqual([1]);
    expect([...coll.match({ email: 'a@x' })]).toEqual([]);
    coll.insert({ _id: 3, email: 'a@x' });
  });

  it('treats a missing field as null in a unique index unless the index is sparse', () => {
    const { coll } = store();
    coll.createIndex({ v: 2, key: { code: 1 }, name: 'code_1', unique: true });
    coll.insert({ _id: 1 });
    expect(() => coll.insert({ _id: 2 })).toThrow(/dup key: \{ code: null \}/);
    const sparse = store().coll;
    sparse.createIndex({ v: 2, key: { code: 1 }, name: 'code_1', unique: true, sparse: true });
    sparse.insert({ _id: 1 });
    sparse.insert({ _id: 2 });
    expect(sparse.count).toBe(2);
  });

  it('applies a partial filter to uniqueness', () => {
    const { coll } = store();
    coll.createIndex({ v: 2, key: { handle: 1 }, name: 'handle_1', unique: true, partialFilterExpression: { active: true } });
    coll.insert({ _id: 1, handle: 'h', active: false });
    coll.insert({ _id: 2, handle: 'h', active: true });
    expect(() => coll.insert({ _id: 3, handle: 'h', active: true })).toThrow(DuplicateKeyError);
  });

  it('refuses to build a unique index over duplicates, and creates nothing', () => {
    const { coll } = store();
    coll.insert({ _id: 1, k: 'a' });
    coll.insert({ _id: 2, k: 'a' });
    expect(() => coll.createIndex({ v: 2, key: { k: 1 }, name: 'k_1', unique: true })).toThrow(DuplicateKeyError);
    expect(coll.indexList().map((i) => i.name)).toEqual(['_id_']);
  });

  it('answers "exists" for the same index again and conflicts for a different one under that name', () => {
    const { coll } = store();
    expect(coll.createIndex({ v: 2, key: { a: 1 }, name: 'a_1' })).toBe('created');
    expect(coll.createIndex({ v: 2, key: { a: 1 }, name: 'a_1' })).toBe('exists');
    expect(() => coll.createIndex({ v: 2, key: { b: 1 }, name: 'a_1' })).toThrow(expect.objectContaining({ code: 86 }));
    expect(() => coll.createIndex({ v: 2, key: { a: 1 }, name: 'a_1', unique: true })).toThrow(expect.objectContaining({ code: 85 }));
    expect(() => coll.createIndex({ v: 2, key: { a: 1 }, name: 'other' })).toThrow(expect.objectContaining({ code: 85 }));
  });

  it('indexes array elements (multikey) and uses compound prefixes and $in', () => {
    const { coll } = store();
    coll.createIndex({ v: 2, key: { topic: 1, day: 1 }, name: 'topic_1_day_1' });
    coll.createIndex({ v: 2, key: { tags: 1 }, name: 'tags_1' });
    coll.insert({ _id: 1, topic: 't1', day: 1, tags: ['a', 'b'] });
    coll.insert({ _id: 2, topic: 't1', day: 2, tags: ['b'] });
    coll.insert({ _id: 3, topic: 't2', day: 1, tags: [] });
    expect(coll.plan({ topic: 't1' })?.rids).toEqual(new Set([1, 2]));
    expect([...coll.match({ topic: { $in: ['t1', 't2'] }, day: 1 })].map((r) => r.doc._id)).toEqual([1, 3]);
    expect([...coll.match({ tags: 'b' })].map((r) => r.doc._id)).toEqual([1, 2]);
    expect(coll.plan({ tags: 'b' })?.indexName).toBe('tags_1');
  });

  it('journals puts and deletes with the whole document', () => {
    const { coll, log } = store();
    const rid = coll.insert({ _id: 'a', n: 1 });
    coll.replace(rid, { _id: 'a', n: 2 });
    coll.remove(rid);
    expect(log).toEqual([
      { op: 'put', db: 'app', coll: 'mentions', doc: { _id: 'a', n: 1 } },
      { op: 'put', db: 'app', coll: 'mentions', doc: { _id: 'a', n: 2 } },
      { op: 'del', db: 'app', coll: 'mentions', id: 'a' },
    ]);
    expect(coll.count).toBe(0);
  });

  it('restores from a journal by _id, replacing an earlier version', () => {
    const { coll } = store();
    coll.createIndex({ v: 2, key: { k: 1 }, name: 'k_1', unique: true });
    coll.restore({ _id: 1, k: 'a' });
    coll.restore({ _id: 1, k: 'b' });
    expect(coll.count).toBe(1);
    expect([...coll.match({ k: 'b' })]).toHaveLength(1);
    expect([...coll.match({ k: 'a' })]).toHaveLength(0);
  });
  it('keeps indexes right when an update shares unchanged fields with the previous version', () => {
    const { coll } = store();
    coll.createIndex({ key: { 'author.id': 1 }, name: 'author' });
    coll.createIndex({ key: { tags: 1 }, name: 'tags' });
    const rid = coll.insert({ _id: 1, author: { id: 'a' }, tags: ['x'], n: 0 });
    const rids = (filter: object) => [...coll.match(filter)].map((r) => r.rid);
    // An operator update copies only what it changes: `author` and `tags` stay the same objects.
    const first = applyUpdate(coll.get(rid)!, { $inc: { n: 1 } }).doc;
    expect(first.author).toBe(coll.get(rid)!.author);
    coll.replace(rid, first, true);
    expect(rids({ 'author.id': 'a' })).toEqual([rid]);
    coll.replace(rid, applyUpdate(coll.get(rid)!, { $set: { 'author.id': 'b' }, $push: { tags: 'y' } }).doc, true);
    expect(coll.getIndex('author')!.lookup([[canonicalKey('a')]]).size).toBe(0);
    expect(rids({ 'author.id': 'b' })).toEqual([rid]);
    expect(rids({ tags: 'y' })).toEqual([rid]);
    expect(rids({ tags: 'x' })).toEqual([rid]);
  });
});
