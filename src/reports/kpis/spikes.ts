import { MentionRollupRow } from './rows';
import { mean, percent, sum } from './statistics';

/**
 * docs/KPIS.md, alerts: in each hour, volume or negative share above the trailing 7-day hourly mean
 * plus k × standard deviation (default k = 3) is a spike. The alerts module raises each spike once.
 *
 * - The standard deviation is the population one (divide by N): the trailing week is the whole
 *   baseline being described, not a sample of a larger one.
 * - "Above" is strict: a value equal to the threshold is not a spike.
 * - No alert before `minHistory` hourly points (default 24, one day) exist: on a new topic the
 *   first hours say nothing about normal. Hours before the topic started (`since`) are not
 *   history; hours since then without mentions count as 0 for volume.
 * - Negative share (negative / mentions × 100) is only defined for hours with mentions: empty
 *   hours are left out of its history, and the hour being tested needs `minMentions` (default 10)
 *   mentions, so that 1 negative mention out of 1 is not a 100 % spike.
 * - Hours are UTC hours (rollup buckets); quarter-hour rollups are summed into them.
 */

const HOUR_MS = 3_600_000;

export interface SpikeOptions {
  /** Standard deviations above the mean; default 3. */
  k?: number;
  /** Hourly points needed before any alert; default 24. */
  minHistory?: number;
  /** A value must also reach this to be a spike (a floor for flat histories); default none. */
  minValue?: number;
}

export interface SpikeCheck {
  spike: boolean;
  value: number | null;
  /** mean + k × std; `null` while history is shorter than `minHistory`. */
  threshold: number | null;
  mean: number | null;
  std: number | null;
  historyPoints: number;
}

export interface HistoryOptions {
  /** Trailing window in days; default 7. */
  days?: number;
  /** When listening started; earlier hours are not history. */
  since?: Date;
}

export interface NegativeShareOptions extends SpikeOptions, HistoryOptions {
  /** Mentions the tested hour needs for its negative share to alert; default 10. */
  minMentions?: number;
}

export function populationStd(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null) return null;
  return Math.sqrt(sum(values.map((v) => (v - m) ** 2)) / values.length);
}

/** Whether `value` is above mean + k × std of `history` (see module notes). */
export function detectSpike(value: number | null, history: readonly number[], options: SpikeOptions = {}): SpikeCheck {
  const k = options.k ?? 3;
  const minHistory = options.minHistory ?? 24;
  const m = mean(history);
  const std = populationStd(history);
  const threshold = history.length >= minHistory && m !== null && std !== null ? m + k * std : null;
  const spike = value !== null && threshold !== null && value > threshold && value >= (options.minValue ?? -Infinity);
  return { spike, value, threshold, mean: m, std, historyPoints: history.length };
}

interface HourTotals {
  count: number;
  negative: number;
}

/** Rollup rows summed per UTC hour start (epoch ms). */
function hourlyTotals(rows: readonly MentionRollupRow[]): Map<number, HourTotals> {
  const totals = new Map<number, HourTotals>();
  for (const row of rows) {
    const hour = Math.floor(row.hour.getTime() / HOUR_MS) * HOUR_MS;
    const t = totals.get(hour) ?? { count: 0, negative: 0 };
    t.count += row.count;
    t.negative += row.negative;
    totals.set(hour, t);
  }
  return totals;
}

/** Starts of the trailing hours before `hour` (excluded), oldest first, not before `since`. */
function trailingHours(hour: number, options: HistoryOptions): number[] {
  const days = options.days ?? 7;
  const since = options.since ? Math.ceil(options.since.getTime() / HOUR_MS) * HOUR_MS : -Infinity;
  const hours: number[] = [];
  for (let h = hour - days * 24 * HOUR_MS; h < hour; h += HOUR_MS) if (h >= since) hours.push(h);
  return hours;
}

function floorHour(d: Date): number {
  return Math.floor(d.getTime() / HOUR_MS) * HOUR_MS;
}

/** Mentions per hour over the trailing window before `hour`, 0 for hours without a rollup. */
export function hourlyVolumeHistory(rows: readonly MentionRollupRow[], hour: Date, options: HistoryOptions = {}): number[] {
  const totals = hourlyTotals(rows);
  return trailingHours(floorHour(hour), options).map((h) => totals.get(h)?.count ?? 0);
}

/** Negative share per hour over the trailing window before `hour`, hours with mentions only. */
export function hourlyNegativeShareHistory(rows: readonly MentionRollupRow[], hour: Date, options: HistoryOptions = {}): number[] {
  const totals = hourlyTotals(rows);
  return trailingHours(floorHour(hour), options)
    .map((h) => totals.get(h))
    .filter((t): t is HourTotals => t !== undefined && t.count > 0)
    .map((t) => percent(t.negative, t.count)!);
}

/** Volume spike for the UTC hour that contains `hour`, from rollups covering it and the week before. */
export function volumeSpike(rows: readonly MentionRollupRow[], hour: Date, options: SpikeOptions & HistoryOptions = {}): SpikeCheck {
  const value = hourlyTotals(rows).get(floorHour(hour))?.count ?? 0;
  return detectSpike(value, hourlyVolumeHistory(rows, hour, options), options);
}

/** Negative-share spike for the UTC hour that contains `hour`. */
export function negativeShareSpike(rows: readonly MentionRollupRow[], hour: Date, options: NegativeShareOptions = {}): SpikeCheck {
  const totals = hourlyTotals(rows).get(floorHour(hour));
  const value = totals ? percent(totals.negative, totals.count) : null;
  const check = detectSpike(value, hourlyNegativeShareHistory(rows, hour, options), options);
  const enough = (totals?.count ?? 0) >= (options.minMentions ?? 10);
  return { ...check, spike: check.spike && enough };
}
