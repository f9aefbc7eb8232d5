import { INTENTS, type Intent, type SentimentLabel } from '../common/labels';
import { labelCell, SPAN_MS } from './theme-counting';
import type { SpanRange, ThemeRollupRow } from './theme-rollups.repository';
import type { LabelCells } from './schemas/theme-rollup.schema';

/**
 * The themes report (issue #19) as pure functions over theme rollup rows; README "Themes" has the
 * method in prose.
 */

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

/** What a report period reads: stored rows for its whole hours and days, mentions for the rest. */
export interface RangeCover {
  /** Whole UTC days in the middle, whole UTC hours beside them. */
  spans: SpanRange[];
  /** The partial hours at the edges, [from, to) exactly, at most two and together under two hours. */
  edges: { from: Date; to: Date }[];
}

/**
 * The fewest rollup rows that cover [from, to), and the stretches they cannot: a 90-day range
 * reads about 90 day rows and 46 hour rows per platform and language, and the mentions of the
 * partial hours at its two ends.
 */
export function coverRange(from: Date, to: Date): RangeCover {
  const a = from.getTime();
  const b = to.getTime();
  if (a >= b) return { spans: [], edges: [] };
  const h1 = ceilTo(a, SPAN_MS.hour);
  const h2 = floorTo(b, SPAN_MS.hour);
  if (h1 >= h2) return { spans: [], edges: [{ from, to }] };
  const range = (span: SpanRange['span'], x: number, y: number): SpanRange[] =>
    x < y ? [{ span, from: new Date(x), to: new Date(y) }] : [];
  const edges = [...(a < h1 ? [{ from, to: new Date(h1) }] : []), ...(h2 < b ? [{ from: new Date(h2), to }] : [])];
  const d1 = ceilTo(h1, SPAN_MS.day);
  const d2 = floorTo(h2, SPAN_MS.day);
  if (d1 >= d2) return { spans: range('hour', h1, h2), edges };
  return { spans: [...range('hour', h1, d1), ...range('day', d1, d2), ...range('hour', d2, h2)], edges };
}

export interface LabelFilter {
  sentiment?: SentimentLabel;
  intent?: Intent;
}

/** The label cells a filter keeps (all 18 without one). */
export function cellsOf(filter: LabelFilter): Set<string> {
  const sentiments: SentimentLabel[] = filter.sentiment ? [filter.sentiment] : ['negative', 'neutral', 'positive'];
  const intents: readonly Intent[] = filter.intent ? [filter.intent] : INTENTS;
  return new Set(sentiments.flatMap((s) => intents.map((i) => labelCell(s, i))));
}

export interface PhraseTotals {
  mentions: number;
  cells: LabelCells;
  /** The latest row counting the phrase: where examples are looked for when the newest mentions have none. */
  lastStart: number;
  lastEnd: number;
}

export interface PeriodTotals {
  mentions: number;
  phrases: Map<string, PhraseTotals>;
}

/** Sums rows into the period's mentions and each phrase's, keeping only the filter's cells. */
export function sumRows(rows: readonly ThemeRollupRow[], filter: LabelFilter = {}): PeriodTotals {
  const keep = cellsOf(filter);
  const all = keep.size === 18;
  const phrases = new Map<string, PhraseTotals>();
  let mentions = 0;
  // for…in over the rows' plain objects: Object.entries would allocate a pair per phrase and cell.
  for (const row of rows) {
    const m = row.m ?? {};
    for (const cell in m) if (all || keep.has(cell)) mentions += m[cell];
    const start = row.start.getTime();
    const end = start + SPAN_MS[row.span];
    const p = row.p ?? {};
    for (const phrase in p) {
      const cells = p[phrase];
      let t = phrases.get(phrase);
      for (const cell in cells) {
        const n = cells[cell];
        if (!n || !(all || keep.has(cell))) continue;
        if (!t) phrases.set(phrase, (t = { mentions: 0, cells: {}, lastStart: start, lastEnd: end }));
        t.mentions += n;
        t.cells[cell] = (t.cells[cell] ?? 0) + n;
      }
      if (t && start > t.lastStart) {
        t.lastStart = start;
        t.lastEnd = end;
      }
    }
  }
  for (const [phrase, t] of phrases) if (t.mentions <= 0) phrases.delete(phrase);
  return { mentions, phrases };
}

