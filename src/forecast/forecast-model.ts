/**
 * The inbound-support forecast: hourly counts with a daily and a weekly shape, forecast per local
 * hour. Pure functions over plain numbers; the service feeds them from the mention rollups.
 *
 * Model (`hour_of_week`): y(t) ≈ L(day(t)) × S(hour of week(t)), with
 * - S: 168 seasonal factors (mean 1), each the trimmed mean (the highest and lowest dropped when
 *   there are four or more) of that hour's ratio to the day's level over the weeks of history, so
 *   one holiday or incident week does not bend the shape;
 * - L: a level with a trend fitted by Theil–Sen (the median of pairwise slopes) on the daily
 *   deseasonalised levels, robust to outlier days; the trend is damped (φ = 0.9 a day) so a short
 *   history never extrapolates a steep slope across two weeks;
 * - prediction intervals from the empirical quantiles of the standardised residuals
 *   (y − ŷ)/√(ŷ + ¼) (counts are roughly Poisson: their spread grows as √ŷ), widened by
 *   √((W + 1)/(W − 1)) for W weeks because an in-sample residual understates an out-of-sample one
 *   (each factor is estimated from the very values it is checked against).
 * Up to eight weeks are used; with less than two weeks the model is not fitted and a seasonal-naive
 * forecast (last week's same hour, or yesterday's with less than a week) is returned, labelled.
 *
 * No npm package fits: `arima` (SARIMA, one seasonal period) needs far more history for a
 * 168-hour season, and no maintained Node package does double-seasonal Holt–Winters or TBATS.
 */

export const HOURS_PER_WEEK = 168;
/** Below this much history the model is not fitted (issue #20: "less than two weeks"). */
export const MIN_MODEL_HOURS = 14 * 24;
const MAX_WEEKS = 8;
const DAMPING = 0.9;

export type ForecastMethod = 'hour_of_week' | 'seasonal_naive_weekly' | 'seasonal_naive_daily' | 'none';

/** One hour of history: its hour of week (0 = Monday 00:00 local … 167) and its count. */
export interface HourPoint {
  how: number;
  y: number;
}

export interface HourForecast {
  expected: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface FittedForecast {
  method: ForecastMethod;
  /** Forecasts for the hours asked for, in order. */
  points: HourForecast[];
}

/** Quantile by linear interpolation (type 7) of sorted values. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Mean without the highest and the lowest value when there are four or more. */
export function trimmedMean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const kept = sorted.length >= 4 ? sorted.slice(1, -1) : sorted;
  return kept.reduce((s, v) => s + v, 0) / kept.length;
}

/** Theil–Sen line through (x, y): slope = median of pairwise slopes, intercept = median(y − slope·x). */
export function theilSen(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  if (xs.length < 2) return { slope: 0, intercept: ys.length ? median(ys) : 0 };
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
  const slope = slopes.length ? median(slopes) : 0;
  return { slope, intercept: median(ys.map((y, i) => y - slope * xs[i])) };
}

const stdResidual = (y: number, mu: number) => (y - mu) / Math.sqrt(Math.max(mu, 0) + 0.25);

/** Interval quantiles of standardised residuals; a Poisson-like normal approximation when there are too few. */
interface Spread {
  q10: number;
  q90: number;
  q025: number;
  q975: number;
}

function spreadOf(residuals: number[], widen: number): Spread {
  if (residuals.length < 48) return { q10: -1.2816 * widen, q90: 1.2816 * widen, q025: -1.96 * widen, q975: 1.96 * widen };
  const s = [...residuals].sort((a, b) => a - b);
  return {
    q10: quantile(s, 0.1) * widen,
    q90: quantile(s, 0.9) * widen,
    q025: quantile(s, 0.025) * widen,
    q975: quantile(s, 0.975) * widen,
  };
}

function withBands(mu: number, s: Spread): HourForecast {
  const root = Math.sqrt(Math.max(mu, 0) + 0.25);
  const band = (q: number) => Math.max(0, mu + q * root);
  return { expected: mu, lower80: band(s.q10), upper80: band(s.q90), lower95: band(s.q025), upper95: band(s.q975) };
}

/**
 * Seasonal-naive: each future hour repeats the same hour `period` hours before the end of history
 * (168: last week; 24: yesterday). Bands from the in-sample errors of the same rule.
 */
export function seasonalNaive(history: readonly HourPoint[], horizon: number, period: number): HourForecast[] {
  const n = history.length;
  if (n < period) return Array.from({ length: horizon }, () => withBands(0, spreadOf([], 1)));
  const residuals: number[] = [];
  for (let i = period; i < n; i++) residuals.push(stdResidual(history[i].y, history[i - period].y));
  const spread = spreadOf(residuals, 1);
  return Array.from({ length: horizon }, (_, h) => withBands(history[n - period + (h % period)].y, spread));
}

/** The fitted level-and-shape model, reusable for any future hour. */
export interface HourOfWeekModel {
  factors: number[];
  intercept: number;
  slope: number;
  /** Day index (from the start of the fitted window) of the last day of history. */
  lastDay: number;
  spread: Spread;
  weeks: number;
}

