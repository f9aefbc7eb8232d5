import { ObjectId } from 'bson';
import { HashIndex } from './hash-index';
import { equalityConstraints, planQuery } from './query-planner';

function indexed(): { indexes: HashIndex[]; add: (rid: number, doc: Record<string, unknown>) => void } {
  const indexes = [
    new HashIndex({ key: { _id: 1 }, name: '_id_' }, null, true),
    new HashIndex({ key: { workspace: 1, topic: 1, day: 1 }, name: 'w_t_d' }),
    new HashIndex({ key: { platform: 1, externalId: 1 }, name: 'p_e', unique: true }),
    new HashIndex({ key: { handle: 1 }, name: 'partial', partialFilterExpression: { active: true } }, (d) => d.active === true),
    new HashIndex({ key: { code: 1 }, name: 'code_exists', unique: true, partialFilterExpression: { code: { $exists: true } } }, (d) => d.code !== undefined),
  ];
  return { indexes, add: (rid, doc) => indexes.forEach((ix) => ix.add(rid, ix.entriesFor(doc))) };
}

describe('planQuery', () => {
  const w = new ObjectId();
  const { indexes, add } = indexed();
  add(1, { _id: 1, workspace: w, topic: 't1', day: 1, platform: 'x', externalId: 'a', handle: 'h', active: true, code: 'c1' });
  add(2, { _id: 2, workspace: w, topic: 't1', day: 2, platform: 'x', externalId: 'b' });
  add(3, { _id: 3, workspace: w, topic: 't2', day: 1, platform: 'x', externalId: 'c' });

  it('prefers a unique index fully covered by equality', () => {
    expect(planQuery({ platform: 'x', externalId: 'b', workspace: w }, indexes)).toEqual({ indexName: 'p_e', rids: new Set([2]) });
  });

  it('uses the longest compound prefix, with $in and $eq and $and', () => {
    expect(planQuery({ workspace: new ObjectId(w.toHexString()), topic: { $in: ['t1', 't9'] } }, indexes)).toEqual({
      indexName: 'w_t_d',
      rids: new Set([1, 2]),
    });
    expect(planQuery({ $and: [{ workspace: w }, { topic: { $eq: 't2' } }], day: { $gte: 0 } }, indexes)?.rids).toEqual(new Set([3]));
  });

  it('unions indexable $or branches and gives up when one branch is not indexable', () => {
    expect(planQuery({ $or: [{ _id: 1 }, { platform: 'x', externalId: 'c' }] }, indexes)?.rids).toEqual(new Set([1, 3]));
    expect(planQuery({ $or: [{ _id: 1 }, { text: /x/ }] }, indexes)).toBeNull();
  });

  it('scans for ranges, regexes, nulls and partial indexes the query does not imply', () => {
    expect(planQuery({ day: 1 }, indexes)).toBeNull();
    expect(planQuery({ _id: { $gt: 1 } }, indexes)).toBeNull();
    expect(planQuery({ handle: 'h' }, indexes)).toBeNull();
    expect(planQuery({ platform: null }, indexes)).toBeNull();
  });

  it('uses a partial index when the query implies its filter', () => {
    expect(planQuery({ handle: 'h', active: true }, indexes)).toEqual({ indexName: 'partial', rids: new Set([1]) });
    expect(planQuery({ code: 'c1' }, indexes)).toEqual({ indexName: 'code_exists', rids: new Set([1]) });
    expect(planQuery({ handle: 'h', active: { $in: [true, false] } }, indexes)).toBeNull();
  });

  it('finds no candidates for contradictory equalities', () => {
    expect(equalityConstraints({ _id: 1, $and: [{ _id: 2 }] }).get('_id')).toEqual([]);
    expect(planQuery({ _id: 1, $and: [{ _id: 2 }] }, indexes)?.rids.size).toBe(0);
  });
});