/** Whether `short` is `long`'s words in a row (a hashtag contains nothing). */
export function containsPhrase(long: string, short: string): boolean {
  if (long === short || long.startsWith('#') || short.startsWith('#')) return false;
  return ` ${long} `.includes(` ${short} `);
}

/**
 * Merges variants: a phrase inside a longer one with nearly the same count (the longer has at
 * least `ratio` of the shorter's mentions, default 0.8) is the same theme said in full, so only
 * the longest is kept and the others are listed as its variants ("pix", "pix fora", "fora do ar"
 * → "pix fora do ar"). Plurals and accents were merged when counting (phrases.ts). `counts` is
 * sorted by count, largest first; only phrases of the first `pool` take part.
 */
export function mergeVariants(counts: [string, number][], ratio = 0.8): { phrase: string; variants: string[] }[] {
  const byLength = [...counts].sort((a, b) => b[0].split(' ').length - a[0].split(' ').length || b[1] - a[1]);
  const absorbedBy = new Map<string, string>();
  for (let i = 0; i < byLength.length; i++) {
    const [short, n] = byLength[i];
    for (let j = 0; j < i; j++) {
      const [long, m] = byLength[j];
      if (absorbedBy.has(long) || m < ratio * n || !containsPhrase(long, short)) continue;
      absorbedBy.set(short, long);
      break;
    }
  }
  const variants = new Map<string, string[]>();
  for (const [short, long] of absorbedBy) variants.set(long, [...(variants.get(long) ?? []), short]);
  return counts.filter(([p]) => !absorbedBy.has(p)).map(([phrase]) => ({ phrase, variants: variants.get(phrase) ?? [] }));
}

export const EMERGING_MIN_MENTIONS = 10;
export const EMERGING_MIN_Z = 3;

export interface EmergingTest {
  /** Standard score of the current count against its expectation under equal rates; null when undefined. */
  z: number | null;
  emerging: boolean;
}

/**
 * The conditional binomial test of two Poisson rates: if a phrase's rate per mention were the
 * same in both periods, of its `current + previous` mentions the current period would hold a
 * binomial share p0 = currentTotal / (currentTotal + previousTotal). z = (current − k·p0) /
 * √(k·p0·(1 − p0)) with k = current + previous. Emerging: z ≥ 3 (one-sided p ≈ 0.001, strict
 * because many phrases are tested at once) and at least 10 mentions now. Undefined (null, not
 * emerging) when either period has no mentions at all: nothing to compare with.
 */
export function emergingTest(
  current: number,
  previous: number,
  currentTotal: number,
  previousTotal: number,
  opts: { minMentions?: number; minZ?: number } = {},
): EmergingTest {
  const k = current + previous;
  if (currentTotal <= 0 || previousTotal <= 0 || k <= 0) return { z: null, emerging: false };
  const p0 = currentTotal / (currentTotal + previousTotal);
  const z = (current - k * p0) / Math.sqrt(k * p0 * (1 - p0));
  return { z, emerging: current >= (opts.minMentions ?? EMERGING_MIN_MENTIONS) && z >= (opts.minZ ?? EMERGING_MIN_Z) };
}

const percentOf = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1000) / 10 : null);

export interface ThemeStats {
  phrase: string;
  variants: string[];
  mentions: number;
  /** % of the period's mentions (matching the same filters); null when the period has none. */
  share: number | null;
  previous: { mentions: number; share: number | null };
  /** (now − before) / before × 100; null when the previous period had none. */
  change: number | null;
  emerging: boolean;
  z: number | null;
  sentiment: Record<SentimentLabel, number>;
  topIntents: { intent: Intent; mentions: number }[];
}

const SENTIMENT_OF: Record<string, SentimentLabel> = { n: 'negative', u: 'neutral', p: 'positive' };
const INTENT_OF: Record<string, Intent> = Object.fromEntries(INTENTS.map((i) => [labelCell('neutral', i).slice(1), i]));

