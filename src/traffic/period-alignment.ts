import { DateTime } from 'luxon';
import { isLocalDate, parseInstant } from '../inputs/instant';

export const GRANULARITIES = ['hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/**
 * Hourly and daily inputs are summed by the reports, which bucket by local hours and days of the
 * workspace's time zone: a period must start where such a bucket starts, or it would be counted
 * in the wrong hour or day (and two feeds could not replace each other's value).
 */

/** The instant a `periodStart` names: a date-time with an offset, or local midnight of a `YYYY-MM-DD` date in `zone`. */
export function resolvePeriodStart(value: string, zone: string): Date | null {
  if (isLocalDate(value)) {
    const midnight = DateTime.fromISO(value, { zone }).startOf('day');
    return midnight.isValid ? midnight.toJSDate() : null;
  }
  return parseInstant(value);
}

/** Why `start` cannot begin a period of this granularity in `zone`, or `null` when it can. */
export function alignmentProblem(start: Date, granularity: Granularity, zone: string): string | null {
  const local = DateTime.fromJSDate(start, { zone });
  if (!local.isValid) return `periodStart cannot be read in the time zone ${zone}`;
  const aligned = local.startOf(granularity);
  if (aligned.toMillis() === local.toMillis()) return null;
  const iso = (dt: DateTime) => dt.toUTC().toISO({ suppressMilliseconds: true });
  if (granularity === 'hour') {
    return `periodStart ${iso(local)} does not start an hour in ${zone} (hourly periods start at minute 0, e.g. ${iso(aligned)})`;
  }
  return `periodStart ${iso(local)} is not midnight in ${zone} (daily periods start at 00:00 local time: ${local.toISODate()} starts at ${iso(aligned)})`;
}
