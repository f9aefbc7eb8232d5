import { DateTime, IANAZone } from 'luxon';
import { Interval } from './rows';

const HOUR_MS = 3_600_000;

const NOMINAL_MS: Record<Interval, number> = { hour: HOUR_MS, day: 24 * HOUR_MS, week: 7 * 24 * HOUR_MS };

/** The zone for an IANA name (luxon caches them), refusing an unknown name with a clear error. */
export function zoneOf(tz: string): IANAZone {
  const zone = IANAZone.create(tz);
  if (!zone.isValid) throw new RangeError(`unknown IANA timezone "${tz}"`);
  return zone;
}

/** Refuses a timezone that is not a valid IANA zone name, naming it. */
export function assertTimeZone(tz: string): void {
  zoneOf(tz);
}

/**
 * Start of the local hour/day/week (weeks start on Monday) that contains `date`, in `tz`.
 *
 * Hours are computed from the offset in force at `date`, so they are right for fractional-offset
 * zones (Asia/Kolkata's hours start at :30 UTC) and for both occurrences of a repeated hour when
 * clocks go back. A day whose midnight does not exist (America/Sao_Paulo, 2018-11-04, clocks
 * jumped from 00:00 to 01:00) starts at its first existing instant.
 */
export function bucketOf(date: Date, interval: Interval, tz: string): Date {
  const zone = zoneOf(tz);
  if (interval === 'hour') {
    const offsetMs = zone.offset(date.getTime()) * 60_000;
    const local = date.getTime() + offsetMs;
    return new Date(local - mod(local, HOUR_MS) - offsetMs);
  }
  return DateTime.fromJSDate(date, { zone }).startOf(interval).toJSDate();
}

/**
 * Starts of every local bucket that overlaps `[from, to)`, oldest first. The first one may start
 * before `from` (the bucket that contains it). Local days are 23 or 25 hours long across DST
 * changes; that is what a user in that zone expects.
 */
export function bucketStarts(from: Date, to: Date, interval: Interval, tz: string, maxBuckets = 50_000): Date[] {
  assertTimeZone(tz);
  if ((to.getTime() - from.getTime()) / NOMINAL_MS[interval] > maxBuckets) throw tooMany();
  const starts: Date[] = [];
  let current = bucketOf(from, interval, tz);
  while (current.getTime() < to.getTime()) {
    if (starts.length >= maxBuckets) throw tooMany();
    starts.push(current);
    current = nextBucket(current, interval, tz);
  }
  return starts;

  function tooMany(): RangeError {
    return new RangeError(`more than ${maxBuckets} ${interval} buckets between ${from.toISOString()} and ${to.toISOString()}`);
  }
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, interval: Interval, tz: string): Date {
  if (interval === 'hour') {
    // One hour later is in the next local hour, unless a DST change of under an hour moved it.
    let next = bucketOf(new Date(start.getTime() + HOUR_MS), 'hour', tz);
    if (next.getTime() <= start.getTime()) next = bucketOf(new Date(start.getTime() + 2 * HOUR_MS), 'hour', tz);
    return next;
  }
  const unit = interval === 'day' ? { days: 1 } : { weeks: 1 };
  return DateTime.fromJSDate(start, { zone: tz }).plus(unit).startOf(interval).toJSDate();
}

const OFFSET_SAMPLE_MS = 12 * HOUR_MS;

/**
 * The UTC offset of `tz` (ms) at any instant of [from, to), as a lookup that asks the zone only
 * every 12 hours and, where two samples differ, bisects to the millisecond where it changed: a long
 * report then costs a few hundred zone lookups (≈ 10 µs each) instead of one per 15-minute slot,
 * once per zone and UTC year (cached), so a report's own cost is its segments, not its length.
 * Exact unless a zone changed its offset twice within 12 hours and back to where it was, which
 * no zone of the tz database does.
 */
export function offsetLookup(tz: string, from: Date, to: Date): (ms: number) => number {
  const zone = zoneOf(tz);
  const start = from.getTime();
  const end = Math.max(to.getTime(), start + 1);
  // Segments [changeAt, next change) with their offset, oldest first: the cached years' segments joined.
  const changes: number[] = [];
  const offsets: number[] = [];
  const first = new Date(start).getUTCFullYear();
  const last = new Date(end).getUTCFullYear();
  for (let year = first; year <= last; year++) {
    const seg = yearSegments(tz, year);
    for (let i = 0; i < seg.changes.length; i++) {
      if (offsets.length && offsets[offsets.length - 1] === seg.offsets[i]) continue;
      changes.push(seg.changes[i]);
      offsets.push(seg.offsets[i]);
    }
  }
  if (changes.length === 1) return () => offsets[0];
  const covered = Date.UTC(last + 1, 0, 1);
  return (ms: number) => {
    if (ms < changes[0] || ms >= covered) return zone.offset(ms) * 60_000;
    let i = changes.length - 1;
    while (i > 0 && changes[i] > ms) i--;
    return offsets[i];
  };
}

/** Zone rules are fixed while the process runs: each zone's year of offset changes is worked out once (bounded). */
const YEAR_SEGMENTS = new Map<string, { changes: number[]; offsets: number[] }>();
const YEAR_SEGMENTS_MAX = 1_000;

/** The instants in UTC year `year` from which `tz`'s offset holds, and the offsets (the year's start first). */
function yearSegments(tz: string, year: number): { changes: number[]; offsets: number[] } {
  const key = `${tz}|${year}`;
  const cached = YEAR_SEGMENTS.get(key);
  if (cached) return cached;
  const zone = zoneOf(tz);
  const at = (ms: number) => zone.offset(ms) * 60_000;
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const changes: number[] = [start];
  const offsets: number[] = [at(start)];
  for (let t = start; t < end;) {
    const next = Math.min(t + OFFSET_SAMPLE_MS, end - 1);
    const off = at(next);
    if (off !== offsets[offsets.length - 1]) {
      let lo = t; // offset as before
      let hi = next; // offset changed
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (at(mid) === offsets[offsets.length - 1]) lo = mid;
        else hi = mid;
      }
      changes.push(hi);
      offsets.push(off);
    }
    t = next === end - 1 ? end : next;
  }
  if (YEAR_SEGMENTS.size >= YEAR_SEGMENTS_MAX) YEAR_SEGMENTS.delete(YEAR_SEGMENTS.keys().next().value!);
  const segments = { changes, offsets };
  YEAR_SEGMENTS.set(key, segments);
  return segments;
}

/** The start of the local hour containing `ms`, given the zone's offset there (as `bucketOf(…, 'hour', tz)`). */
export function localHourStart(ms: number, offsetMs: number): number {
  const local = ms + offsetMs;
  return local - mod(local, HOUR_MS) - offsetMs;
}

/** Groups rows by the start (epoch ms) of the local bucket that contains `dateOf(row)`. */
export function groupByBucket<T>(rows: readonly T[], dateOf: (row: T) => Date, interval: Interval, tz: string): Map<number, T[]> {
  assertTimeZone(tz);
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const key = bucketOf(dateOf(row), interval, tz).getTime();
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

export { ROLLUP_SLOT_MS, startOfRollupSlot, startOfUtcHour } from '../../common/time-buckets';
