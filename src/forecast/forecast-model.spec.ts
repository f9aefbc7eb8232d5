import { backtest } from './backtest';
import { EVAL_HISTORY, heldOutWeek } from './evaluation';
import { forecastHours, HOURS_PER_WEEK, median, quantile, sumForecasts, theilSen, trimmedMean, type HourPoint } from './forecast-model';
import { syntheticHistory, syntheticMean } from './synthetic-history';

describe('robust statistics', () => {
  it.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4, 5], 0.1, 1.4],
    [[7], 0.9, 7],
  ])('quantile(%j, %d) = %d', (values, p, q) => {
    expect(quantile(values, p)).toBeCloseTo(q, 10);
  });

  it.each([
    ['drops the highest and lowest of four or more', [1, 2, 3, 100], 2.5],
    ['keeps all of three', [1, 2, 6], 3],
  ])('trimmed mean %s', (_l, values, mean) => {
    expect(trimmedMean(values)).toBeCloseTo(mean, 10);
  });

  it('fits Theil–Sen through an outlier: y = 2x + 1 with one wild day', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6];
    const ys = xs.map((x) => 2 * x + 1);
    ys[3] = 100;
    const line = theilSen(xs, ys);
    expect(line.slope).toBeCloseTo(2, 10);
    expect(line.intercept).toBeCloseTo(1, 10);
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe('forecastHours', () => {
  const flat = (hours: number, y: number): HourPoint[] => Array.from({ length: hours }, (_, i) => ({ how: i % HOURS_PER_WEEK, y }));

  it.each([
    ['two weeks or more: the model', 14 * 24, 'hour_of_week'],
    ['one to two weeks: last week’s same hour', 10 * 24, 'seasonal_naive_weekly'],
    ['a day to a week: yesterday’s same hour', 3 * 24, 'seasonal_naive_daily'],
    ['less than a day: nothing to go on', 5, 'none'],
  ])('%s', (_l, hours, method) => {
    const history = flat(hours, 4);
    const fit = forecastHours(history, [0, 1, 2]);
    expect(fit.method).toBe(method);
    expect(fit.points).toHaveLength(3);
  });

  it('forecasts a constant series as that constant, with bands around it', () => {
    const fit = forecastHours(flat(21 * 24, 4), [0, 50, 100]);
    for (const p of fit.points) {
      expect(p.expected).toBeCloseTo(4, 6);
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.upper95).toBeGreaterThanOrEqual(p.upper80);
    }
  });

  it('recovers a known daily and weekly shape (hand-set means, no noise)', () => {
    const o = { weeks: 4, meanPerHour: 10, seed: 1 };
    const history = Array.from({ length: 4 * HOURS_PER_WEEK }, (_, i) => ({ how: i % HOURS_PER_WEEK, y: syntheticMean(i, o) }));
    const fit = forecastHours(
      history,
      Array.from({ length: HOURS_PER_WEEK }, (_, h) => h),
    );
    fit.points.forEach((p, h) => expect(p.expected).toBeCloseTo(syntheticMean(h, o), 6));
  });

  it('adds hourly forecasts into a day: means add, band widths in quadrature', () => {
    const day = sumForecasts([
      { expected: 4, lower80: 1, upper80: 7, lower95: 0, upper95: 8 },
      { expected: 4, lower80: 0, upper80: 8, lower95: 0, upper95: 9 },
    ]);
    expect(day.expected).toBe(8);
    expect(day.upper80).toBeCloseTo(8 + 5, 10);
    expect(day.lower80).toBeCloseTo(8 - 5, 10);
  });
});

describe('accuracy on the seeded synthetic history (issue #20: done when)', () => {
  it('beats weekly seasonal-naive on the held-out week (MASE < 1) with 80 % coverage between 70 % and 90 %', () => {
    const week = heldOutWeek();
    expect(week.mase).toBeLessThan(1);
    expect(week.coverage80).toBeGreaterThanOrEqual(70);
    expect(week.coverage80).toBeLessThanOrEqual(90);
  });

  it.each([6, 30])('holds at %d messages an hour over ten seeds', (meanPerHour) => {
    for (let seed = 1; seed <= 10; seed++) {
      const week = heldOutWeek({ ...EVAL_HISTORY, seed, meanPerHour });
      expect(week.mase).toBeLessThan(1);
      expect(week.coverage80).toBeGreaterThanOrEqual(70);
      expect(week.coverage80).toBeLessThanOrEqual(90);
    }
  });

  it('backtests from rolling weekly origins with two weeks of history before each', () => {
    const bt = backtest(syntheticHistory(EVAL_HISTORY));
    expect(bt.origins).toBe(3);
    expect(bt.hours).toBe(3 * HOURS_PER_WEEK);
    expect(bt.method).toBe('hour_of_week');
    expect(bt.mase).toBeLessThan(1);
    expect(bt.mape).not.toBeNull();
  });

  it('says why there are no figures with less than three weeks', () => {
    const bt = backtest(syntheticHistory({ ...EVAL_HISTORY, weeks: 2 }));
    expect(bt.origins).toBe(0);
    expect(bt.mase).toBeNull();
    expect(bt.note).toMatch(/three weeks/);
  });
});