export function themeStats(phrase: string, variants: string[], now: PeriodTotals, before: PeriodTotals): ThemeStats {
  const t = now.phrases.get(phrase);
  const mentions = t?.mentions ?? 0;
  const prev = before.phrases.get(phrase)?.mentions ?? 0;
  const sentiment: Record<SentimentLabel, number> = { negative: 0, neutral: 0, positive: 0 };
  const intents = new Map<Intent, number>();
  for (const [cell, n] of Object.entries(t?.cells ?? {})) {
    sentiment[SENTIMENT_OF[cell[0]]] += n;
    const intent = INTENT_OF[cell[1]];
    intents.set(intent, (intents.get(intent) ?? 0) + n);
  }
  const test = emergingTest(mentions, prev, now.mentions, before.mentions);
  return {
    phrase,
    variants,
    mentions,
    share: percentOf(mentions, now.mentions),
    previous: { mentions: prev, share: percentOf(prev, before.mentions) },
    change: prev > 0 ? Math.round(((mentions - prev) / prev) * 1000) / 10 : null,
    emerging: test.emerging,
    z: test.z === null ? null : Math.round(test.z * 100) / 100,
    sentiment,
    topIntents: [...intents]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([intent, n]) => ({ intent, mentions: n })),
  };
}

/** Phrases considered for merging and listing: the most mentioned, plus every one that passes the test. */
const POOL = 400;

/** The period's top themes by mentions, and its emerging ones by z, each at most `limit`. */
export function rankThemes(now: PeriodTotals, before: PeriodTotals, limit: number): { top: ThemeStats[]; emerging: ThemeStats[] } {
  const counts = [...now.phrases]
    .map(([p, t]) => [p, t.mentions] as [string, number])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const pool = counts.slice(0, POOL);
  const inPool = new Set(pool.map(([p]) => p));
  for (const c of counts.slice(POOL)) {
    if (c[1] < EMERGING_MIN_MENTIONS) break;
    if (emergingTest(c[1], before.phrases.get(c[0])?.mentions ?? 0, now.mentions, before.mentions).emerging && !inPool.has(c[0]))
      pool.push(c);
  }
  const stats = mergeVariants(pool).map(({ phrase, variants }) => themeStats(phrase, variants, now, before));
  return {
    top: stats.slice(0, limit),
    emerging: stats
      .filter((s) => s.emerging)
      .sort((a, b) => (b.z ?? 0) - (a.z ?? 0))
      .slice(0, limit),
  };
}

export interface ThemeShift {
  phrase: string;
  variants: string[];
  window: { mentions: number; share: number | null };
  baseline: { mentions: number; share: number | null };
  /** Share now minus share in the baseline, in percentage points. */
  shareChange: number;
  z: number | null;
}

/** Mentions a phrase needs in the window (or, to have shrunk, in the baseline) to be named. */
export const SHIFT_MIN_MENTIONS = 3;

/**
 * What a window talked about more and less than its baseline: each phrase's share of the
 * window's mentions against its share of the baseline's, ranked by the change in percentage
 * points (a raw count would favour what is always said; a ratio, what was never said before).
 */
export function explainShift(window: PeriodTotals, baseline: PeriodTotals, limit: number): { grew: ThemeShift[]; shrank: ThemeShift[] } {
  const names = new Set([...window.phrases.keys(), ...baseline.phrases.keys()]);
  const counts = [...names]
    .map((p) => [p, Math.max(window.phrases.get(p)?.mentions ?? 0, baseline.phrases.get(p)?.mentions ?? 0)] as [string, number])
    .filter(([, n]) => n >= SHIFT_MIN_MENTIONS)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, POOL * 2);
  const shifts = mergeVariants(counts).map(({ phrase, variants }): ThemeShift => {
    const w = window.phrases.get(phrase)?.mentions ?? 0;
    const b = baseline.phrases.get(phrase)?.mentions ?? 0;
    const ws = window.mentions > 0 ? (w / window.mentions) * 100 : 0;
    const bs = baseline.mentions > 0 ? (b / baseline.mentions) * 100 : 0;
    const z = emergingTest(w, b, window.mentions, baseline.mentions).z;
    return {
      phrase,
      variants,
      window: { mentions: w, share: percentOf(w, window.mentions) },
      baseline: { mentions: b, share: percentOf(b, baseline.mentions) },
      shareChange: Math.round((ws - bs) * 10) / 10,
      z: z === null ? null : Math.round(z * 100) / 100,
    };
  });
  return {
    grew: shifts
      .filter((s) => s.shareChange > 0 && s.window.mentions >= SHIFT_MIN_MENTIONS)
      .sort((a, b) => b.shareChange - a.shareChange || b.window.mentions - a.window.mentions)
      .slice(0, limit),
    shrank: shifts
      .filter((s) => s.shareChange < 0 && s.baseline.mentions >= SHIFT_MIN_MENTIONS)
      .sort((a, b) => a.shareChange - b.shareChange || b.baseline.mentions - a.baseline.mentions)
      .slice(0, limit),
  };
}
