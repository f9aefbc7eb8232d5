import { MentionCounterRow, MentionRollupRow } from './rows';

const LABELS = ['positive', 'negative', 'neutral'] as const;
const INTENTS = ['support', 'complaint', 'question', 'lead', 'praise', 'other'] as const;

/**
 * Folds stored rollup counters (one per hour × platform × language × sentiment × intent) into one
 * MentionRollupRow per bucket start, so a plain `find` on `mention_rollups` feeds every listening
 * KPI. A label or intent outside the known ones still counts in `count`.
 */
export function hourlyRollups(counters: readonly MentionCounterRow[]): MentionRollupRow[] {
  const byHour = new Map<number, MentionRollupRow>();
  for (const c of counters) {
    const key = c.hour.getTime();
    let row = byHour.get(key);
    if (!row) {
      row = { hour: new Date(key), count: 0, positive: 0, negative: 0, neutral: 0, scoreSum: 0, support: 0, complaint: 0, question: 0, lead: 0, praise: 0, other: 0 };
      byHour.set(key, row);
    }
    row.count += c.count;
    row.scoreSum += c.scoreSum;
    const label = LABELS.find((l) => l === c.sentiment);
    if (label) row[label] += c.count;
    const intent = INTENTS.find((i) => i === c.intent);
    if (intent) row[intent] = (row[intent] ?? 0) + c.count;
  }
  return [...byHour.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime());
}
