import { bucketStarts, nextBucket } from './buckets';
import { casesOpened, firstResponseSeconds } from './care';
import { openedInRange } from './cases';
import { engagementKpis } from './engagement';
import { mentionVolume, sentimentKpis } from './listening';
import { CaseRow, FollowerSample, inRange, Interval, MentionRollupRow, OwnPostRow, TimeRange } from './rows';
import { DurationSummary, percent, sum, summarizeDurations } from './statistics';

/**
 * docs/KPIS.md, Competitors (`GET /api/v1/reports/share-of-voice`, one row per topic, brand and
 * competitors side by side). Share of voice: each topic's mentions against the mentions of every
 * topic compared, from the rollups alone. A mention matched by two topics counts for each, as it is
 * a mention of both; the shares of the topics compared still sum to 100 %.
 */

export interface TopicVoice {
  mentions: number;
  /** share of voice: mentions / Σ mentions of the topics compared × 100 */
  share: number | null;
  /** positive / mentions × 100 */
  positiveShare: number | null;
  /** negative / mentions × 100 */
  negativeShare: number | null;
  /** (positive − negative) / (positive + negative) × 100 */
  netSentiment: number | null;
  /** support, complaint and question mentions: what public care answers */
  supportMentions: number;
}

/** One topic's voice; `total` is the mentions of every topic compared in the range. */
export function topicVoice(rows: readonly MentionRollupRow[], range: TimeRange, total: number): TopicVoice {
  const mentions = mentionVolume(rows, range);
  const s = sentimentKpis(rows, range);
  const kept = rows.filter((r) => inRange(r.hour, range));
  return {
    mentions,
    share: percent(mentions, total),
    positiveShare: s.positiveShare,
    negativeShare: percent(s.negative, mentions),
    netSentiment: s.net,
    supportMentions: sum(kept.map((r) => r.support + r.complaint + r.question)),
  };
}

/** `share` of every topic: each topic's mentions over their sum, `null` for all when none. */
export function shareOfVoice(rowsByTopic: ReadonlyMap<string, readonly MentionRollupRow[]>, range: TimeRange): Map<string, TopicVoice> {
  const totals = new Map([...rowsByTopic].map(([id, rows]) => [id, mentionVolume(rows, range)]));
  const total = sum([...totals.values()]);
  return new Map([...rowsByTopic].map(([id, rows]) => [id, topicVoice(rows, range, total)]));
}

export interface OwnPostsEngagement {
  posts: number;
  /** Σ likes / posts */
  applauseRate: number | null;
  /** Σ (reposts + quotes) / posts whose share count is known */
  amplificationRate: number | null;
  /** Σ replies / posts */
  conversationRate: number | null;
  /** Σ (likes + shares + replies) / Σ impressions × 100, over posts whose impressions are known */
  engagementRate: number | null;
}

/** Engagement on the topic's own posts: the brand's engagement KPIs (src/reports/kpis/engagement.ts) on its posts. */
export function ownPostsEngagement(
  posts: readonly OwnPostRow[],
  followers: readonly FollowerSample[],
  range: TimeRange,
): OwnPostsEngagement {
  const e = engagementKpis(posts, followers, range);
  return {
    posts: e.posts,
    applauseRate: e.applauseRate,
    amplificationRate: e.amplificationRate,
    conversationRate: e.conversationRate,
    engagementRate: e.engagementRate,
  };
}

export interface VoicePoint {
  /** start of the local bucket, ISO 8601 UTC */
  t: string;
  /** mentions per topic id in the bucket */
  mentions: Record<string, number>;
  /** share of voice per topic id in the bucket; `null` for all when the bucket had no mention */
  share: Record<string, number | null>;
}

/**
 * Share of voice per local hour or day of `tz` over `range` (rollup slots grouped by the local
 * bucket containing their start, see MentionRollupRow); the first and last buckets are cut to the range.
 */
export function shareOfVoiceSeries(
  rowsByTopic: ReadonlyMap<string, readonly MentionRollupRow[]>,
  range: TimeRange,
  interval: Interval,
  tz: string,
  maxBuckets?: number,
): VoicePoint[] {
  const starts = bucketStarts(range.from, range.to, interval, tz, maxBuckets);
  const ends = starts.map((start) => nextBucket(start, interval, tz));
  const grouped = new Map([...rowsByTopic].map(([id, rows]) => [id, inBuckets(rows, starts, ends)]));
  return starts.map((start, i) => {
    const end = ends[i];
    const bucket = { from: start < range.from ? range.from : start, to: end > range.to ? range.to : end };
    const rows = new Map([...grouped].map(([id, groups]) => [id, groups[i]]));
    const voices = shareOfVoice(rows, bucket);
    return {
      t: start.toISOString(),
      mentions: Object.fromEntries([...voices].map(([id, v]) => [id, v.mentions])),
      share: Object.fromEntries([...voices].map(([id, v]) => [id, v.share])),
    };
  });
}

