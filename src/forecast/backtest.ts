import { forecastHours, HOURS_PER_WEEK, MIN_MODEL_HOURS, seasonalNaive, type ForecastMethod, type HourPoint } from './forecast-model';

/** Hours whose actual count is below this are left out of MAPE (a percentage of 1 or 2 messages says nothing). */
export const MAPE_MIN_ACTUAL = 5;
/** MAPE needs at least this many such hours, else it is null. */
const MAPE_MIN_POINTS = 24;

export interface BacktestFigures {
  /** Forecast origins tested (each followed by a week of actual hours). */
  origins: number;
  /** Held-out hours compared. */
  hours: number;
  method: ForecastMethod | null;
  /** Mean absolute error of the forecast, messages per hour. */
  mae: number | null;
  /** Mean absolute error of the weekly seasonal-naive forecast from the same origins. */
  maeSeasonalNaive: number | null;
  /** MAE ÷ the seasonal-naive MAE on the same hours: below 1 beats "same hour last week". */
  mase: number | null;
  /** Mean absolute percentage error over hours with at least MAPE_MIN_ACTUAL messages, percent. */
  mape: number | null;
  /** Share of actual hours inside the 80 % and 95 % intervals, percent. */
  coverage80: number | null;
  coverage95: number | null;
  /** Why figures are null, when they are. */
  note: string | null;
}

const EMPTY = (note: string): BacktestFigures => ({
  origins: 0,
  hours: 0,
  method: null,
  mae: null,
  maeSeasonalNaive: null,
  mase: null,
  mape: null,
  coverage80: null,
  coverage95: null,
  note,
});

/**
 * Rolling-origin backtest: for each of the last `maxOrigins` weekly origins with at least two
 * weeks of history before it, forecast the following week from what was known then and compare it
 * hour by hour with what came, next to the weekly seasonal-naive forecast from the same origin.
 * MASE here is the ratio of the two MAEs on the same held-out hours (the seasonal-naive scaling of
 * Hyndman & Koehler, measured out of sample rather than in sample).
 */
export function backtest(history: readonly HourPoint[], maxOrigins = 4): BacktestFigures {
  const origins: number[] = [];
  for (let k = 1; k <= maxOrigins; k++) {
    const origin = history.length - k * HOURS_PER_WEEK;
    if (origin < MIN_MODEL_HOURS) break;
    origins.push(origin);
  }
  if (origins.length === 0) return EMPTY('needs three weeks of history: two to fit and one to check against');
  let absModel = 0;
  let absNaive = 0;
  let apeSum = 0;
  let apeN = 0;
  let in80 = 0;
  let in95 = 0;
  let n = 0;
  let method: ForecastMethod | null = null;
  for (const origin of origins) {
    const train = history.slice(0, origin);
    const test = history.slice(origin, origin + HOURS_PER_WEEK);
    const fit = forecastHours(
      train,
      test.map((p) => p.how),
    );
    method = fit.method;
    const naive = seasonalNaive(train, test.length, HOURS_PER_WEEK);
    test.forEach((p, i) => {
      const f = fit.points[i];
      absModel += Math.abs(p.y - f.expected);
      absNaive += Math.abs(p.y - naive[i].expected);
      if (p.y >= MAPE_MIN_ACTUAL) {
        apeSum += Math.abs(p.y - f.expected) / p.y;
        apeN++;
      }
      if (p.y >= f.lower80 && p.y <= f.upper80) in80++;
      if (p.y >= f.lower95 && p.y <= f.upper95) in95++;
      n++;
    });
  }
  const mae = absModel / n;
  const maeSeasonalNaive = absNaive / n;
  return {
    origins: origins.length,
    hours: n,
    method,
    mae,
    maeSeasonalNaive,
    mase: maeSeasonalNaive > 0 ? mae / maeSeasonalNaive : null,
    mape: apeN >= MAPE_MIN_POINTS ? (100 * apeSum) / apeN : null,
    coverage80: (100 * in80) / n,
    coverage95: (100 * in95) / n,
    note: apeN >= MAPE_MIN_POINTS ? null : `MAPE needs ${MAPE_MIN_POINTS} held-out hours with ${MAPE_MIN_ACTUAL} messages or more`,
  };
}
