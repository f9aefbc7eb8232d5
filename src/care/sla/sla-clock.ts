import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * The business-hours clock that SLA timers run on: with business hours on, only working time
 * counts (docs/KPIS.md, SLA compliance). Local times are resolved with luxon in the workspace's IANA
 * zone, so a working day is right across DST changes: 09:00-18:00 is 9 hours of real time on the
 * day clocks change, and a shift that spans the change is as long as it really is.
 *
 * - Schedule keys are ISO weekdays `1` (Monday) … `7` (Sunday) or `mon` … `sun`.
 * - Times are local `HH:mm`; `end` may be `24:00`. An `end` earlier than `start` is an overnight
 *   shift (22:00-06:00 ends at 06:00 the next day); it belongs to the day it starts, so a holiday
 *   on that day cancels the whole shift and a holiday on the next day does not shorten it.
 *   Overlapping periods count once.
 * - A local time that does not exist (clocks jumped over it) is moved forward by the gap, as luxon
 *   does: a shift starting at 02:30 on the spring-forward night starts at 03:30.
 * - Holidays are local dates `YYYY-MM-DD`: no shift starts on them.
 *
 * The clock walks day by day (never minute by minute): a span of n days costs O(n), and each
 * local day's working spans are computed once per clock and remembered (10,000 cases with a
 * 3-day wait and a due time take ≈ 0.4 s).
 */

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

const periodSchema = z.object({
  start: z.string().regex(TIME, 'start must be HH:mm (00:00 … 23:59)'),
  end: z.string().regex(TIME, 'end must be HH:mm (00:00 … 24:00)'),
});

const weekdayKey = z.union([z.enum(['1', '2', '3', '4', '5', '6', '7']), z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])]);

export const slaClockConfigSchema = z.object({
  timezone: z.string().refine((tz) => IANAZone.isValidZone(tz), { message: 'timezone must be an IANA zone name' }),
  businessHours: z
    .object({
      enabled: z.boolean(),
      schedule: z.record(z.string(), z.array(periodSchema)),
      holidays: z
        .array(
          z
            .string()
            .regex(LOCAL_DATE, 'holidays must be YYYY-MM-DD')
            .refine((d) => DateTime.fromISO(d, { zone: 'utc' }).isValid, { message: 'holiday is not a calendar date' }),
        )
        .optional(),
    })
    .optional(),
});

export type WorkingPeriod = z.infer<typeof periodSchema>;
export type SlaClockConfig = z.infer<typeof slaClockConfigSchema>;

/** A working period in minutes after the local midnight of its day; `end` > 1440 runs overnight. */
interface DailyPeriod {
  startMinute: number;
  endMinute: number;
}

interface Span {
  start: number;
  end: number;
}

/** How many days in a row without working time the clock walks before deciding none will come. */
const MAX_EMPTY_DAYS = 3700;
const DAY_MS = 86_400_000;
/** Days of working spans a clock remembers; a report touches a few hundred. */
const CACHE_DAYS = 20_000;

export class SlaClock {
  readonly timezone: string;
  readonly businessHoursEnabled: boolean;
  /** Index 1 … 7 = Monday … Sunday. */
  private readonly weekly: DailyPeriod[][];
  private readonly holidays: ReadonlySet<string>;
  private readonly zone: IANAZone;
  /** Working spans per local day (keyed by the UTC-encoded date, see `localDay`). */
  private readonly daySpans = new Map<number, Span[]>();

