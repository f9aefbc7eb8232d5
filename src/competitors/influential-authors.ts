import { SENTIMENT_LABELS, type SentimentLabel } from '../common/labels';

/** What one query groups per (network, author, sentiment label) of a range's mentions. */
export interface AuthorLabelTotals {
  platform: string;
  authorId: string;
  label: string;
  handle: string;
  name: string | null;
  followers: number | null;
  mentions: number;
  likes: number;
  reposts: number;
  quotes: number;
  replies: number;
}

export interface InfluentialAuthor {
  platform: string;
  authorId: string;
  handle: string;
  name: string | null;
  /** the largest follower count their mentions carried; `null` where the network gives none */
  followers: number | null;
  mentions: number;
  /** likes + reposts + quotes + replies their mentions earned (latest collected metrics) */
  engagement: number;
  sentiment: Record<SentimentLabel, number>;
}

export const AUTHOR_SORTS = ['reach', 'engagement', 'mentions'] as const;
export type AuthorSort = (typeof AUTHOR_SORTS)[number];

/** Folds the per-label groups into one row per author (network + the network's author id). */
export function foldAuthors(groups: readonly AuthorLabelTotals[]): InfluentialAuthor[] {
  const out = new Map<string, InfluentialAuthor>();
  for (const g of groups) {
    const k = `${g.platform}\n${g.authorId}`;
    const a = out.get(k) ?? {
      platform: g.platform,
      authorId: g.authorId,
      handle: g.handle,
      name: g.name ?? null,
      followers: null,
      mentions: 0,
      engagement: 0,
      sentiment: Object.fromEntries(SENTIMENT_LABELS.map((l) => [l, 0])) as Record<SentimentLabel, number>,
    };
    a.mentions += g.mentions;
    a.engagement += (g.likes ?? 0) + (g.reposts ?? 0) + (g.quotes ?? 0) + (g.replies ?? 0);
    if (typeof g.followers === 'number') a.followers = Math.max(a.followers ?? 0, g.followers);
    if ((SENTIMENT_LABELS as readonly string[]).includes(g.label)) a.sentiment[g.label as SentimentLabel] += g.mentions;
    out.set(k, a);
  }
  return [...out.values()];
}

/**
 * The top `limit` authors by reach (followers; an author whose network gives none ranks last),
 * engagement earned or mentions; ties broken by mentions, then handle, so the order is stable.
 */
export function rankAuthors(authors: readonly InfluentialAuthor[], sort: AuthorSort, limit: number): InfluentialAuthor[] {
  const value = (a: InfluentialAuthor) => (sort === 'reach' ? (a.followers ?? -1) : sort === 'engagement' ? a.engagement : a.mentions);
  return [...authors].sort((a, b) => value(b) - value(a) || b.mentions - a.mentions || a.handle.localeCompare(b.handle)).slice(0, limit);
}