/**
 * The rows of each consecutive bucket (`starts[i]` to `ends[i]`), by where their slot starts:
 * `groupByBucket` without asking the time zone once per row (a 30-day daily series groups
 * thousands of slots per topic), since the buckets are known.
 */
function inBuckets(rows: readonly MentionRollupRow[], starts: readonly Date[], ends: readonly Date[]): MentionRollupRow[][] {
  const groups: MentionRollupRow[][] = starts.map(() => []);
  if (starts.length === 0) return groups;
  const first = starts[0].getTime();
  const last = ends[ends.length - 1].getTime();
  for (const r of rows) {
    const t = r.hour.getTime();
    if (t < first || t >= last) continue;
    // the last bucket starting at or before t
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid].getTime() <= t) lo = mid;
      else hi = mid - 1;
    }
    groups[lo].push(r);
  }
  return groups;
}

export interface PublicCareKpis {
  /** cases opened in range */
  cases: number;
  /** of those, cases with a public response */
  answered: number;
  /** answered / cases × 100 */
  replyRate: number | null;
  /** first response − opening, seconds, wall-clock, over answered cases opened in range */
  firstResponse: DurationSummary;
}

/**
 * `publicCare.*` of one topic from its case rows (the brand's cases on public networks, or a
 * competitor's public cases rebuilt by src/competitors/public-care.ts): the care KPIs' own
 * functions (`casesOpened`, `firstResponse`) with no SLA clock, so every topic is measured in
 * wall-clock time.
 */
export function publicCareKpis(cases: readonly CaseRow[], range: TimeRange): PublicCareKpis {
  const opened = casesOpened(cases, range);
  const answered = openedInRange(cases, range).filter((c) => c.firstResponseAt !== null).length;
  return {
    cases: opened,
    answered,
    replyRate: percent(answered, opened),
    firstResponse: wallClockSummary(firstResponseSeconds(cases, range)),
  };
}

/**
 * `summarizeDurations` of the values in ascending order: the mean's sum then adds them in the same
 * order whatever order the cases or slots were read in, so every source of public care (case rows,
 * public care slots, care rollups) gives the very same figures.
 */
function wallClockSummary(seconds: number[]): DurationSummary {
  return summarizeDurations(seconds.sort((a, b) => a - b));
}

/** A competitor's public care counted in one 15-minute slot (src/competitors/public-care.ts, `slotCounts`). */
export interface PublicCareSlotCounts {
  slot: Date;
  opened: number;
  answered: number;
  firstResponseSeconds: readonly number[];
}

/**
 * `publicCare.*` of a competitor from its slots starting in range: the same figures as
 * `publicCareKpis` over its public cases (a case counts in the slot of its opening, so a range
 * boundary falls on a 15-minute mark, as in the listening KPIs); the first response times are kept
 * exactly in the slots, so the median and p90 are exact too.
 */
export function publicCareFromSlots(slots: readonly PublicCareSlotCounts[], range: TimeRange): PublicCareKpis {
  let cases = 0;
  let answered = 0;
  const seconds: number[] = [];
  for (const s of slots) {
    if (!inRange(s.slot, range)) continue;
    cases += s.opened;
    answered += s.answered;
    for (const v of s.firstResponseSeconds) seconds.push(v);
  }
  return { cases, answered, replyRate: percent(answered, cases), firstResponse: wallClockSummary(seconds) };
}

/** What the brand's public care reads of a care rollup row (src/common/care-rollup.ts): `slot` is the row's start. */
export interface CareRollupPublicCounts {
  slot: Date;
  opened: number;
  /** The wall-clock first response of each answered case opened there. */
  frWall: readonly number[];
}

/**
 * The brand's `publicCare.*` from its care rollups, without its case rows: `rollups` hold the
 * slots wholly in range (slot, hour and day rows, each counting the support cases opened there and
 * keeping their wall-clock first responses exactly), `edges` the cases opened in the parts of a
 * slot the range cuts at either end. The same figures as `publicCareKpis` over the cases opened in
 * range (a case is answered when it has a first response; the median and p90 are exact), for a
 * range on any instant; the caller leaves private channels out of both, as of the rows.
 */
export function publicCareFromCareRollups(
  rollups: readonly CareRollupPublicCounts[],
  edges: readonly CaseRow[],
  range: TimeRange,
): PublicCareKpis {
  const slots: PublicCareSlotCounts[] = rollups.map((r) => ({
    slot: r.slot,
    opened: r.opened,
    answered: r.frWall.length,
    firstResponseSeconds: r.frWall,
  }));
  for (const c of openedInRange(edges, range)) {
    // a case as a slot of its own, starting at its opening
    const seconds = firstResponseSeconds([c], range);
    slots.push({ slot: c.openedAt, opened: 1, answered: seconds.length, firstResponseSeconds: seconds });
  }
  return publicCareFromSlots(slots, range);
}
