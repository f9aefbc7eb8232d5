import { findOperatorKey } from './operator-rejection.middleware';

describe('findOperatorKey', () => {
  it('finds a $-operator at any depth and names its path', () => {
    expect(findOperatorKey({ topic: { $ne: null } })).toBe('topic.$ne');
    expect(findOperatorKey([{ a: 1 }, { b: [{ $where: 'x' }] }])).toBe('[1].b[0].$where');
    expect(findOperatorKey({ 'from[$gt]': '2020' })).toBe('from[$gt]');
  });
  it('lets plain data through, including dollar signs in values', () => {
    expect(findOperatorKey({ q: '$gt', price: '$10', nested: { a: [1, 'b'] } })).toBeNull();
    expect(findOperatorKey(undefined)).toBeNull();
  });
});
