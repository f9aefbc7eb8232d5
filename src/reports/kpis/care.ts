import { DEFAULT_FIRST_RESPONSE_TARGET_SECONDS, firstResponseSla, SlaClock } from '../../care/sla';
import { isOpen, openedInRange, resolvedInRange } from './cases';
import { CaseRow, TimeRange } from './rows';
import { DurationSummary, mean, percent, secondsBetween, summarizeDurations } from './statistics';

/**
 * docs/KPIS.md, Customer care on social (support team). Durations are in seconds; every function takes
 * `now` explicitly so a report is reproducible. Given a clock with business hours on, only working
 * time counts toward every duration (first response, resolution) and window (SLA, abandonment),
 * as docs/KPIS.md, "Customer care" defines; without one (or with business hours off) durations are wall-clock.
 */

export const DEFAULT_ABANDONMENT_WINDOW_SECONDS = 24 * 3600;
/** A particularly long wait makes an outlier; docs/KPIS.md ("Outlier cases") puts the bar at 3 × target. */
export const OUTLIER_TARGET_MULTIPLE = 3;
export const OUTLIER_REASSIGNMENTS = 2;

export interface ServiceOptions {
  /** The workspace's SLA clock; default: all time counts. */
  clock?: SlaClock;
  /** First-response target in working seconds; default 2 h. */
  firstResponseTargetSeconds?: number;
  /** Seconds (on the clock) without a brand response after which a case is abandoned; default 24 h. */
  abandonmentWindowSeconds?: number;
}

export interface UnansweredCase {
  caseId: string;
  platform: string;
  assignee: string | null;
  team: string | null;
  /** The customer message the brand has not answered yet (the oldest such one when known). */
  waitingSince: Date;
  waitingSeconds: number;
}

export type OutlierReason = 'slowFirstResponse' | 'reassigned';

export interface OutlierCase {
  caseId: string;
  reasons: OutlierReason[];
  answered: boolean;
  /** Working seconds to the first response, or to `now` while unanswered. */
  firstResponseWorkingSeconds: number;
  reassignments: number;
}

export interface ServiceKpis {
  casesOpened: number;
  firstResponse: DurationSummary;
  slaCompliance: number | null;
  resolution: DurationSummary;
  abandonmentRate: number | null;
  fcr: number | null;
  contactsPerResolution: number | null;
  unanswered: UnansweredCase[];
  outliers: OutlierCase[];
}

/** `service.casesOpened`. */
export function casesOpened(cases: readonly CaseRow[], range: TimeRange): number {
  return openedInRange(cases, range).length;
}

/**
 * Seconds between two instants: working seconds on the clock when one is given (docs/KPIS.md, "Customer care": with
 * business hours on, only working time counts toward every duration), else wall-clock.
 */
function durationSeconds(start: Date, end: Date, clock?: SlaClock): number {
  return Math.max(0, clock ? clock.workingSecondsBetween(start, end) : secondsBetween(start, end));
}

/** First brand response − case opened, over cases opened in range that have a response. */
export function firstResponseSeconds(cases: readonly CaseRow[], range: TimeRange, clock?: SlaClock): number[] {
  return openedInRange(cases, range)
    .filter((c) => c.firstResponseAt !== null)
    .map((c) => durationSeconds(c.openedAt, c.firstResponseAt!, clock));
}

/** `service.firstResponse.{mean,median,p90}`; percentiles by linear interpolation (see `percentile`). */
export function firstResponse(cases: readonly CaseRow[], range: TimeRange, clock?: SlaClock): DurationSummary {
  return summarizeDurations(firstResponseSeconds(cases, range, clock));
}

/**
 * `service.slaCompliance`: met / eligible × 100. Eligible: opened in range and either answered or
 * past its due time at `now` (more than the target of working time elapsed, see
 * `firstResponseSla`); met: answered within the target of working time.
 */
export function slaCompliance(cases: readonly CaseRow[], range: TimeRange, now: Date, options: ServiceOptions = {}): number | null {
  const { clock, target } = settings(options);
  let eligible = 0;
  let met = 0;
  for (const c of openedInRange(cases, range)) {
    const status = firstResponseSla(clock, c.openedAt, c.firstResponseAt, now, target).status;
    if (status === 'pending') continue;
    eligible += 1;
    if (status === 'met') met += 1;
  }
  return percent(met, eligible);
}

/** Resolved − opened over cases resolved in range, once each at the last resolution. */
export function resolutionSeconds(cases: readonly CaseRow[], range: TimeRange, clock?: SlaClock): number[] {
  return resolvedInRange(cases, range).map((c) => durationSeconds(c.openedAt, c.resolvedAt!, clock));
}

/** `service.resolution.{mean,median,p90}`. */
export function resolution(cases: readonly CaseRow[], range: TimeRange, clock?: SlaClock): DurationSummary {
  return summarizeDurations(resolutionSeconds(cases, range, clock));
}

/**
 * `service.abandonmentRate`: abandoned / eligible × 100 over cases opened in range. Eligible: the
 * case was answered, or its window has elapsed at `now`, or it was closed as abandoned. Abandoned:
 * closed as abandoned, or no brand response within the window (still unanswered once it elapsed,
 * or answered only after it), so the number does not wait for a job to close the case.
 */
