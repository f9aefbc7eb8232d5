import type { Types } from 'mongoose';
import type { Intent, SentimentLabel } from '../common/labels';
import { ROLLUP_SLOT_MS } from '../common/time-buckets';
import { extractPhrases } from './phrases';
import type { ThemeIncrement } from './theme-rollups.repository';
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
 * Counted once per mention into its slot (per set of scopes, platform and language), then the
 * slots are summed into their hours and days, and scopes with the same mentions share one
 * increment object: a page's mentions share a few slots, so this is a few sums per slot instead
 * of six row updates per mention. Rows come slots first, then hours, then days, in the order
 * their first mention came (the same keys in the same order for the same mentions, whatever their labels).
 */
export function themeIncrements(entries: { row: ThemeMention; topics: Types.ObjectId[] }[], delta = 1): ThemeIncrement[] {
  interface Group {
    workspaceId: Types.ObjectId;
    topics: Types.ObjectId[];
    scopes: string;
    platform: string;
    lang: string;
    slot: Date;
    inc: Record<string, number>;
  }
  const slots = new Map<string, Group>();
  for (const { row, topics } of entries) {
    if (topics.length === 0) continue;
    const cell = labelCell(row.sentiment.label, row.intent);
    const lang = langKey(row.lang);
    const scopes = topics.map(String).join(',');
    const slot = spanStart('slot', row.createdAt);
    const id = `${scopes}|${slot.getTime()}|${row.platform}|${lang}`;
    let g = slots.get(id);
    if (!g) slots.set(id, (g = { workspaceId: row.workspaceId, topics, scopes, platform: row.platform, lang, slot, inc: {} }));
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
  for (const span of ['slot', 'hour', 'day'] as const) {
    // The slots' sums per span row of each set of scopes (a slot row is its slot's own sum).
    const sums = new Map<string, Group>();
    for (const g of slots.values()) {
      const start = spanStart(span, g.slot);
      const id = `${g.scopes}|${start.getTime()}|${g.platform}|${g.lang}`;
      const sum = sums.get(id);
      if (!sum) sums.set(id, { ...g, slot: start, inc: span === 'slot' ? g.inc : { ...g.inc } });
      else for (const path in g.inc) sum.inc[path] = (sum.inc[path] ?? 0) + g.inc[path];
    }
    for (const sum of sums.values()) {
      for (const topicId of sum.topics) {
        const id = `${String(topicId)}|${span}|${sum.slot.getTime()}|${sum.platform}|${sum.lang}`;
        const r = rows.get(id);
        if (!r) {
          const key = { workspaceId: sum.workspaceId, topicId, span, start: sum.slot, platform: sum.platform, lang: sum.lang };
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
