import type { Types } from 'mongoose';
import type { Intent, SentimentLabel } from '../../common/labels';

/** An agent's review of one label of a mention. */
export interface LabelCorrection<L extends string> {
  /** The agent's label (the mention's label now). */
  label: L;
  /** The model's label, from the first review on: a second correction never overwrites it. */
  predicted: L;
  /** The API key that made the latest review. */
  by: string;
  at: Date;
}

export interface MentionLabels {
  sentiment: SentimentLabel;
  intent: Intent;
}

/**
 * A correction whose follow-through (rollup counts, cases) is not finished yet: written with the
 * new labels in one update, cleared once done, so a process that dies in between leaves it for the
 * repair, which applies the rollup move exactly once (guarded by its lane write, `rollup-guard.ts`).
 */
export interface PendingCorrection {
  id: Types.ObjectId;
  /** The writer lane and sequence number guarding its rollup move (absent: from before lanes, guarded by `id`). */
  lane?: string;
  seq?: number;
  at: Date;
  from: MentionLabels;
  to: MentionLabels;
  by: string;
}

/** Stored on the mention beside the prediction (`Mention.correction`). */
export interface MentionCorrection {
  sentiment?: LabelCorrection<SentimentLabel>;
  intent?: LabelCorrection<Intent>;
  /** The latest review of either label (model-quality and the corrections export select by it). */
  at: Date;
  /** Bumped by every review: a review is written only over the state it was decided on. */
  seq: number;
  pending?: PendingCorrection | null;
}

/** What the API shows of the reviews: the pending follow-through and the version counter are internal. */
export interface CorrectionView {
  sentiment?: LabelCorrection<SentimentLabel>;
  intent?: LabelCorrection<Intent>;
  at: Date;
}

export function correctionView(c: MentionCorrection | null | undefined): CorrectionView | null {
  if (!c) return null;
  return { ...(c.sentiment ? { sentiment: c.sentiment } : {}), ...(c.intent ? { intent: c.intent } : {}), at: c.at };
}
