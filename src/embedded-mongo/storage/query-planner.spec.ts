import { Long, ObjectId } from 'bson';
import { canonicalKey, DATE_PREFIX, NULL_KEY, sortableNumber } from '../query/index-key';
import { OrderedIndex } from './ordered-index';
import { compileFilter } from '../query/query-language';
import { equalityConstraints, planQuery, rangeConstraints } from './query-planner';

function indexed(): { indexes: OrderedIndex[]; add: (rid: number, doc: Record<string, unknown>) => void } {
  const indexes = [
    new OrderedIndex({ key: { _id: 1 }, name: '_id_' }, null, true),
    new OrderedIndex({ key: { workspace: 1, topic: 1, day: 1 }, name: 'w_t_d' }),
    new OrderedIndex({ key: { platform: 1, externalId: 1 }, name: 'p_e', unique: true }),
    new OrderedIndex({ key: { handle: 1 }, name: 'partial', partialFilterExpression: { active: true } }, (d) => d.active === true),
    new OrderedIndex(
      { key: { code: 1 }, name: 'code_exists', unique: true, partialFilterExpression: { code: { $exists: true } } },
      (d) => d.code !== undefined,
    ),
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

  it('serves a range on the field after the equality prefix, bounds inclusive', () => {
    expect(planQuery({ _id: { $gt: 1 } }, indexes)).toEqual({ indexName: '_id_', rids: new Set([1, 2, 3]) });
    expect(planQuery({ _id: { $gt: 1, $lte: 2 } }, indexes)?.rids).toEqual(new Set([1, 2]));
    expect(planQuery({ workspace: w, topic: 't1', day: { $gte: 2 } }, indexes)).toEqual({ indexName: 'w_t_d', rids: new Set([2]) });
    // a string bound is not served: string keys are equality-only
    expect(planQuery({ _id: { $gt: 'a' } }, indexes)).toBeNull();
    // mixed bound types can match nothing in mingo; the planner leaves that to the scan
    expect(planQuery({ _id: { $gt: 1, $lt: new Date() } }, indexes)).toBeNull();
  });

  it('plans an $or with the rest of the filter as a union of per-branch plans', () => {
    const plan = planQuery({ workspace: w, $or: [{ topic: 't2' }, { topic: 't1', day: { $gte: 2 } }] }, indexes);
    expect(plan).toEqual({ indexName: 'w_t_d', rids: new Set([2, 3]) });
  });

  it('scans for regexes, nulls and partial indexes the query does not imply', () => {
    expect(planQuery({ day: 1 }, indexes)).toBeNull();
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

describe('sortable keys', () => {
  it('orders numbers of every size and sign, and dates, by value', () => {
    const values = [-Infinity, -1e300, -5.5, -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 0.5, 1, 2, 10, 1e21, Infinity];
    const keys = values.map(sortableNumber);
    expect([...keys].sort()).toEqual(keys);
    expect(sortableNumber(-0)).toBe(sortableNumber(0));
    const dates = [new Date(-86400_000), new Date(0), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00.001Z')];
    const dateKeys = dates.map(canonicalKey);
    expect([...dateKeys].sort()).toEqual(dateKeys);
  });

  it('keys equal numbers alike whatever carries them', () => {
    expect(canonicalKey(Long.fromNumber(42))).toBe(canonicalKey(42));
    expect(canonicalKey(42n)).toBe(canonicalKey(42));
    expect(canonicalKey(Long.fromString('9223372036854775807'))).not.toBe(canonicalKey(Long.fromString('9223372036854775806')));
  });

  it('intersects ranges across $and', () => {
    const d1 = new Date('2026-01-01T00:00:00Z');
    const d2 = new Date('2026-02-01T00:00:00Z');
    expect(rangeConstraints({ at: { $gte: d1 }, $and: [{ at: { $lt: d2 } }] }).get('at')).toEqual({
      low: canonicalKey(d1),
      high: canonicalKey(d2),
    });
    // $ne: null is every key but the null key; with a date range, the range alone
    expect(rangeConstraints({ at: { $ne: null } }).get('at')).toEqual({ low: '', high: '\uffff', excluding: NULL_KEY });
    expect(rangeConstraints({ at: { $ne: null }, $and: [{ at: { $gte: d1 } }] }).get('at')).toEqual({
      low: canonicalKey(d1),
      high: DATE_PREFIX + '\uffff',
    });
  });
});

describe('planner candidates are a superset of the matches', () => {
  // A seeded generator: the same documents and filters on every run.
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const base = Date.UTC(2026, 0, 1);
  const scalar = (): unknown =>
    pick([
      () => Math.floor(rand() * 20) - 10,
      () => rand() * 10,
      () => new Date(base + Math.floor(rand() * 20) * 3600_000),
      () => pick(['a', 'b', 'c']),
      () => null,
      () => undefined,
      () => [Math.floor(rand() * 20) - 10, new Date(base + Math.floor(rand() * 20) * 3600_000)],
      () => Long.fromNumber(Math.floor(rand() * 20) - 10),
      () => [],
      () => [null, Math.floor(rand() * 20) - 10],
    ])();
  const indexes = [
    new OrderedIndex({ key: { _id: 1 }, name: '_id_' }, null, true),
    new OrderedIndex({ key: { a: 1 }, name: 'a' }),
    new OrderedIndex({ key: { g: 1, a: -1 }, name: 'g_a' }),
    new OrderedIndex({ key: { g: 1, b: 1 }, name: 'g_b' }),
  ];
  const docs: Record<string, unknown>[] = [];
  for (let rid = 1; rid <= 400; rid++) {
    const doc: Record<string, unknown> = { _id: rid, g: pick(['x', 'y']) };
    const a = scalar();
    const b = scalar();
    if (a !== undefined) doc.a = a;
    if (b !== undefined) doc.b = b;
    docs.push(doc);
    for (const ix of indexes) ix.add(rid, ix.entriesFor(doc));
  }
  const bound = (): unknown =>
    rand() < 0.5 ? Math.floor(rand() * 24) - 12 + (rand() < 0.3 ? 0.5 : 0) : new Date(base + Math.floor(rand() * 22) * 3600_000 - 3600_000);
  const rangeCondition = () => {
    const c: Record<string, unknown> = {};
    const b1 = bound();
    c[pick(['$gt', '$gte'])] = b1;
    if (rand() < 0.6)
      c[pick(['$lt', '$lte'])] =
        typeof b1 === 'number' ? b1 + Math.floor(rand() * 10) : new Date((b1 as Date).getTime() + Math.floor(rand() * 10) * 3600_000);
    if (rand() < 0.2) {
      delete c.$gt;
      delete c.$gte;
    }
    return c;
  };

  it('for random ranges, $ne: null, compound prefixes and $or unions', () => {
    let planned = 0;
    for (let i = 0; i < 400; i++) {
      const filter: Record<string, unknown> = {};
      if (rand() < 0.5) filter.g = pick(['x', 'y']);
      const condition = () => (rand() < 0.2 ? { $ne: null } : rand() < 0.1 ? { ...rangeCondition(), $ne: null } : rangeCondition());
      if (rand() < 0.3) filter.$or = [{ a: condition() }, { b: condition() }];
      else filter[pick(['a', 'b'])] = condition();
      const plan = planQuery(filter, indexes);
      const matches = compileFilter(filter);
      const expected = docs.filter((d) => matches(d)).map((d) => d._id as number);
      if (!plan) continue;
      planned++;
      for (const id of expected) {
        if (!plan.rids.has(id)) throw new Error(`filter ${JSON.stringify(filter)} via ${plan.indexName} misses _id ${id}`);
      }
    }
    expect(planned).toBeGreaterThan(200);
  });
});

describe('ranges on fields that hold arrays, and from $or branches', () => {
  it('finds a document whose elements meet the bounds one each, as MongoDB does', () => {
    const index = new OrderedIndex({ key: { w: 1, t: 1 }, name: 'w_t' });
    const d = (h: number) => new Date(h * 3_600_000);
    index.add(1, index.entriesFor({ w: 1, t: [d(0), d(7)] }));
    index.add(2, index.entriesFor({ w: 1, t: d(9) }));
    const filter = { w: 1, t: { $gte: d(2), $lt: d(6) } };
    expect(compileFilter(filter)({ w: 1, t: [d(0), d(7)] })).toBe(true);
    expect(planQuery(filter, [index])?.rids).toEqual(new Set([1, 2]));
  });

  it('bounds a field by the span of the branches that all bound it', () => {
    const at = new Date(1_000_000);
    const ranges = rangeConstraints({ w: 1, $and: [{ $or: [{ at: { $lt: at } }, { at, _id: { $lt: 5 } }] }] });
    expect(ranges.get('at')).toEqual({ low: DATE_PREFIX, high: DATE_PREFIX + sortableNumber(at.getTime()) });
    expect(rangeConstraints({ $or: [{ at: { $lt: at } }, { other: 1 }] }).has('at')).toBe(false);
    expect(rangeConstraints({ $or: [{ n: 3 }, { n: { $gt: 5, $lte: 9 } }] }).get('n')).toEqual({
      low: canonicalKey(3),
      high: canonicalKey(9),
    });
  });
});

describe('an $or of ranges on one field after an equality prefix', () => {
  // A report's slot rows at the ends of its ranges: `{ workspace, scope, $or: [{ at: first hours }, { at: last hours }] }`.
  const w = new ObjectId();
  const DAY = 24 * 3600_000;
  const base = Date.UTC(2026, 0, 1);
  const day = (i: number) => new Date(base + i * DAY);
  const index = new OrderedIndex({ key: { w: 1, scope: 1, at: 1 }, name: 'w_scope_at', unique: true });
  // Noon of each of 90 days, in two scopes: no document sits on a bound (bounds are inclusive in the index).
  const docs = ['all', 'topic'].flatMap((scope, s) =>
    Array.from({ length: 90 }, (_, i) => ({ _id: s * 100 + i + 1, w, scope, at: new Date(base + i * DAY + DAY / 2) })),
  );
  for (const [rid, doc] of docs.map((d) => [d._id, d] as const)) index.add(rid, index.entriesFor(doc));

  it.each([
    {
      name: 'the two ends of a 90-day range',
      ranges: [
        [0, 2],
        [88, 90],
      ],
    },
    {
      name: 'three pieces apart',
      ranges: [
        [0, 1],
        [45, 46],
        [89, 90],
      ],
    },
    {
      name: 'adjacent pieces',
      ranges: [
        [10, 20],
        [20, 30],
      ],
    },
    {
      name: 'overlapping pieces',
      ranges: [
        [10, 25],
        [20, 30],
      ],
    },
    { name: 'one piece', ranges: [[5, 6]] },
  ])('$name: the candidates are the matches, not the span between the pieces', ({ ranges }) => {
    const filter = { w, scope: 'all', $or: ranges.map(([a, b]) => ({ at: { $gte: day(a), $lt: day(b) } })) };
    const plan = planQuery(filter, [index]);
    const matches = compileFilter(filter);
    const expected = docs.filter((d) => matches(d)).map((d) => d._id);
    expect(expected.length).toBeGreaterThan(0);
    expect([...plan!.rids].sort((a, b) => a - b)).toEqual(expected);
  });
});
