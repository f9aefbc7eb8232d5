import { DateTime, IANAZone } from 'luxon';

/**
 * Local hours in a time zone: the forecast's unit. Each hour is keyed by its UTC start (ms) and
 * carries its hour of week (0 = Monday 00:00 local … 167), so days with a DST change have 23 or 25
 * hours and the weekly shape still lines up by local clock time.
 *
 * Luxon answers every question here, but a DateTime in a named zone costs an Intl call per step, and
 * eight weeks of hours (plus four rollup slots an hour) took seconds on a loaded machine. So the
 * offset is asked of the zone once a day and, where it changes, by bisection to the hour; the rest is
 * arithmetic on UTC milliseconds (local-hours.spec.ts checks it against luxon across DST changes).
 */
export interface LocalHour {
  start: Date;
  how: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Hour of week of a local time. */
export const hourOfWeek = (t: DateTime): number => (t.weekday - 1) * 24 + t.hour;

/** Hour of week of a wall-clock time given as milliseconds since the epoch as if it were UTC (1970-01-01 was a Thursday). */
const hourOfWeekOfLocalMs = (localMs: number): number => {
  const day = Math.floor(localMs / DAY_MS);
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday
  const hour = Math.floor((localMs - day * DAY_MS) / HOUR_MS);
  return weekday * 24 + hour;
};

/** The zone's UTC offset in minutes at `ms`. */
function zoneOf(tz: string): (ms: number) => number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return () => 0;
  const zone = IANAZone.create(tz);
  return (ms) => zone.offset(ms);
}

/** The local hours that start in [from, to), from the local hour containing `from`. */
export function localHours(from: Date, to: Date, tz: string): LocalHour[] {
  const offset = zoneOf(tz);
  const out: LocalHour[] = [];
  const end = to.getTime();
  const first = from.getTime();
  const firstOffset = offset(first) * 60_000;
  // the local hour containing `from`, in UTC (every offset in use is a whole number of quarter hours)
  let t = Math.floor((first + firstOffset) / HOUR_MS) * HOUR_MS - firstOffset;
  // offsets sampled a day apart; between two equal samples the offset is taken as constant (zones change at most twice a year)
  let sampleAt = t;
  let sample = offset(t) * 60_000;
  while (t < end) {
    const nextAt = sampleAt + DAY_MS;
    const next = offset(nextAt) * 60_000;
    // the first hour in (sampleAt, nextAt] with the next offset
    let change = nextAt + 1;
    if (next !== sample) {
      let lo = sampleAt;
      let hi = nextAt;
      while (hi - lo > HOUR_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / HOUR_MS) * HOUR_MS;
        if (offset(mid) * 60_000 === sample) lo = mid;
        else hi = mid;
      }
      change = hi;
    }
    for (; t < end && t < nextAt; t += HOUR_MS)
      out.push({ start: new Date(t), how: hourOfWeekOfLocalMs(t + (t >= change ? next : sample)) });
    sampleAt = nextAt;
    sample = next;
  }
  return out;
}

/** The start of the local hour containing `d`. */
export const localHourStart = (d: Date, tz: string): number => DateTime.fromJSDate(d, { zone: tz }).startOf('hour').toMillis();

/**
 * Counts per local hour: `rows` (15-minute UTC rollup slots with a count) summed into the hours of
 * `hours` (consecutive, as localHours gives them); a slot never straddles a local hour in any zone
 * (every IANA offset is a multiple of 15 minutes). Rows outside the hours are left out.
 */
export function countByLocalHour(hours: readonly LocalHour[], rows: readonly { at: Date; n: number }[]): number[] {
  const counts = new Array<number>(hours.length).fill(0);
  if (hours.length === 0) return counts;
  const first = hours[0].start.getTime();
  const end = hours[hours.length - 1].start.getTime() + HOUR_MS;
  for (const r of rows) {
    const at = r.at.getTime();
    if (at < first || at >= end) continue;
    // the last hour starting at or before `at`: hours are an hour apart, so the guess is off by at most one
    let i = Math.min(hours.length - 1, Math.floor((at - first) / HOUR_MS));
    while (i > 0 && hours[i].start.getTime() > at) i--;
    while (i + 1 < hours.length && hours[i + 1].start.getTime() <= at) i++;
    counts[i] += r.n;
  }
  return counts;
}

/** The local calendar date (YYYY-MM-DD) of `d`. */
export const localDate = (d: Date, tz: string): string => DateTime.fromJSDate(d, { zone: tz }).toISODate()!;
