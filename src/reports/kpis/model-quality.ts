import { INTENTS, SENTIMENT_LABELS } from '../../enrichment/enrichment.types';
import type { Intent, SentimentLabel } from '../../enrichment/enrichment.types';

/**
 * How good the sentiment and intent models are on this workspace's own posts, measured on the
 * mentions agents reviewed: the model's label (kept when an agent corrects it) against the agent's.
 * An agent who sets the label the model gave confirms it, and that counts on the diagonal.
 */

export type { CorrectionRow, LabelReview } from '../../common/rows';
import type { CorrectionRow, LabelReview } from '../../common/rows';

export interface ClassQuality {
  /** Of the reviewed mentions the model gave this label, the share the agents kept; null when it gave it to none. */
  precision: number | null;
  /** Of the reviewed mentions the agents gave this label, the share the model had found; null when there are none. */
  recall: number | null;
  /** 2·TP / (2·TP + FP + FN); null when the label is on neither side. */
  f1: number | null;
  /** Reviewed mentions the model gave this label. */
  predicted: number;
  /** Reviewed mentions the agents gave this label. */
  corrected: number;
}

export interface LabelQuality<L extends string> {
  /** Reviewed mentions (the agents' corrections and confirmations). */
  corrections: number;
  /** Of those, the ones whose label the agents changed. */
  changed: number;
  /** Share of reviewed mentions whose label the model had right; null without reviews. */
  accuracy: number | null;
  /** Mean F1 over the labels present on either side; null without reviews. */
  macroF1: number | null;
  /** `confusion[predicted][corrected]`: reviewed mentions per model label and agent label. */
  confusion: Record<L, Record<L, number>>;
  perClass: Record<L, ClassQuality>;
}

export interface ModelQuality {
  sentiment: LabelQuality<SentimentLabel>;
  intent: LabelQuality<Intent>;
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** Confusion matrix, per-class precision, recall and F1, and macro-F1 of one label set. */
export function labelQuality<L extends string>(labels: readonly L[], reviews: readonly LabelReview<L>[]): LabelQuality<L> {
  const zeros = () => Object.fromEntries(labels.map((l) => [l, 0])) as Record<L, number>;
  const confusion = Object.fromEntries(labels.map((l) => [l, zeros()])) as Record<L, Record<L, number>>;
  let changed = 0;
  for (const r of reviews) {
    // A label outside the set (an old model's) cannot be placed in the matrix, so it is not counted.
    if (!(r.predicted in confusion) || !(r.corrected in confusion)) continue;
    confusion[r.predicted][r.corrected] += 1;
    if (r.predicted !== r.corrected) changed += 1;
  }
  const total = labels.reduce((sum, p) => sum + labels.reduce((s, c) => s + confusion[p][c], 0), 0);
  const perClass = {} as Record<L, ClassQuality>;
  const f1s: number[] = [];
  let agreed = 0;
  for (const l of labels) {
    const tp = confusion[l][l];
    agreed += tp;
    const predicted = labels.reduce((s, c) => s + confusion[l][c], 0);
    const corrected = labels.reduce((s, p) => s + confusion[p][l], 0);
    const f1 = ratio(2 * tp, predicted + corrected);
    if (f1 !== null) f1s.push(f1);
    perClass[l] = { precision: ratio(tp, predicted), recall: ratio(tp, corrected), f1, predicted, corrected };
  }
  return {
    corrections: total,
    changed,
    accuracy: ratio(agreed, total),
    macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : null,
    confusion,
    perClass,
  };
}

/** Sentiment and intent quality over the reviewed mentions of a period. */
export function modelQuality(rows: readonly CorrectionRow[]): ModelQuality {
  return {
    sentiment: labelQuality(
      SENTIMENT_LABELS,
      rows.flatMap((r) => (r.sentiment ? [r.sentiment] : [])),
    ),
    intent: labelQuality(
      INTENTS,
      rows.flatMap((r) => (r.intent ? [r.intent] : [])),
    ),
  };
}
