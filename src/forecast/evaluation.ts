import { backtest, type BacktestFigures } from './backtest';
import { forecastHours, HOURS_PER_WEEK, seasonalNaive } from './forecast-model';
import { syntheticHistory, type SyntheticOptions } from './synthetic-history';

/** The synthetic history of the evaluation: four weeks to fit (one with a holiday) and a fifth held out. */
export const EVAL_HISTORY: SyntheticOptions = { weeks: 5, meanPerHour: 6, seed: 20, weeklyGrowth: 0.02, holidays: [16] };

export interface HeldOutWeek {
  hours: number;
  mae: number;
  maeSeasonalNaive: number;
  /** MAE ÷ the seasonal-naive MAE on the held-out week. */
  mase: number;
  coverage80: number;
  coverage95: number;
}

/** Fits on all but the last week of `o`'s history and scores the forecast of the last week. */
export function heldOutWeek(o: SyntheticOptions = EVAL_HISTORY): HeldOutWeek {
  const history = syntheticHistory(o);
  const train = history.slice(0, history.length - HOURS_PER_WEEK);
  const test = history.slice(history.length - HOURS_PER_WEEK);
  const fit = forecastHours(
    train,
    test.map((p) => p.how),
  );
  const naive = seasonalNaive(train, test.length, HOURS_PER_WEEK);
  let abs = 0;
  let absNaive = 0;
  let in80 = 0;
  let in95 = 0;
  test.forEach((p, i) => {
    const f = fit.points[i];
    abs += Math.abs(p.y - f.expected);
    absNaive += Math.abs(p.y - naive[i].expected);
    if (p.y >= f.lower80 && p.y <= f.upper80) in80++;
    if (p.y >= f.lower95 && p.y <= f.upper95) in95++;
  });
  const n = test.length;
  return {
    hours: n,
    mae: abs / n,
    maeSeasonalNaive: absNaive / n,
    mase: abs / absNaive,
    coverage80: (100 * in80) / n,
    coverage95: (100 * in95) / n,
  };
}

/** The rolling-origin backtest over the whole synthetic history. */
export function syntheticBacktest(o: SyntheticOptions = EVAL_HISTORY): BacktestFigures {
  return backtest(syntheticHistory(o));
}
