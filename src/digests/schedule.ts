import { DateTime } from 'luxon';

/**
 * When a digest is due and which period it reports. Pure functions over luxon's zoned times, so
 * "Monday 08:00 America/Sao_Paulo" stays 08:00 local across DST changes (a time that does not
 * exist on a spring-forward day runs at the first minute after the gap, as luxon resolves it).
 */

export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Cadence {
  frequency: Frequency;
  /** Local time of day, `HH:mm`. */
  time: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday (weekly). */
  weekday?: number | null;
  /** Day of the month, 1–31; a month without that day runs on its last day (monthly). */
  monthDay?: number | null;
  tz: string;
}

export interface DigestPeriod {
  /** The local time the run is due. */
  dueAt: Date;
  /** The period reported: the complete day, week (7 days) or calendar month before the due day. */
  from: Date;
  to: Date;
  /** The run record's key: local start and end dates of the period, e.g. `2026-11-23/2026-11-30`. */
  key: string;
}

const hm = (time: string) => {
  const [h, m] = time.split(':').map(Number);
  return { hour: h, minute: m };
};

/** The occurrence of the cadence in the day, week or month that contains `local`. */
function occurrenceAround(c: Cadence, local: DateTime): DateTime {
  const at = hm(c.time);
  if (c.frequency === 'daily') return local.set({ ...at, second: 0, millisecond: 0 });
  if (c.frequency === 'weekly') {
    const day = local.startOf('day').plus({ days: (c.weekday ?? 1) - local.weekday });
    return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, ...at }, { zone: c.tz });
  }
  const day = Math.min(c.monthDay ?? 1, local.daysInMonth ?? 28);
  return DateTime.fromObject({ year: local.year, month: local.month, day, ...at }, { zone: c.tz });
}

function step(c: Cadence, local: DateTime, n: number): DateTime {
  if (c.frequency === 'daily') return local.plus({ days: n });
  if (c.frequency === 'weekly') return local.plus({ weeks: n });
  return local.plus({ months: n });
}

function periodOf(c: Cadence, due: DateTime): DigestPeriod {
  const end = due.startOf(c.frequency === 'monthly' ? 'month' : 'day');
  const start =
    c.frequency === 'daily' ? end.minus({ days: 1 }) : c.frequency === 'weekly' ? end.minus({ weeks: 1 }) : end.minus({ months: 1 });
  return { dueAt: due.toJSDate(), from: start.toJSDate(), to: end.toJSDate(), key: `${start.toISODate()}/${end.toISODate()}` };
}

/** The latest run due at or before `now` (and the period it reports). */
export function latestDue(c: Cadence, now: Date): DigestPeriod {
  const local = DateTime.fromJSDate(now, { zone: c.tz });
  let due = occurrenceAround(c, local);
  if (due.toMillis() > now.getTime()) due = occurrenceAround(c, step(c, local, -1));
  return periodOf(c, due);
}

/** The first run due after `now`. */
export function nextDue(c: Cadence, now: Date): DigestPeriod {
  const local = DateTime.fromJSDate(now, { zone: c.tz });
  let due = occurrenceAround(c, local);
  if (due.toMillis() <= now.getTime()) due = occurrenceAround(c, step(c, local, 1));
  return periodOf(c, due);
}

/** A run sent this long after it was due (the service was down) is marked late. */
export const LATE_AFTER_MS = 15 * 60_000;

/**
 * What the scheduler should send at `now`: the latest due run, unless it was due before the
 * schedule became active (a new schedule does not send last week's digest at once). Only the
 * latest missed run is sent after an outage: older ones would report stale periods.
 */
export function dueRun(c: Cadence, activeFrom: Date, now: Date): (DigestPeriod & { late: boolean }) | null {
  const p = latestDue(c, now);
  if (p.dueAt < activeFrom) return null;
  return { ...p, late: now.getTime() - p.dueAt.getTime() > LATE_AFTER_MS };
}