export function abandonmentRate(cases: readonly CaseRow[], range: TimeRange, now: Date, options: ServiceOptions = {}): number | null {
  const windowSeconds = options.abandonmentWindowSeconds ?? DEFAULT_ABANDONMENT_WINDOW_SECONDS;
  let eligible = 0;
  let abandoned = 0;
  for (const c of openedInRange(cases, range)) {
    // The window runs on the SLA clock (working time only when business hours are on).
    const windowEnd = (
      options.clock ? options.clock.addWorkingSeconds(c.openedAt, windowSeconds) : new Date(c.openedAt.getTime() + windowSeconds * 1000)
    ).getTime();
    const answered = c.firstResponseAt !== null;
    if (!answered && c.abandonedAt === null && windowEnd > now.getTime()) continue;
    eligible += 1;
    const answeredInWindow = answered && c.firstResponseAt!.getTime() <= windowEnd;
    if (c.abandonedAt !== null || !answeredInWindow) abandoned += 1;
  }
  return percent(abandoned, eligible);
}

/**
 * `service.fcr`: resolved cases with exactly one brand response and no reopen / resolved cases
 * × 100, over cases resolved in range. A reopen shows as `reopenCount` > 0 or a second
 * resolution; either one disqualifies the case.
 */
export function firstContactResolution(cases: readonly CaseRow[], range: TimeRange): number | null {
  const resolved = resolvedInRange(cases, range);
  const firstContact = resolved.filter((c) => c.outboundCount === 1 && c.reopenCount === 0 && c.resolutions.length <= 1);
  return percent(firstContact.length, resolved.length);
}

/** `service.contactsPerResolution`: mean inbound customer messages per case resolved in range. */
export function contactsPerResolution(cases: readonly CaseRow[], range: TimeRange): number | null {
  return mean(resolvedInRange(cases, range).map((c) => c.inboundCount));
}

/** Whether the case's last message is the customer's (docs/KPIS.md, "Unanswered now"). */
export function isAwaitingReply(c: CaseRow): boolean {
  if (c.lastInboundAt === null) return false;
  return c.lastOutboundAt === null || c.lastInboundAt.getTime() > c.lastOutboundAt.getTime();
}

/**
 * `service.unanswered`: open (or pending) cases whose last message is the customer's, longest
 * wait first.
 * The wait runs from `awaitingReplySince` when the case keeps it; from opening when the brand
 * never answered; else from the last customer message (a lower bound). Wall-clock, live at `now`.
 */
export function unansweredCases(cases: readonly CaseRow[], now: Date): UnansweredCase[] {
  return cases
    .filter((c) => isOpen(c) && isAwaitingReply(c))
    .map((c) => {
      const waitingSince = c.awaitingReplySince ?? (c.lastOutboundAt === null ? c.openedAt : c.lastInboundAt!);
      return {
        caseId: c.caseId,
        platform: c.platform,
        assignee: c.assignee,
        team: c.team,
        waitingSince,
        waitingSeconds: Math.max(0, secondsBetween(waitingSince, now)),
      };
    })
    .sort((a, b) => b.waitingSeconds - a.waitingSeconds || a.caseId.localeCompare(b.caseId));
}

/**
 * Outliers (docs/KPIS.md, "Outlier cases") among cases opened in range: first response above
 * 3 × target of working time (an unanswered case qualifies once its wait exceeds that), or
 * 2 or more reassignments. Slowest first.
 */
export function outlierCases(cases: readonly CaseRow[], range: TimeRange, now: Date, options: ServiceOptions = {}): OutlierCase[] {
  const { clock, target } = settings(options);
  const outliers: OutlierCase[] = [];
  for (const c of openedInRange(cases, range)) {
    const answered = c.firstResponseAt !== null;
    const working = clock.workingSecondsBetween(c.openedAt, c.firstResponseAt ?? now);
    const reasons: OutlierReason[] = [];
    if (working > OUTLIER_TARGET_MULTIPLE * target) reasons.push('slowFirstResponse');
    if (c.reassignments.length >= OUTLIER_REASSIGNMENTS) reasons.push('reassigned');
    if (reasons.length > 0) {
      outliers.push({ caseId: c.caseId, reasons, answered, firstResponseWorkingSeconds: working, reassignments: c.reassignments.length });
    }
  }
  return outliers.sort((a, b) => b.firstResponseWorkingSeconds - a.firstResponseWorkingSeconds || a.caseId.localeCompare(b.caseId));
}

export function serviceKpis(cases: readonly CaseRow[], range: TimeRange, now: Date, options: ServiceOptions = {}): ServiceKpis {
  return {
    casesOpened: casesOpened(cases, range),
    firstResponse: firstResponse(cases, range, options.clock),
    slaCompliance: slaCompliance(cases, range, now, options),
    resolution: resolution(cases, range, options.clock),
    abandonmentRate: abandonmentRate(cases, range, now, options),
    fcr: firstContactResolution(cases, range),
    contactsPerResolution: contactsPerResolution(cases, range),
    unanswered: unansweredCases(cases, now),
    outliers: outlierCases(cases, range, now, options),
  };
}

function settings(options: ServiceOptions): { clock: SlaClock; target: number } {
  return {
    clock: options.clock ?? SlaClock.allTime(),
    target: options.firstResponseTargetSeconds ?? DEFAULT_FIRST_RESPONSE_TARGET_SECONDS,
  };
}
