import { Decimal128, ObjectId } from 'bson';
import { runPipeline } from './query-language';

const id = new ObjectId('65a1b2c3d4e5f60718293a4b');

function evaluate(expr: object): unknown {
  return runPipeline([{ id, d: Decimal128.fromString('1.50'), s: id.toHexString() }], [{ $project: { _id: 0, v: expr } }]).collect<{
    v: unknown;
  }>()[0].v;
}

describe('bson-aware type operators', () => {
  it('converts ObjectIds to and from strings', () => {
    expect(evaluate({ $toString: '$id' })).toBe('65a1b2c3d4e5f60718293a4b');
    expect(evaluate({ $toObjectId: '$s' })).toEqual(id);
    expect(evaluate({ $convert: { input: 'nope', to: 'objectId', onError: 'bad' } })).toBe('bad');
    expect(evaluate({ $toString: '$d' })).toBe('1.50');
  });

  it('names bson types as MongoDB does', () => {
    expect(evaluate({ $type: '$id' })).toBe('objectId');
    expect(evaluate({ $type: '$d' })).toBe('decimal');
    expect(evaluate({ $type: '$missing' })).toBe('missing');
    expect(evaluate({ $type: 1.5 })).toBe('double');
  });
});
