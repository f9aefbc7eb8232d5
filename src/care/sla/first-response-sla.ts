import { SlaClock } from './sla-clock';

/** The default first-response target: every post and message answered within two hours (docs/KPIS.md, "Customer care"). */
export const DEFAULT_FIRST_RESPONSE_TARGET_SECONDS = 2 * 3600;

export type SlaStatus = 'met' | 'breached' | 'pending';

export interface FirstResponseSla {
  status: SlaStatus;
  /** When the target's working time runs out (opened + target on the clock). */
  dueAt: Date;
  /** Working seconds from opening to the first response, or to `now` while unanswered. */
  workingSeconds: number;
}

/**
 * Where a case stands against its first-response target (docs/KPIS.md, SLA compliance: met = answered
 * within target; with business hours on, only working time counts).
 *
 * Met means at most `targetSeconds` of working time passed before the first response, so an
 * answer sent after hours right after the due time (no working time elapsed since) still meets the
 * target. For the same reason an unanswered case is breached only once more than the target of
 * working time has passed, never earlier: a case never flips from breached back to met.
 */
export function firstResponseSla(
  clock: SlaClock,
  openedAt: Date,
  firstResponseAt: Date | null,
  now: Date,
  targetSeconds = DEFAULT_FIRST_RESPONSE_TARGET_SECONDS,
): FirstResponseSla {
  const dueAt = clock.addWorkingSeconds(openedAt, targetSeconds);
  if (firstResponseAt) {
    const workingSeconds = clock.workingSecondsBetween(openedAt, firstResponseAt);
    return { status: workingSeconds <= targetSeconds ? 'met' : 'breached', dueAt, workingSeconds };
  }
  const workingSeconds = clock.workingSecondsBetween(openedAt, now);
  return { status: workingSeconds > targetSeconds ? 'breached' : 'pending', dueAt, workingSeconds };
}
