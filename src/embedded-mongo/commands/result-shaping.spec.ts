import { ObjectId } from 'bson';
import { runPipeline } from '../query/query-language';
import { simpleProjector } from './result-shaping';

const viaMingo = (doc: Record<string, unknown>, projection: Record<string, unknown>) =>
  runPipeline([doc], [{ $project: projection }]).collect<Record<string, unknown>>()[0];

describe('simpleProjector', () => {
  const doc = { _id: new ObjectId(), a: 1, b: { c: 2 }, d: [new Date(0)], e: null };

  it.each([
    [{ a: 1 }],
    [{ a: 1, b: true, missing: 1 }],
    [{ a: 1, _id: 0 }],
    [{ _id: 1 }],
    [{ a: 0 }],
    [{ a: 0, _id: 0, e: false }],
    [{ _id: 0 }],
  ])('projects %j exactly as mingo does', (projection) => {
    const fast = simpleProjector(projection);
    expect(fast).not.toBeNull();
    expect(fast!(doc)).toEqual(viaMingo(doc, projection));
  });

  it.each([[{}], [{ 'b.c': 1 }], [{ a: { $slice: 1 } }], [{ a: 1, e: 0 }], [{ a: 2 }], [{ a: '$b' }]])(
    'leaves %j to mingo',
    (projection) => {
      expect(simpleProjector(projection)).toBeNull();
    },
  );
});
