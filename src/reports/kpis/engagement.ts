import { FollowerSample, inRange, OwnPostRow, TimeRange } from './rows';
import { percent, ratio, sum } from './statistics';

/**
 * docs/KPIS.md, Engagement of the brand's own posts: over own posts published in range, with their
 * latest collected metrics. Rates are per post (Avinash Kaushik).
 */

export interface EngagementKpis {
  posts: number;
  /** Σ likes / posts */
  applauseRate: number | null;
  /** Σ (reposts + quotes) / posts whose share count is known (null when none is: Instagram) */
  amplificationRate: number | null;
  /** Σ replies / posts */
  conversationRate: number | null;
  /** applause rate / followers × 1000 */
  applausePer1kFollowers: number | null;
  /** amplification rate / followers × 1000 */
  amplificationPer1kFollowers: number | null;
  /** Σ (likes + shares + replies) / Σ impressions × 100 */
  engagementRate: number | null;
}

/** Reposts and quotes, or null where the network exposes no share count (Instagram). */
export function sharesOf(post: OwnPostRow): number | null {
  return post.reposts === null ? null : post.reposts + post.quotes;
}

const knownShares = (posts: readonly OwnPostRow[]) => posts.filter((p) => p.reposts !== null);

/**
 * The account's follower count closest to `to` (before or after; the earlier one on a tie), or
 * `null` when the account has no sample.
 */
export function followersAt(samples: readonly FollowerSample[], accountId: string, to: Date): number | null {
  let best: FollowerSample | null = null;
  let bestDistance = Infinity;
  for (const sample of samples) {
    if (sample.accountId !== accountId) continue;
    const distance = Math.abs(sample.at.getTime() - to.getTime());
    if (distance < bestDistance || (distance === bestDistance && best && sample.at < best.at)) {
      best = sample;
      bestDistance = distance;
    }
  }
  return best ? best.followers : null;
}

/**
 * `engagement.*`.
 *
 * Per 1,000 followers, with several owned accounts: each post is divided by its own account's
 * followers (the count closest to `to`), then averaged over posts:
 * Σ (likes_i / followers_i) / posts × 1000. With one account this is exactly docs/KPIS.md's
 * "rate / followers × 1000"; with several it does not dilute a small account's posts by a big
 * account's audience, which summing followers would. Posts of an account without a follower
 * sample (or with 0 followers) are left out of both sides; `null` when no post has one.
 *
 * Engagement rate counts only posts whose impressions are known, in both the numerator and the
 * denominator, so a post without impressions neither inflates nor dilutes it; `null` when no
 * post's impressions are known (or they sum to 0).
 */
export function engagementKpis(posts: readonly OwnPostRow[], followerSamples: readonly FollowerSample[], range: TimeRange): EngagementKpis {
  const kept = posts.filter((p) => inRange(p.publishedAt, range));
  const count = kept.length;

  const followersByAccount = new Map<string, number | null>();
  for (const accountId of new Set(kept.map((p) => p.accountId))) {
    followersByAccount.set(accountId, followersAt(followerSamples, accountId, range.to));
  }
  const withFollowers = kept.filter((p) => (followersByAccount.get(p.accountId) ?? 0) > 0);
  const perFollower = (metric: (p: OwnPostRow) => number, among = withFollowers) =>
    ratio(sum(among.map((p) => metric(p) / followersByAccount.get(p.accountId)!)), among.length);

  const withImpressions = kept.filter((p) => p.impressions !== null);
  const interactions = sum(withImpressions.map((p) => p.likes + (sharesOf(p) ?? 0) + p.replies));
  const shared = knownShares(kept);

  return {
    posts: count,
    applauseRate: ratio(sum(kept.map((p) => p.likes)), count),
    amplificationRate: ratio(sum(shared.map((p) => sharesOf(p)!)), shared.length),
    conversationRate: ratio(sum(kept.map((p) => p.replies)), count),
    applausePer1kFollowers: thousandfold(perFollower((p) => p.likes)),
    amplificationPer1kFollowers: thousandfold(perFollower((p) => sharesOf(p)!, knownShares(withFollowers))),
    engagementRate: percent(interactions, sum(withImpressions.map((p) => p.impressions!))),
  };
}

function thousandfold(value: number | null): number | null {
  return value === null ? null : value * 1000;
}
