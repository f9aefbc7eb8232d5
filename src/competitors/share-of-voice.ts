import {
  bucketStarts,
  engagementKpis,
  groupByBucket,
  inRange,
  mentionVolume,
  nextBucket,
  percent,
  sentimentKpis,
  sum,
  type FollowerSample,
  type Interval,
  type MentionRollupRow,
  type OwnPostRow,
  type TimeRange,
} from '../reports/kpis';

/**
 * Share of voice (docs/KPIS.md, "Competitors"): each topic's mentions against the mentions of every
 * topic compared, from the rollups alone. A mention matched by two topics counts for each, as it is
 * a mention of both; the shares of the topics compared still sum to 100 %.
 */

export interface TopicVoice {
  mentions: number;
  /** mentions / Σ mentions of the topics compared × 100 */
  shareOfVoice: number | null;
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
    shareOfVoice: percent(mentions, total),
    positiveShare: s.positiveShare,
    negativeShare: percent(s.negative, mentions),
    netSentiment: s.net,
    supportMentions: sum(kept.map((r) => r.support + r.complaint + r.question)),
  };
}

/** `shareOfVoice` of every topic: each topic's mentions over their sum, `null` for all when none. */
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
  const grouped = new Map([...rowsByTopic].map(([id, rows]) => [id, groupByBucket(rows, (r) => r.hour, interval, tz)]));
  return bucketStarts(range.from, range.to, interval, tz, maxBuckets).map((start) => {
    const end = nextBucket(start, interval, tz);
    const bucket = { from: start < range.from ? range.from : start, to: end > range.to ? range.to : end };
    const rows = new Map([...grouped].map(([id, groups]) => [id, groups.get(start.getTime()) ?? []]));
    const voices = shareOfVoice(rows, bucket);
    return {
      t: start.toISOString(),
      mentions: Object.fromEntries([...voices].map(([id, v]) => [id, v.mentions])),
      share: Object.fromEntries([...voices].map(([id, v]) => [id, v.shareOfVoice])),
    };
  });
}
