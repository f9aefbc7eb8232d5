import { IANAZone } from 'luxon';
import { evalExpr } from 'mingo/core';
import * as dateOperators from 'mingo/operators/expression/date';
import type { Options } from 'mingo/types';
import { CommandError } from '../errors';
import { isDocumentValue } from './index-key';

/**
 * Date expression operators with MongoDB's time zone behaviour.
 *
 * mingo 7.2 gets time zones wrong in ways a listening product notices at once: `$dateTrunc` with a
 * `timezone` buckets by the UTC day and then shifts the result (23:00 in São Paulo lands in the next
 * day), `UTC` and three-part zone names such as `America/Argentina/Buenos_Aires` are rejected, and
 * every call formats dates through `toLocaleString` (about 140 µs a document). The extractors and
 * `$dateToString` are right once given a fixed offset, so they receive the zone's offset at that
 * instant; `$dateTrunc` and `$dateFromParts` are computed here on local wall-clock time. Offsets
 * come from luxon's IANAZone, cached per zone and 15-minute slot (transitions fall on quarter hours).
 */

type ExpressionOperator = (obj: Record<string, unknown>, expr: unknown, options: Options) => unknown;

const MINUTE_MS = 60_000;
const SLOT_MS = 15 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;
const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})?$/;
const UTC_NAMES = new Set(['UTC', 'GMT', 'Z', 'Etc/UTC', 'Etc/GMT', 'Etc/Universal', 'Etc/Zulu', 'Universal', 'Zulu']);

type OffsetAt = (epochMs: number) => number;
const zones = new Map<string, OffsetAt>();

function invalidZone(tz: unknown): CommandError {
  return new CommandError(40485, `unrecognized time zone identifier: ${JSON.stringify(tz)}`);
}

/** Returns a function giving the zone's UTC offset in minutes at an instant. */
export function zoneOffset(tz: unknown): OffsetAt {
  if (typeof tz !== 'string') throw invalidZone(tz);
  const known = zones.get(tz);
  if (known) return known;
  let fn: OffsetAt;
  const fixed = OFFSET_RE.exec(tz);
  if (UTC_NAMES.has(tz)) {
    fn = () => 0;
  } else if (fixed) {
    const minutes = (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0)) * (fixed[1] === '-' ? -1 : 1);
    fn = () => minutes;
  } else {
    const zone = IANAZone.create(tz);
    if (!zone.isValid) throw invalidZone(tz);
    const slots = new Map<number, number>();
    fn = (ms) => {
      const slot = Math.floor(ms / SLOT_MS);
      let off = slots.get(slot);
      if (off === undefined) {
        if (slots.size > 200_000) slots.clear();
        off = zone.offset(slot * SLOT_MS);
        slots.set(slot, off);
      }
      return off;
    };
  }
  zones.set(tz, fn);
  return fn;
}

/** The instant whose wall-clock time in the zone is `localMs` (read as if it were UTC). */
export function localToInstant(localMs: number, offsetAt: OffsetAt): number {
  const guess = localMs - offsetAt(localMs) * MINUTE_MS;
  return localMs - offsetAt(guess) * MINUTE_MS;
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** For operators that read one instant: hand mingo the offset the zone has at that instant. */
function withFixedOffset(op: ExpressionOperator): ExpressionOperator {
  return (obj, expr, options) => {
    if (!isDocumentValue(expr) || expr.timezone === undefined) return op(obj, expr, options);
    const tz = evalExpr(obj, expr.timezone, options);
    const date = evalExpr(obj, expr.date, options);
    if (tz === null || tz === undefined || !(date instanceof Date)) {
      return op(obj, { ...expr, date, timezone: undefined }, options);
    }
    const offset = zoneOffset(tz)(date.getTime());
    return op(obj, { ...expr, date, timezone: formatOffset(offset) }, options);
  };
}

const TIME_UNIT_MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
};
const MONTHS_PER_UNIT: Record<string, number> = { month: 1, quarter: 3, year: 12 };
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** MongoDB counts bins from 2000-01-01T00:00 local time (for weeks: the first startOfWeek on or after it). */
const REFERENCE_MS = Date.UTC(2000, 0, 1);

