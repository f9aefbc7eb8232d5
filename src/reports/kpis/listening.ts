import { DateTime } from 'luxon';
import { localHourStart, offsetLookup, ROLLUP_SLOT_MS } from './buckets';
import { inRange, MentionRollupRow, TimeRange } from './rows';
import { percent, ratio, sum } from './statistics';

/** docs/KPIS.md, Listening. Rollup rows are mentions only: owned accounts' posts are never mentions. */

export interface SentimentKpis {
  positive: number;
  negative: number;
  neutral: number;
  /** positive / mentions × 100 */
  positiveShare: number | null;
  /** (positive − negative) / (positive + negative) × 100, −100 … 100 */
  net: number | null;
  /** mean normalised score, −1 … 1 */
  meanScore: number | null;
}

export interface PeakHour {
  /** Start of the local hour, ISO 8601 with the zone's offset, e.g. `2024-03-11T15:00:00.000+05:30`. */
  hour: string;
  count: number;
}

export interface ListeningKpis {
  volume: { mentions: number; byPlatform: Record<string, number> };
  sentiment: SentimentKpis;
  support: { inbound: number; peakHour: PeakHour | null };
}

/**
 * Inbound support messages of a bucket: mentions with intent `support`, `complaint` or `question`
 * (docs/KPIS.md, "Listening"), plus every message on a private care channel (WhatsApp), which is support by nature.
 */
export function inboundOf(row: MentionRollupRow): number {
  return row.support + row.complaint + row.question + (row.privateInbound ?? 0);
}

/** `volume.mentions`: mentions whose platform `createdAt` is in range. */
export function mentionVolume(rows: readonly MentionRollupRow[], range: TimeRange): number {
  return sum(within(rows, range).map((r) => r.count));
}

/**
 * `volume.byPlatform.<platform>`: the mentions of `volume.mentions` by network, every network of
 * `platforms` present (0 when it had none), so share of voice per network reads off one report.
 */
export function mentionsByPlatform(
  rows: readonly MentionRollupRow[],
  range: TimeRange,
  platforms: readonly string[],
): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(platforms.map((p) => [p, 0]));
  for (const r of within(rows, range)) for (const [p, n] of Object.entries(r.byPlatform ?? {})) if (p in out) out[p] += n;
  return out;
}

/** Talkwalker's net sentiment: (positive − negative) / (positive + negative) × 100. */
export function netSentiment(positive: number, negative: number): number | null {
  return percent(positive - negative, positive + negative);
}

/** `sentiment.*`: counts by label, positive share, net sentiment and mean score. */
export function sentimentKpis(rows: readonly MentionRollupRow[], range: TimeRange): SentimentKpis {
  const kept = within(rows, range);
  const mentions = sum(kept.map((r) => r.count));
  const positive = sum(kept.map((r) => r.positive));
  const negative = sum(kept.map((r) => r.negative));
  const neutral = sum(kept.map((r) => r.neutral));
  return {
    positive,
    negative,
    neutral,
    positiveShare: percent(positive, mentions),
    net: netSentiment(positive, negative),
    meanScore: ratio(sum(kept.map((r) => r.scoreSum)), mentions),
  };
}

/** `support.inbound`: mentions with intent support, complaint or question. */
export function inboundSupport(rows: readonly MentionRollupRow[], range: TimeRange): number {
  return sum(within(rows, range).map(inboundOf));
}

/**
 * `support.peakHour`: the local hour (in `tz`) with the most inbound support mentions; the earliest
 * on a tie; `null` when there were none. Rollup buckets are summed into the local hour that
 * contains their start, so in Asia/Kolkata the hour 15:00-16:00 IST collects the buckets from
 * 09:30Z to 10:30Z (see MentionRollupRow on bucket size).
 */
export function peakSupportHour(rows: readonly MentionRollupRow[], range: TimeRange, tz: string): PeakHour | null {
  const offsetAt = offsetLookup(tz, range.from, range.to);
  const byHour = new Map<number, number>();
  const add = (ms: number, n: number) => {
    const start = localHourStart(ms, offsetAt(ms));
    byHour.set(start, (byHour.get(start) ?? 0) + n);
  };
  for (const r of within(rows, range)) {
    const slots = r.inboundBySlot;
    if (!slots) add(r.hour.getTime(), inboundOf(r));
    // An hour or day row: each of its slots falls in the local hour that contains it.
    else for (const i in slots) add(r.hour.getTime() + Number(i) * ROLLUP_SLOT_MS, slots[i]);
  }
  let best: { start: number; count: number } | null = null;
  for (const [start, count] of byHour) {
    if (count === 0) continue;
    if (!best || count > best.count || (count === best.count && start < best.start)) best = { start, count };
  }
  if (!best) return null;
  return { hour: DateTime.fromMillis(best.start, { zone: tz }).toISO()!, count: best.count };
}

/** With `peakHour: false` the peak hour is left null (the overview's previous period: it has no trend). */
export function listeningKpis(
  rows: readonly MentionRollupRow[],
  range: TimeRange,
  tz: string,
  platforms: readonly string[] = [],
  options: { peakHour?: boolean } = {},
): ListeningKpis {
  return {
    volume: { mentions: mentionVolume(rows, range), byPlatform: mentionsByPlatform(rows, range, platforms) },
    sentiment: sentimentKpis(rows, range),
    support: { inbound: inboundSupport(rows, range), peakHour: options.peakHour === false ? null : peakSupportHour(rows, range, tz) },
  };
}

function within(rows: readonly MentionRollupRow[], range: TimeRange): MentionRollupRow[] {
  return rows.filter((r) => inRange(r.hour, range));
}
