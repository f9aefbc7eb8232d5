import type { SlaClock } from './sla';

/** One message of a case, as far as its clocks are concerned: the customer's (inbound) or the brand's (outbound). */
export interface TimelineMessage {
  direction: 'inbound' | 'outbound';
  at: Date;
}

/** The workspace's targets, in working seconds on its SLA clock. */
export interface SlaTargets {
  firstResponseSeconds: number;
  resolutionSeconds: number;
  abandonmentSeconds: number;
}

export interface CaseSla {
  clock: SlaClock;
  targets: SlaTargets;
}

export interface DueTimes {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  abandonAt: Date;
}

/** Everything about a case that follows from its messages' times. */
export interface CaseTimeline<M extends TimelineMessage = TimelineMessage> {
  /** The customer's earliest message. */
  openedAt: Date;
  inboundCount: number;
  outboundCount: number;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  /** The brand's earliest message at or after `openedAt`. */
  firstResponse: M | null;
  firstResponseAt: Date | null;
  /** The customer's earliest message after the brand's latest one; null when the brand spoke last. */
  awaitingReplySince: Date | null;
}

/** Where a case stands against its due times: each is the due time when missed, else null. */
export interface SlaStanding {
  breachedAt: Date | null;
  abandonedAt: Date | null;
}

export type CaseState<M extends TimelineMessage = TimelineMessage> = CaseTimeline<M> & DueTimes & SlaStanding;

const byTime = <M extends TimelineMessage>(a: M, b: M) => a.at.getTime() - b.at.getTime();

/**
 * A case's clocks from its messages' platform times alone. Networks page newest first and a
 * reply can be collected before the message it answers, so the order in which messages joined
 * the case must not matter: everything here is a function of the set of messages.
 */
export function caseTimeline<M extends TimelineMessage>(messages: readonly M[]): CaseTimeline<M> {
  const sorted = [...messages].sort(byTime);
  const inbound = sorted.filter((m) => m.direction === 'inbound');
  const outbound = sorted.filter((m) => m.direction === 'outbound');
  if (inbound.length === 0) throw new RangeError('a case has at least one customer message');
  const openedAt = inbound[0].at;
  const lastOutboundAt = outbound.length ? outbound[outbound.length - 1].at : null;
  const firstResponse = outbound.find((m) => m.at.getTime() >= openedAt.getTime()) ?? null;
  const waiting = lastOutboundAt ? inbound.find((m) => m.at.getTime() > lastOutboundAt.getTime()) : inbound[0];
  return {
    openedAt,
    inboundCount: inbound.length,
    outboundCount: outbound.length,
    lastInboundAt: inbound[inbound.length - 1].at,
    lastOutboundAt,
    firstResponse,
    firstResponseAt: firstResponse?.at ?? null,
    awaitingReplySince: waiting?.at ?? null,
  };
}

/** Due times: the targets' working time on the SLA clock, counted from the case's opening. */
export function dueTimes(sla: CaseSla, openedAt: Date): DueTimes {
  return {
    firstResponseDueAt: sla.clock.addWorkingSeconds(openedAt, sla.targets.firstResponseSeconds),
    resolutionDueAt: sla.clock.addWorkingSeconds(openedAt, sla.targets.resolutionSeconds),
    abandonAt: sla.clock.addWorkingSeconds(openedAt, sla.targets.abandonmentSeconds),
  };
}

/**
 * Whether the first response came in time. Answered: missed when working time passed between
 * the due time and the response, so an answer sent after hours right after the due time is in
 * time, as `firstResponseSla` (and the SLA compliance KPI) counts it. Unanswered: missed once the
 * due time has passed, as the care scan marks it. Abandonment: no response by the end of the
 * window, as the abandonment KPI counts it.
 */
export function slaStanding(clock: SlaClock, firstResponseAt: Date | null, due: DueTimes, now: Date): SlaStanding {
  const breached = firstResponseAt
    ? clock.workingSecondsBetween(due.firstResponseDueAt, firstResponseAt) > 0
    : due.firstResponseDueAt.getTime() <= now.getTime();
  const abandoned = firstResponseAt ? firstResponseAt.getTime() > due.abandonAt.getTime() : due.abandonAt.getTime() <= now.getTime();
  return { breachedAt: breached ? due.firstResponseDueAt : null, abandonedAt: abandoned ? due.abandonAt : null };
}

/**
 * The whole state: timeline, due times and standing. Due times are fixed when a case opens (a
 * later change of the workspace's targets or business hours does not move them), so `fixed`,
 * the ones stored, are kept unless the case now opens at another instant.
 */
export function caseState<M extends TimelineMessage>(
  messages: readonly M[],
  sla: CaseSla,
  now: Date,
  fixed?: DueTimes & { openedAt: Date },
): CaseState<M> {
  const timeline = caseTimeline(messages);
  const due = fixed && fixed.openedAt.getTime() === timeline.openedAt.getTime() ? pickDue(fixed) : dueTimes(sla, timeline.openedAt);
  return { ...timeline, ...due, ...slaStanding(sla.clock, timeline.firstResponseAt, due, now) };
}

const pickDue = (d: DueTimes): DueTimes => ({
  firstResponseDueAt: d.firstResponseDueAt,
  resolutionDueAt: d.resolutionDueAt,
  abandonAt: d.abandonAt,
});