const dateTrunc: ExpressionOperator = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options) as {
    date?: unknown;
    unit?: unknown;
    binSize?: unknown;
    timezone?: unknown;
    startOfWeek?: unknown;
  };
  if (args.date === null || args.date === undefined || args.unit === null || args.unit === undefined) return null;
  if (!(args.date instanceof Date)) {
    throw new CommandError(5439012, "$dateTrunc requires 'date' to be a date");
  }
  const unit = String(args.unit);
  if (!(unit in TIME_UNIT_MS) && !(unit in MONTHS_PER_UNIT)) {
    throw new CommandError(5439014, `$dateTrunc parameter 'unit' value cannot be recognized as a time unit: ${unit}`);
  }
  const binSize = args.binSize === undefined || args.binSize === null ? 1 : Number(args.binSize);
  if (!Number.isInteger(binSize) || binSize <= 0) {
    throw new CommandError(5439017, "$dateTrunc requires 'binSize' to be greater than 0");
  }
  const offsetAt = args.timezone === undefined || args.timezone === null ? () => 0 : zoneOffset(args.timezone);
  const instant = args.date.getTime();
  const local = instant + offsetAt(instant) * MINUTE_MS;

  let truncatedLocal: number;
  if (unit in MONTHS_PER_UNIT) {
    const d = new Date(local);
    const months = (d.getUTCFullYear() - 2000) * 12 + d.getUTCMonth();
    const bin = MONTHS_PER_UNIT[unit] * binSize;
    const start = Math.floor(months / bin) * bin;
    truncatedLocal = Date.UTC(2000 + Math.floor(start / 12), ((start % 12) + 12) % 12, 1);
  } else {
    let reference = REFERENCE_MS;
    if (unit === 'week') {
      const wanted = WEEKDAYS.indexOf(
        String(args.startOfWeek ?? 'sunday')
          .toLowerCase()
          .slice(0, 3),
      );
      if (wanted < 0)
        throw new CommandError(
          5439015,
          `$dateTrunc parameter 'startOfWeek' value cannot be recognized as a day of a week: ${args.startOfWeek}`,
        );
      reference += ((((wanted - new Date(REFERENCE_MS).getUTCDay()) % 7) + 7) % 7) * DAY_MS;
    }
    const width = TIME_UNIT_MS[unit] * binSize;
    truncatedLocal = reference + Math.floor((local - reference) / width) * width;
  }
  if (TIME_UNIT_MS[unit] !== undefined && TIME_UNIT_MS[unit] < DAY_MS) {
    // Within a day the bin starts the same wall-clock distance before the instant, at the same
    // offset; this also keeps the right one of the two 01:30s when clocks fall back.
    return new Date(instant - (local - truncatedLocal));
  }
  return new Date(localToInstant(truncatedLocal, offsetAt));
};

const dateFromParts: ExpressionOperator = (obj, expr, options) => {
  if (!isDocumentValue(expr) || expr.timezone === undefined) return dateOperators.$dateFromParts(obj, expr, options);
  const tz = evalExpr(obj, expr.timezone, options);
  const asUtc = dateOperators.$dateFromParts(obj, { ...expr, timezone: undefined }, options) as Date | null;
  if (tz === null || tz === undefined || !(asUtc instanceof Date)) return asUtc;
  return new Date(localToInstant(asUtc.getTime(), zoneOffset(tz)));
};

const SINGLE_INSTANT_OPERATORS = [
  '$year',
  '$month',
  '$dayOfMonth',
  '$hour',
  '$minute',
  '$second',
  '$millisecond',
  '$dayOfYear',
  '$dayOfWeek',
  '$week',
  '$isoWeek',
  '$isoWeekYear',
  '$isoDayOfWeek',
  '$dateToString',
  '$dateToParts',
] as const;

/** mingo's date operators with the corrections above; merged over mingo's own in the context. */
export const timezoneDateOperators: Record<string, ExpressionOperator> = {
  ...Object.fromEntries(
    SINGLE_INSTANT_OPERATORS.map((name) => [name, withFixedOffset((dateOperators as unknown as Record<string, ExpressionOperator>)[name])]),
  ),
  $dateTrunc: dateTrunc,
  $dateFromParts: dateFromParts,
};