/**
 * Fits L × S to `history` (consecutive local hours; the first starts a day, i.e. its `how` is a
 * multiple of 24, as the service builds it). Two passes: factors from a flat level, then the
 * Theil–Sen level, then the factors again against that level.
 */
export function fitHourOfWeek(history: readonly HourPoint[]): HourOfWeekModel {
  const keep = Math.min(history.length, MAX_WEEKS * HOURS_PER_WEEK);
  const h = history.slice(history.length - keep);
  // align to whole days from the start of the window
  const offset = (24 - (h[0].how % 24)) % 24;
  const pts = h.slice(offset);
  const days = Math.floor(pts.length / 24);
  const mean = pts.reduce((s, p) => s + p.y, 0) / Math.max(1, pts.length);
  let level = (_day: number) => Math.max(mean, 1e-9);
  let factors: number[] = new Array<number>(HOURS_PER_WEEK).fill(1);
  let line = { slope: 0, intercept: mean };
  for (let pass = 0; pass < 2; pass++) {
    const ratios: number[][] = Array.from({ length: HOURS_PER_WEEK }, () => []);
    pts.forEach((p, i) => ratios[p.how].push(p.y / Math.max(level(Math.floor(i / 24)), 1e-9)));
    const raw = ratios.map((r) => (r.length ? trimmedMean(r) : 1));
    const norm = raw.reduce((s, v) => s + v, 0) / HOURS_PER_WEEK || 1;
    factors = raw.map((v) => v / norm);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let d = 0; d < days; d++) {
      let sumY = 0;
      let sumS = 0;
      for (let k = 0; k < 24; k++) {
        const p = pts[d * 24 + k];
        sumY += p.y;
        sumS += factors[p.how];
      }
      if (sumS > 0) {
        xs.push(d);
        ys.push(sumY / sumS);
      }
    }
    line = theilSen(xs, ys);
    const l = line;
    level = (day: number) => Math.max(l.intercept + l.slope * day, 0);
  }
  const residuals = pts.map((p, i) => stdResidual(p.y, level(Math.floor(i / 24)) * factors[p.how]));
  const weeks = pts.length / HOURS_PER_WEEK;
  const widen = weeks > 1 ? Math.sqrt((weeks + 1) / (weeks - 1)) : 1.5;
  return {
    factors,
    intercept: line.intercept,
    slope: line.slope,
    lastDay: days - 1 + (pts.length % 24) / 24,
    spread: spreadOf(residuals, widen),
    weeks,
  };
}

/** The model's forecast for the hours after history; `hows` are their hours of week, `dayAhead` their day offsets (1 = tomorrow's share). */
export function predictHourOfWeek(model: HourOfWeekModel, hows: readonly number[], hoursAhead: readonly number[]): HourForecast[] {
  return hows.map((how, i) => {
    const daysAhead = hoursAhead[i] / 24;
    // damped trend: Σ φ^k for k = 1 … daysAhead
    const damped = (DAMPING * (1 - Math.pow(DAMPING, daysAhead))) / (1 - DAMPING);
    const lvl = Math.max(0, model.intercept + model.slope * (model.lastDay + damped));
    return withBands(lvl * model.factors[how], model.spread);
  });
}

/**
 * The forecast for `horizonHows` (the hours of week of the hours after history, in order): the
 * model with two weeks or more, else a labelled seasonal-naive, else nothing.
 */
export function forecastHours(history: readonly HourPoint[], horizonHows: readonly number[]): FittedForecast {
  const horizon = horizonHows.length;
  if (history.length >= MIN_MODEL_HOURS && history.some((p) => p.y > 0)) {
    const model = fitHourOfWeek(history);
    return {
      method: 'hour_of_week',
      points: predictHourOfWeek(
        model,
        horizonHows,
        horizonHows.map((_, i) => i + 1),
      ),
    };
  }
  if (history.length >= HOURS_PER_WEEK) return { method: 'seasonal_naive_weekly', points: seasonalNaive(history, horizon, HOURS_PER_WEEK) };
  if (history.length >= 24) return { method: 'seasonal_naive_daily', points: seasonalNaive(history, horizon, 24) };
  return { method: 'none', points: horizonHows.map(() => withBands(0, spreadOf([], 1))) };
}

/**
 * Sums hourly forecasts into one period (a day): expected values add; band half-widths add in
 * quadrature, as for independent hourly errors (a simplification: errors within a day are
 * somewhat correlated, so daily bands are on the narrow side).
 */
export function sumForecasts(hours: readonly HourForecast[]): HourForecast {
  const mu = hours.reduce((s, h) => s + h.expected, 0);
  const width = (f: (h: HourForecast) => number) => Math.sqrt(hours.reduce((s, h) => s + f(h) ** 2, 0));
  return {
    expected: mu,
    lower80: Math.max(0, mu - width((h) => h.expected - h.lower80)),
    upper80: mu + width((h) => h.upper80 - h.expected),
    lower95: Math.max(0, mu - width((h) => h.expected - h.lower95)),
    upper95: mu + width((h) => h.upper95 - h.expected),
  };
}
