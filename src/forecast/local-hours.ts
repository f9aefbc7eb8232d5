import { DateTime } from 'luxon';

/**
 * Local hours in a time zone: the forecast's unit. Each hour is keyed by its UTC start (ms) and
 * carries its hour of week (0 = Monday 00:00 local … 167), so days with a DST change have 23 or 25
 * hours and the weekly shape still lines up by local clock time.
 */
export interface LocalHour {
  start: Date;
  how: number;
}

/** Hour of week of a local time. */
export const hourOfWeek = (t: DateTime): number => (t.weekday - 1) * 24 + t.hour;

/** The local hours that start in [from, to), from the local hour containing `from`. */
export function localHours(from: Date, to: Date, tz: string): LocalHour[] {
  const out: LocalHour[] = [];
  let t = DateTime.fromJSDate(from, { zone: tz }).startOf('hour');
  const end = to.getTime();
  while (t.toMillis() < end) {
    out.push({ start: t.toJSDate(), how: hourOfWeek(t) });
    t = t.plus({ hours: 1 });
  }
  return out;
}

/** The start of the local hour containing `d`. */
export const localHourStart = (d: Date, tz: string): number => DateTime.fromJSDate(d, { zone: tz }).startOf('hour').toMillis();

/**
 * Counts per local hour: `rows` (15-minute UTC rollup slots with a count) summed into the hours of
 * `hours`; a slot never straddles a local hour in any zone (every IANA offset is a multiple of 15 minutes).
 */
export function countByLocalHour(hours: readonly LocalHour[], rows: readonly { at: Date; n: number }[], tz: string): number[] {
  const index = new Map(hours.map((h, i) => [h.start.getTime(), i]));
  const counts = new Array<number>(hours.length).fill(0);
  for (const r of rows) {
    const i = index.get(localHourStart(r.at, tz));
    if (i !== undefined) counts[i] += r.n;
  }
  return counts;
}

/** The local calendar date (YYYY-MM-DD) of `d`. */
export const localDate = (d: Date, tz: string): string => DateTime.fromJSDate(d, { zone: tz }).toISODate()!;
