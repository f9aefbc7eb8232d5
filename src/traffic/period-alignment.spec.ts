import { alignmentProblem, resolvePeriodStart } from './period-alignment';

const at = (iso: string) => new Date(iso);

describe('resolvePeriodStart', () => {
  it('reads a local date as midnight in the workspace time zone', () => {
    expect(resolvePeriodStart('2026-03-01', 'America/Sao_Paulo')?.toISOString()).toBe('2026-03-01T03:00:00.000Z');
    expect(resolvePeriodStart('2026-07-01', 'Europe/Lisbon')?.toISOString()).toBe('2026-06-30T23:00:00.000Z');
    expect(resolvePeriodStart('2026-03-01', 'UTC')?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('reads a date-time with an offset as that instant, and refuses anything else', () => {
    expect(resolvePeriodStart('2026-03-01T00:00:00-03:00', 'UTC')?.toISOString()).toBe('2026-03-01T03:00:00.000Z');
    expect(resolvePeriodStart('2026-03-01T00:00:00', 'UTC')).toBeNull();
    expect(resolvePeriodStart('March 1st', 'UTC')).toBeNull();
  });
});

describe('alignmentProblem', () => {
  it('accepts local midnight in São Paulo (03:00 UTC) for a day and refuses UTC midnight', () => {
    expect(alignmentProblem(at('2026-03-01T03:00:00Z'), 'day', 'America/Sao_Paulo')).toBeNull();
    expect(alignmentProblem(at('2026-03-01T00:00:00Z'), 'day', 'America/Sao_Paulo')).toBe(
      'periodStart 2026-03-01T00:00:00Z is not midnight in America/Sao_Paulo (daily periods start at 00:00 local time: 2026-02-28 starts at 2026-02-28T03:00:00Z)',
    );
  });

  it('follows daylight saving time: Lisbon days start at 00:00 UTC in winter, 23:00 UTC the day before in summer', () => {
    expect(alignmentProblem(at('2026-01-15T00:00:00Z'), 'day', 'Europe/Lisbon')).toBeNull();
    expect(alignmentProblem(at('2026-07-14T23:00:00Z'), 'day', 'Europe/Lisbon')).toBeNull();
    expect(alignmentProblem(at('2026-07-15T00:00:00Z'), 'day', 'Europe/Lisbon')).toMatch(/is not midnight in Europe\/Lisbon/);
  });

  it('wants hours to start at a local minute 0 (India is UTC+05:30)', () => {
    expect(alignmentProblem(at('2026-03-01T14:00:00Z'), 'hour', 'America/Sao_Paulo')).toBeNull();
    expect(alignmentProblem(at('2026-03-01T14:30:00Z'), 'hour', 'Asia/Kolkata')).toBeNull();
    expect(alignmentProblem(at('2026-03-01T14:00:00Z'), 'hour', 'Asia/Kolkata')).toBe(
      'periodStart 2026-03-01T14:00:00Z does not start an hour in Asia/Kolkata (hourly periods start at minute 0, e.g. 2026-03-01T13:30:00Z)',
    );
    expect(alignmentProblem(at('2026-03-01T14:00:00.500Z'), 'hour', 'UTC')).toMatch(/does not start an hour/);
  });
});
