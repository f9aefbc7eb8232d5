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
 */
export function themeIncrements(entries: { row: ThemeMention; topics: Types.ObjectId[] }[], delta = 1): ThemeIncrement[] {
  const rows = new Map<string, ThemeIncrement>();
  for (const { row, topics } of entries) {
    if (topics.length === 0) continue;
    const cell = labelCell(row.sentiment.label, row.intent);
    // The field paths are built once per mention, not once per scope and span (six or more times).
    const paths = [
      `m.${cell}`,
      ...extractPhrases(row.text ?? '', row.lang)
        .filter(storable)
        .map((phrase) => `p.${phrase}.${cell}`),
    ];
    const lang = langKey(row.lang);
    const topicIds = topics.map(String);
    for (const span of ['slot', 'hour', 'day'] as const) {
      const start = spanStart(span, row.createdAt);
      const tail = `|${span}|${start.getTime()}|${row.platform}|${lang}`;
      for (let i = 0; i < topics.length; i++) {
        const id = topicIds[i] + tail;
        let r = rows.get(id);
        if (!r)
          rows.set(
            id,
            (r = { key: { workspaceId: row.workspaceId, topicId: topics[i], span, start, platform: row.platform, lang }, inc: {} }),
          );
        const inc = r.inc;
        for (const path of paths) inc[path] = (inc[path] ?? 0) + delta;
      }
    }
  }
  return [...rows.values()];
}