  constructor(config: SlaClockConfig) {
    const parsed = slaClockConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(`invalid SLA clock config at "${issue.path.map(String).join('.')}": ${issue.message}`);
    }
    const { timezone, businessHours } = parsed.data;
    this.timezone = timezone;
    this.zone = IANAZone.create(timezone);
    this.businessHoursEnabled = businessHours?.enabled ?? false;
    this.weekly = Array.from({ length: 8 }, () => [] as DailyPeriod[]);
    this.holidays = new Set(businessHours?.holidays ?? []);
    if (!businessHours) return;
    for (const [key, periods] of Object.entries(businessHours.schedule)) {
      const day = weekdayKey.safeParse(key.toLowerCase());
      if (!day.success) {
        throw new RangeError(`invalid SLA clock config at "businessHours.schedule.${key}": weekday must be 1-7 or mon … sun`);
      }
      const weekday = /^\d$/.test(day.data) ? Number(day.data) : DAY_NAMES.indexOf(day.data as (typeof DAY_NAMES)[number]) + 1;
      for (const period of periods) this.weekly[weekday].push(toDailyPeriod(period, key));
    }
    if (this.businessHoursEnabled && this.weekly.every((periods) => periods.length === 0)) {
      throw new RangeError('invalid SLA clock config at "businessHours.schedule": business hours are on but no day has working time');
    }
  }

  /** A clock that counts all time (business hours off). */
  static allTime(timezone = 'UTC'): SlaClock {
    return new SlaClock({ timezone });
  }

  /** Working seconds in `[a, b)`; all of it when business hours are off; 0 when `b` ≤ `a`. */
  workingSecondsBetween(a: Date, b: Date): number {
    const start = a.getTime();
    const end = b.getTime();
    if (end <= start) return 0;
    if (!this.businessHoursEnabled) return (end - start) / 1000;
    let total = 0;
    for (const span of this.spansFrom(this.localDay(a) - DAY_MS)) {
      if (span.start >= end) break;
      total += Math.max(0, Math.min(span.end, end) - Math.max(span.start, start));
    }
    return total / 1000;
  }

  /**
   * The instant at which `seconds` of working time after `start` have elapsed: the SLA due time.
   * It lands on the end of a working period rather than the start of the next one when the
   * budget runs out exactly at closing time.
   */
  addWorkingSeconds(start: Date, seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`seconds must be a finite number ≥ 0, got ${seconds}`);
    if (!this.businessHoursEnabled) return new Date(start.getTime() + seconds * 1000);
    if (seconds === 0) return new Date(start.getTime());
    const from = start.getTime();
    let remaining = seconds * 1000;
    for (const span of this.spansFrom(this.localDay(start) - DAY_MS)) {
      if (span.end <= from) continue;
      const begin = Math.max(span.start, from);
      const available = span.end - begin;
      if (available >= remaining) return new Date(begin + remaining);
      remaining -= available;
    }
    throw new RangeError(`no working time found within ${MAX_EMPTY_DAYS} days after ${start.toISOString()}`);
  }

  /** Whether `d` falls in working time (always, when business hours are off). */
  isWorkingTime(d: Date): boolean {
    if (!this.businessHoursEnabled) return true;
    const t = d.getTime();
    for (const span of this.spansFrom(this.localDay(d) - DAY_MS)) {
      if (span.start > t) return false;
      if (t < span.end) return true;
    }
    return false;
  }

  /**
   * The local date containing `d`, encoded as the epoch ms of that date's UTC midnight, so that
   * walking dates is plain arithmetic (UTC days are all 24 h long).
   */
  private localDay(d: Date): number {
    const local = d.getTime() + this.zone.offset(d.getTime()) * 60_000;
    return Math.floor(local / DAY_MS) * DAY_MS;
  }

  /**
   * Working time as merged, chronological spans (epoch ms), starting with the shifts of
   * `firstDay` (a UTC-encoded local date); callers stop the walk. It ends by itself only after
   * MAX_EMPTY_DAYS days in a row without working time (a list of holidays that long).
   */
  private *spansFrom(firstDay: number): Generator<Span> {
    let pending: Span | null = null;
    let emptyDays = 0;
    for (let day = firstDay; ; day += DAY_MS) {
      const spans = this.spansOfDay(day);
      emptyDays = spans.length === 0 ? emptyDays + 1 : 0;
      if (emptyDays > MAX_EMPTY_DAYS) {
        if (pending) yield pending;
        return;
      }
      for (const span of spans) {
        if (pending && span.start <= pending.end) {
          pending.end = Math.max(pending.end, span.end);
          continue;
        }
        if (pending) yield pending;
        pending = { ...span };
      }
      // Nothing on a later day starts before this day's spans, except an overnight tail; holding
      // the last span until the next day is enough to merge them.
      if (pending && spans.length === 0) {
        yield pending;
        pending = null;
      }
    }
  }

  /** The shifts that start on one local date (UTC-encoded), as real instants, sorted. */
  private spansOfDay(day: number): Span[] {
    const cached = this.daySpans.get(day);
    if (cached) return cached;
    const date = new Date(day);
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    const spans = this.holidays.has(date.toISOString().slice(0, 10))
      ? []
      : this.weekly[weekday]
          .map((p) => ({ start: this.instant(day, p.startMinute), end: this.instant(day, p.endMinute) }))
          .filter((span) => span.end > span.start)
          .sort((x, y) => x.start - y.start);
    if (this.daySpans.size >= CACHE_DAYS) this.daySpans.clear();
    this.daySpans.set(day, spans);
    return spans;
  }

  /** The instant of local wall time `minute` minutes after the start of `day` (may be next day). */
  private instant(day: number, minute: number): number {
    const date = new Date(day + Math.floor(minute / 1440) * DAY_MS);
    const inDay = minute % 1440;
    return DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(inDay / 60),
        minute: inDay % 60,
      },
      { zone: this.zone },
    ).toMillis();
  }
}

function toDailyPeriod(period: WorkingPeriod, key: string): DailyPeriod {
  const startMinute = toMinutes(period.start);
  let endMinute = toMinutes(period.end);
  if (startMinute === 1440) throw new RangeError(`invalid SLA clock config at "businessHours.schedule.${key}": start cannot be 24:00`);
  if (endMinute === startMinute) {
    throw new RangeError(`invalid SLA clock config at "businessHours.schedule.${key}": ${period.start}-${period.end} is empty`);
  }
  if (endMinute < startMinute) endMinute += 1440;
  return { startMinute, endMinute };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}
