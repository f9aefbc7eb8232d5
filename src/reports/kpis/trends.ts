import { TimeRange } from './rows';

/**
 * docs/KPIS.md, Targets, trends: each KPI carries its value, the previous period's value (same length,
 * just before), the change and the target status.
 */

export type TargetDirection = 'higher' | 'lower';

export interface KpiTarget {
  value: number;
  direction: TargetDirection;
}

export type TargetStatus = 'met' | 'missed' | null;

export interface Change {
  /** value − previous */
  absolute: number | null;
  /** (value − previous) / |previous| × 100 */
  percent: number | null;
}

export interface KpiTrend {
  value: number | null;
  previous: number | null;
  change: Change;
  target: KpiTarget | null;
  status: TargetStatus;
}

/**
 * The period of the same length just before `[from, to)`. The length is exact elapsed time, so a
 * 23-hour local day (DST) is compared with the 23 hours before it.
 */
export function previousPeriod(from: Date, to: Date): TimeRange {
  const length = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - length), to: new Date(from.getTime()) };
}

/**
 * Change from the previous value; `null` parts when either value is unknown, and `percent` null
 * when the previous value is 0. The percentage is relative to |previous| so that a KPI that can
 * be negative (net sentiment, NPS) going from −20 to −10 reads as +50 %, an improvement.
 */
export function change(value: number | null, previous: number | null): Change {
  if (value === null || previous === null) return { absolute: null, percent: null };
  const absolute = value - previous;
  return { absolute, percent: previous === 0 ? null : (absolute / Math.abs(previous)) * 100 };
}

/** `met` when the value reaches the target in its direction (inclusive); `null` without either. */
export function targetStatus(value: number | null, target: KpiTarget | null | undefined): TargetStatus {
  if (value === null || !target) return null;
  const met = target.direction === 'higher' ? value >= target.value : value <= target.value;
  return met ? 'met' : 'missed';
}

export function kpiTrend(value: number | null, previous: number | null, target?: KpiTarget | null): KpiTrend {
  return { value, previous, change: change(value, previous), target: target ?? null, status: targetStatus(value, target) };
}
