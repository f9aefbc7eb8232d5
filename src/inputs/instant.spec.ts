import { isLocalDate, parseInstant } from './instant';

describe('parseInstant', () => {
  it.each([
    ['2026-03-01T12:00:00Z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T09:00:00-03:00', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T17:30+05:30', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00:00.250z', '2026-03-01T12:00:00.250Z'],
    ['2026-03-01T09:00:00-0300', '2026-03-01T12:00:00.000Z'],
  ])('reads %s as %s', (input, iso) => expect(parseInstant(input)?.toISOString()).toBe(iso));

  it.each([
    ['no offset (the server zone would decide)', '2026-03-01T12:00:00'],
    ['a date only', '2026-03-01'],
    ['an impossible date', '2026-02-30T12:00:00Z'],
    ['an impossible hour', '2026-03-01T25:00:00Z'],
    ['before 2000', '1999-12-31T23:59:59Z'],
    ['a number', 1772366400000],
    ['free text', 'yesterday'],
  ])('refuses %s', (_label, input) => expect(parseInstant(input)).toBeNull());
});

describe('isLocalDate', () => {
  it('accepts real calendar dates only', () => {
    expect(isLocalDate('2026-03-01')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-3-1')).toBe(false);
    expect(isLocalDate('2026-03-01T00:00:00Z')).toBe(false);
  });
});
