import { change, kpiTrend, previousPeriod, targetStatus } from './trends';

describe('previousPeriod', () => {
  it('is the same length just before', () => {
    expect(previousPeriod(new Date('2024-03-11T00:00:00Z'), new Date('2024-03-18T00:00:00Z'))).toEqual({
      from: new Date('2024-03-04T00:00:00Z'),
      to: new Date('2024-03-11T00:00:00Z'),
    });
    // a 23-hour day (New York, 10 March 2024) is compared with the 23 hours before it
    expect(previousPeriod(new Date('2024-03-10T05:00:00Z'), new Date('2024-03-11T04:00:00Z'))).toEqual({
      from: new Date('2024-03-09T06:00:00Z'),
      to: new Date('2024-03-10T05:00:00Z'),
    });
  });
});

describe('change', () => {
  it('gives the absolute and relative change', () => {
    expect(change(150, 120)).toEqual({ absolute: 30, percent: 25 }); // 30 / 120 × 100
    expect(change(90, 120)).toEqual({ absolute: -30, percent: -25 });
    expect(change(-10, -20)).toEqual({ absolute: 10, percent: 50 }); // 10 / |−20| × 100
  });

  it('is null-safe', () => {
    expect(change(5, 0)).toEqual({ absolute: 5, percent: null });
    expect(change(null, 3)).toEqual({ absolute: null, percent: null });
    expect(change(3, null)).toEqual({ absolute: null, percent: null });
  });
});

describe('targetStatus', () => {
  it('compares in the target’s direction, inclusively', () => {
    expect(targetStatus(95, { value: 90, direction: 'higher' })).toBe('met');
    expect(targetStatus(90, { value: 90, direction: 'higher' })).toBe('met');
    expect(targetStatus(89.9, { value: 90, direction: 'higher' })).toBe('missed');
    expect(targetStatus(3600, { value: 7200, direction: 'lower' })).toBe('met');
    expect(targetStatus(7201, { value: 7200, direction: 'lower' })).toBe('missed');
  });

  it('is null without a value or a target', () => {
    expect(targetStatus(null, { value: 1, direction: 'higher' })).toBeNull();
    expect(targetStatus(1, null)).toBeNull();
  });
});

describe('kpiTrend', () => {
  it('puts value, previous, change and status together', () => {
    expect(kpiTrend(40, 50, { value: 30, direction: 'higher' })).toEqual({
      value: 40,
      previous: 50,
      change: { absolute: -10, percent: -20 }, // −10 / 50 × 100
      target: { value: 30, direction: 'higher' },
      status: 'met',
    });
  });
});
