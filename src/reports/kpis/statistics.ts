/**
 * Ratios and summaries shared by the KPI functions. docs/KPIS.md: "A ratio whose denominator is 0 is
 * `null`, never `NaN`, `0` or `Infinity`."
 */

/** numerator / denominator, or `null` when the denominator is 0 (or either side is unknown). */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator)) return null;
  return numerator / denominator;
}

/**
 * numerator / denominator × 100, full precision, `null` on a zero denominator. Multiplying first
 * keeps round results round (11 / 20 → 55, not 55.00000000000001).
 */
export function percent(numerator: number | null, denominator: number | null): number | null {
  return numerator === null ? null : ratio(numerator * 100, denominator);
}

/** numerator / denominator × 1000, `null` on a zero denominator. */
export function perThousand(numerator: number | null, denominator: number | null): number | null {
  return numerator === null ? null : ratio(numerator * 1000, denominator);
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function mean(values: readonly number[]): number | null {
  return ratio(sum(values), values.length);
}

/**
 * The p-th percentile (0 … 100) by linear interpolation between closest ranks (Hyndman & Fan
 * type 7: numpy's default, Excel's PERCENTILE.INC): rank h = (n − 1) × p / 100, value =
 * x[⌊h⌋] + (h − ⌊h⌋) × (x[⌊h⌋ + 1] − x[⌊h⌋]). The median is the 50th percentile by the same rule
 * (the mean of the two middle values for an even count). `null` for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0 … 100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  // h × 100 kept whole as long as possible, so 90th of 5 values is 240 + 60 × 2760 / 100 = 1896 exactly
  const h100 = (sorted.length - 1) * p;
  const lower = Math.floor(h100 / 100);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + ((h100 - lower * 100) * (sorted[upper] - sorted[lower])) / 100;
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

export interface DurationSummary {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

/** Mean, median and 90th percentile (linear interpolation, see `percentile`) of durations in seconds. */
export function summarizeDurations(seconds: readonly number[]): DurationSummary {
  return { mean: mean(seconds), median: median(seconds), p90: percentile(seconds, 90) };
}

export function secondsBetween(start: Date, end: Date): number {
  return (end.getTime() - start.getTime()) / 1000;
}
