import { Injectable } from '@nestjs/common';
import type { Types } from 'mongoose';
import type { RollupGuard } from '../mentions/rollup-guard';
import type { Intent, SentimentLabel } from '../common/labels';
import { themeIncrements, type ThemeMention } from './theme-counting';
import { ThemeRollupsRepository, type ThemeIncrement } from './theme-rollups.repository';

/**
 * Keeps the theme rollups in step with the mention rollups: the rollup outbox calls `countCombined`
 * with the same guards and the same mentions' increments (normal path and crash repair alike), and a label
 * correction calls `moveOnce` with its own guard (its lane write).
 */
@Injectable()
export class ThemeCounter {
  constructor(private readonly rollups: ThemeRollupsRepository) {}

  /**
   * One write's increments (`themeIncrements` of its mentions), or several at once (the outbox's
   * group commit), each under its own guard: one update per row.
   */
  countCombined(writes: { guard: RollupGuard; increments: ThemeIncrement[] }[]): Promise<void> {
    return this.rollups.incrementCombined(writes);
  }

  /** Moves one mention's phrase counts from its old labels to its new ones, in every scope that counted it. */
  async moveOnce(
    guard: RollupGuard,
    mention: ThemeMention,
    topics: Types.ObjectId[],
    from: { sentiment: SentimentLabel; intent: Intent },
    to: { sentiment: SentimentLabel; intent: Intent },
  ): Promise<void> {
    if (from.sentiment === to.sentiment && from.intent === to.intent) return;
    const out = themeIncrements([{ row: { ...mention, sentiment: { label: from.sentiment }, intent: from.intent }, topics }], -1);
    const into = themeIncrements([{ row: { ...mention, sentiment: { label: to.sentiment }, intent: to.intent }, topics }]);
    // Same keys in the same order: merge each row's two halves into one guarded update.
    await this.rollups.incrementExistingOnce(
      guard,
      out.map((o, i) => ({ key: o.key, inc: { ...o.inc, ...into[i].inc } })),
    );
  }
}
