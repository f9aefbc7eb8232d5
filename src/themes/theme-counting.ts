import { Types } from 'mongoose';
import type { Intent, SentimentLabel } from '../common/labels';
import { ROLLUP_SLOT_MS } from '../common/time-buckets';
import { extractPhrases } from './phrases';
import type { ThemeIncrement, ThemeRollupRow } from './theme-rollups.repository';
import type { ThemeSpan } from './schemas/theme-rollup.schema';

/** What the themes read of a mention to count it (the text is extracted once per mention and batch). */
export interface ThemeMention {
  workspaceId: Types.ObjectId;
  platform: string;
  createdAt: Date;
  lang: string;
  text?: string;
  sentiment: { label: SentimentLabel };
  intent: Intent;
}

const SENTIMENT_CELL: Record<SentimentLabel, string> = { negative: 'n', neutral: 'u', positive: 'p' };
const INTENT_CELL: Record<Intent, string> = { support: 's', complaint: 'c', question: 'q', lead: 'l', praise: 'p', other: 'o' };

/** The label cell of a sentiment and intent, e.g. negative complaint → `nc`. */
export function labelCell(sentiment: SentimentLabel, intent: Intent): string {
  return `${SENTIMENT_CELL[sentiment]}${INTENT_CELL[intent]}`;
}

export const SPAN_MS: Record<ThemeSpan, number> = { slot: ROLLUP_SLOT_MS, hour: 3_600_000, day: 86_400_000 };

/**
 * The spans kept in `theme_rollups`: UTC hours and days. A report's partial hours at its edges are
 * counted from their mentions (`themeRows`); 15-minute slot rows, kept before, were half the rows
 * and the largest part of the embedded engine's heap (README "Themes").
 */
export const STORED_SPANS: readonly ThemeSpan[] = ['hour', 'day'];

/** The start of the span containing `d` (UTC: every span is a whole number of slots). */
export function spanStart(span: ThemeSpan, d: Date): Date {
  return new Date(Math.floor(d.getTime() / SPAN_MS[span]) * SPAN_MS[span]);
}

/**
 * A key phrase is a field name in a theme row (`p.<phrase>`): the words the engine's update
 * operators cannot take as one (they reach JavaScript's own `Object`) are left out, or a post
 * saying "constructor" would fail its whole batch's theme write, again at every repair.
 */
const UNSTORABLE = new Set(['constructor', 'prototype', '__proto__']);
const storable = (phrase: string): boolean => !UNSTORABLE.has(phrase);

export const langKey = (lang: string) => lang.replace(/[^a-z]/g, '') || 'und';

/**
 * What some mentions add to the theme rollups: per scope, span, platform and language, one count
 * in `m` and one per key phrase in `p`, each in the mention's label cell. `delta` -1 takes a
 * mention's counts back out (a correction moving its labels adds +1 under the new ones).
 *
 * Counted once per mention into its hour (per set of scopes, platform and language), then the
 * hours are summed into their days, and scopes with the same mentions share one increment
 * object: a page's mentions share a few hours, so this is a few sums per hour instead of four row
 * updates per mention. Rows come in the order of `spans` (hours, then days), each in the order
 * their first mention came (the same keys in the same order for the same mentions, whatever their labels).
 */
export function themeIncrements(
  entries: { row: ThemeMention; topics: Types.ObjectId[] }[],
  delta = 1,
  spans: readonly ThemeSpan[] = STORED_SPANS,
): ThemeIncrement[] {
  interface Group {
    workspaceId: Types.ObjectId;
    topics: Types.ObjectId[];
    scopes: string;
    platform: string;
    lang: string;
    start: Date;
    inc: Record<string, number>;
  }
  // The finest span asked for: every other one is a sum of its rows.
  const finest = spans.reduce((a, b) => (SPAN_MS[b] < SPAN_MS[a] ? b : a));
  const groups = new Map<string, Group>();
  for (const { row, topics } of entries) {
    if (topics.length === 0) continue;
    const cell = labelCell(row.sentiment.label, row.intent);
    const lang = langKey(row.lang);
    const scopes = topics.map(String).join(',');
    const start = spanStart(finest, row.createdAt);
    const id = `${scopes}|${start.getTime()}|${row.platform}|${lang}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { workspaceId: row.workspaceId, topics, scopes, platform: row.platform, lang, start, inc: {} }));
    const inc = g.inc;
    const m = `m.${cell}`;
    inc[m] = (inc[m] ?? 0) + delta;
    for (const phrase of extractPhrases(row.text ?? '', row.lang)) {
      if (!storable(phrase)) continue;
      const path = `p.${phrase}.${cell}`;
      inc[path] = (inc[path] ?? 0) + delta;
    }
  }
  const rows = new Map<string, ThemeIncrement & { shared: boolean }>();
  for (const span of spans) {
    // The groups' sums per span row of each set of scopes (a row of the finest span is its group's own sum).
    const sums = new Map<string, Group>();
    for (const g of groups.values()) {
      const start = spanStart(span, g.start);
      const id = `${g.scopes}|${start.getTime()}|${g.platform}|${g.lang}`;
      const sum = sums.get(id);
      if (!sum) sums.set(id, { ...g, start, inc: span === finest ? g.inc : { ...g.inc } });
      else for (const path in g.inc) sum.inc[path] = (sum.inc[path] ?? 0) + g.inc[path];
    }
    for (const sum of sums.values()) {
      for (const topicId of sum.topics) {
        const id = `${String(topicId)}|${span}|${sum.start.getTime()}|${sum.platform}|${sum.lang}`;
        const r = rows.get(id);
        if (!r) {
          const key = { workspaceId: sum.workspaceId, topicId, span, start: sum.start, platform: sum.platform, lang: sum.lang };
          rows.set(id, { key, inc: sum.inc, shared: true });
          continue;
        }
        // Another set of scopes reaches this row too: its own sum, no longer shared.
        if (r.shared) {
          r.inc = { ...r.inc };
          r.shared = false;
        }
        for (const path in sum.inc) r.inc[path] = (r.inc[path] ?? 0) + sum.inc[path];
      }
    }
  }
  return [...rows.values()].map(({ key, inc }) => ({ key, inc }));
}

/**
 * What some mentions' hour rows would hold, counted now (the mentions of a report's partial hours,
 * which no stored row covers alone): the same phrases and label cells as the stored rows, by the
 * same code. Each row is the hour its mentions fall in, per platform and language.
 */
export function themeRows(mentions: readonly ThemeMention[]): ThemeRollupRow[] {
  const scope = [ROW_SCOPE];
  const increments = themeIncrements(
    mentions.map((row) => ({ row, topics: scope })),
    1,
    ['hour'],
  );
  return increments.map(({ key, inc }) => {
    const row: ThemeRollupRow = { start: key.start, span: 'hour', platform: key.platform, lang: key.lang, m: {}, p: {} };
    for (const path in inc) {
      // `m.<cell>` or `p.<phrase>.<cell>`: a cell is two letters and a phrase holds no dot.
      const cell = path.slice(path.lastIndexOf('.') + 1);
      if (path.startsWith('m.')) row.m[cell] = inc[path];
      else (row.p[path.slice(2, path.length - cell.length - 1)] ??= {})[cell] = inc[path];
    }
    return row;
  });
}

/** Any one scope: rows counted by `themeRows` belong to the report that asked for them. */
const ROW_SCOPE = new Types.ObjectId('000000000000000000000000');
