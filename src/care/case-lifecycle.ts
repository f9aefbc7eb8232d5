import { SUPPORT_INTENTS, type Intent } from '../common/labels';
import { caseState, dueTimes, type CaseSla } from './case-timeline';
import type { CaseMessage, CaseNotSupport, CaseReassignment, CaseStatus } from './schemas/case.schema';

/**
 * The case rules, over plain values: each function reads a case as it stands and returns the
 * update it takes (or the refusal), which the services apply and store. Nothing here reads or
 * writes the database, so every transition is testable on its own (case-lifecycle.spec.ts).
 *
 *   (none) --support message--> open --our answer--> pending --customer writes--> open
 *   open|pending --resolve--> resolved --customer writes in the conversation, within the window--> open
 *   open|pending --scan: unanswered past the abandonment window--> abandoned --late answer found--> open
 *   any --messages corrected away from support--> not_support --corrected back--> previous status
 */

/** A customer writing again in the same conversation this soon after a resolution reopens the case. */
export const REOPEN_WINDOW_MS = 7 * 24 * 3600_000;
/** A collected brand reply this close to an API-recorded one without a post id is the same reply. */
export const SAME_REPLY_WINDOW_MS = 15 * 60_000;
/** An action's time may run this far ahead of the server's clock. */
export const FUTURE_TOLERANCE_MS = 60_000;
export const OPEN_STATUSES: readonly CaseStatus[] = ['open', 'pending'];

export const isSupportRequest = (intent: string): boolean => SUPPORT_INTENTS.includes(intent as Intent);

/** The stored fields the rules read and write (a `Case` without its ids). */
export interface CaseFields {
  status: CaseStatus;
  intent: string;
  sentiment: string | null;
  openedAt: Date;
  messages: CaseMessage[];
  externalIds: string[];
  conversationIds: string[];
  inboundCount: number;
  outboundCount: number;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  awaitingReplySince: Date | null;
  firstResponseAt: Date | null;
  firstResponder: string | null;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  abandonAt: Date;
  breachedAt: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutions: Date[];
  reopenCount: number;
  lastReopenedAt: Date | null;
  abandonedAt: Date | null;
  assignee: string | null;
  team: string | null;
  assignedAt: Date | null;
  routingKeyword: string | null;
  reassignments: CaseReassignment[];
  notSupport: CaseNotSupport | null;
}

export type CaseUpdate = Partial<CaseFields>;

// ---- placing a customer message ---------------------------------------------------------------

export interface IncomingMessage {
  intent: string;
  conversationId: string | null;
  at: Date;
}

/**
 * Whether the customer's case found not closed (CasesRepository.holding) takes a message written
 * at `m.at`, the same whatever order the messages are collected in (networks page newest first):
 * - written after the case opened: unless the case was left unanswered past its abandonment
 *   window, which abandoned it at the window's end (as abandonOnScan marks it and the abandonment
 *   KPI counts it), whether or not the scan has run yet: a collection stores days of history at once;
 * - written before the case opened: only a support request, which would have opened a case the
 *   later opener then joined, i.e. one whose abandonment window had not ended at the case's
 *   opening. Anything else found no case open when written: it must not move the opening back.
 * A message the case does not take starts afresh: a new case, or nothing if it is no request,
 * instead of a stale case whose later answer would count as its first response days late.
 */
export function holdsMessage(
  c: Pick<CaseFields, 'status' | 'openedAt' | 'firstResponseAt' | 'abandonAt'>,
  m: Pick<IncomingMessage, 'intent' | 'at'>,
  sla: CaseSla,
): boolean {
  if (m.at.getTime() < c.openedAt.getTime()) {
    return isSupportRequest(m.intent) && c.openedAt.getTime() <= dueTimes(sla, m.at).abandonAt.getTime();
  }
  return !(OPEN_STATUSES.includes(c.status) && !c.firstResponseAt && c.abandonAt.getTime() < m.at.getTime());
}

/** Only a new request in a known conversation may reopen a resolved case; a "thank you" does not. */
export function mayReopen(m: IncomingMessage): boolean {
  return !!m.conversationId && isSupportRequest(m.intent);
}

/** The earliest resolution a message at `at` can still reopen. */
export const reopenWindowStart = (at: Date): Date => new Date(at.getTime() - REOPEN_WINDOW_MS);

export type Placement =
  | { action: 'ignore'; reason: 'known' | 'not_support' }
  | { action: 'join' }
  | { action: 'reopen'; update: CaseUpdate }
  | { action: 'open' };

/**
 * Where a customer message goes, given what the store holds: `known` (the case already has it),
 * `holding` (the customer's case not closed when it was written: see CasesRepository.holding),
 * `resolved` (the latest case of the conversation resolved within the window before it).
 */
export function placeMessage(
  m: IncomingMessage,
  found: { known: boolean; holding: boolean; resolved?: Pick<CaseFields, 'status' | 'resolvedAt' | 'reopenCount'> | null },
): Placement {
  if (found.known) return { action: 'ignore', reason: 'known' };
  if (found.holding) return { action: 'join' };
  const reopened = found.resolved && mayReopen(m) ? reopenByCustomer(found.resolved, m.at) : null;
  if (reopened) return { action: 'reopen', update: reopened };
  return isSupportRequest(m.intent) ? { action: 'open' } : { action: 'ignore', reason: 'not_support' };
}

/** A resolved case the customer writes to again, after its resolution and within the window, reopens. */
export function reopenByCustomer(c: Pick<CaseFields, 'status' | 'resolvedAt' | 'reopenCount'>, at: Date): CaseUpdate | null {
  if (c.status !== 'resolved' || !c.resolvedAt) return null;
  const t = at.getTime();
  if (c.resolvedAt.getTime() > t || c.resolvedAt.getTime() < t - REOPEN_WINDOW_MS) return null;
  return { status: 'open', reopenCount: c.reopenCount + 1, lastReopenedAt: at };
}

/** What opens a case: the support message's labels, its routing (an agent only if it exists) and due times. */
export function openCase(
  m: {
    platform: string;
    author: { externalId: string; handle: string; name?: string | null };
    conversationId: string | null;
    intent: string;
    sentiment: string | null;
    lang: string | null;
    at: Date;
    routing: { team?: string | null; keyword?: string | null } | null;
  },
  sla: CaseSla,
  assignee: string | null,
) {
  const team = m.routing?.team ?? null;
  return {
    platform: m.platform,
    customer: { externalId: m.author.externalId, handle: m.author.handle, name: m.author.name ?? null },
    conversationIds: m.conversationId ? [m.conversationId] : [],
    externalIds: [] as string[],
    status: 'open' as const,
    intent: m.intent,
    sentiment: m.sentiment,
    lang: m.lang,
    openedAt: m.at,
    ...dueTimes(sla, m.at),
    team,
    routingKeyword: m.routing?.keyword ?? null,
    assignee,
    assignedAt: assignee || team ? m.at : null,
  };
}

/** The case with one more message: its post id and conversation join the case's own, once. */
export function withMessage(
  c: Pick<CaseFields, 'messages' | 'externalIds' | 'conversationIds'>,
  msg: CaseMessage,
  conversationId: string | null = null,
): Pick<CaseFields, 'messages' | 'externalIds' | 'conversationIds'> {
  return {
    messages: [...c.messages, msg],
    externalIds: msg.externalId ? [...c.externalIds, msg.externalId] : c.externalIds,
    conversationIds:
      conversationId && !c.conversationIds.includes(conversationId) ? [...c.conversationIds, conversationId] : c.conversationIds,
  };
}

// ---- the case's clocks ---------------------------------------------------------------------

export interface Retimed {
  update: CaseUpdate;
  /** Set when this update marks a breach the case did not have: the event to publish. */
  newlyBreachedAt: Date | null;
  /** The case now opens earlier (an earlier message joined it). */
  openedMoved: boolean;
}

/**
 * Everything that follows from the messages' times (caseState): the opening, first response,
 * waiting, due times, breach and abandonment. A breach or an abandonment that no longer holds is
 * cleared; a response found late marks the breach the scan could not see (it only looks at
 * unanswered cases); the scan still marks the unanswered ones. A case abandoned that now has its
 * answer in time reopens; a pending case the customer wrote to again is open.
 */
export function retime(c: CaseFields, sla: CaseSla, now: Date): Retimed {
  const s = caseState(c.messages, sla, now, {
    openedAt: c.openedAt,
    firstResponseDueAt: c.firstResponseDueAt,
    resolutionDueAt: c.resolutionDueAt,
    abandonAt: c.abandonAt,
  });
  const update: CaseUpdate = {
    openedAt: s.openedAt,
    firstResponseDueAt: s.firstResponseDueAt,
    resolutionDueAt: s.resolutionDueAt,
    abandonAt: s.abandonAt,
    inboundCount: s.inboundCount,
    outboundCount: s.outboundCount,
    lastInboundAt: s.lastInboundAt,
    lastOutboundAt: s.lastOutboundAt,
    awaitingReplySince: s.awaitingReplySince,
  };
  if (s.firstResponseAt?.getTime() !== c.firstResponseAt?.getTime()) {
    update.firstResponseAt = s.firstResponseAt;
    update.firstResponder = s.firstResponse ? (s.firstResponse.agentId ?? c.assignee ?? null) : null;
  }
  const breachedAt = s.breachedAt && (s.firstResponseAt || c.breachedAt) ? s.breachedAt : null;
  update.breachedAt = breachedAt;
  let status = c.status;
  if (c.status === 'abandoned' && !s.abandonedAt) {
    status = 'open';
    update.abandonedAt = null;
  } else if (c.status === 'abandoned') update.abandonedAt = s.abandonedAt;
  if (status === 'pending' && s.awaitingReplySince) status = 'open';
  if (status !== c.status) update.status = status;
  return {
    update,
    newlyBreachedAt: breachedAt && !c.breachedAt ? breachedAt : null,
    openedMoved: s.openedAt.getTime() !== c.openedAt.getTime(),
  };
}

// ---- our answers ------------------------------------------------------------------------------

export interface CollectedReply {
  externalId: string;
  text: string;
  at: Date;
  url?: string | null;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/@\w+/g, '')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The reply recorded through the API (no post id yet) that a collected reply is: the same text
 * (mentions and links aside) or posted within SAME_REPLY_WINDOW_MS of it. Its index in `messages`, or -1.
 */
export function recordedReplyIndex(messages: readonly CaseMessage[], r: CollectedReply): number {
  return messages.findIndex(
    (msg) =>
      msg.direction === 'outbound' &&
      msg.source === 'api' &&
      msg.externalId === null &&
      (normalise(msg.text) === normalise(r.text) || Math.abs(msg.at.getTime() - r.at.getTime()) <= SAME_REPLY_WINDOW_MS),
  );
}

/**
 * A collected reply that an agent recorded first through the API is the same response, counted
 * once: the recorded message takes the post's id and address. Null when no recorded reply matches.
 */
export function collectRecordedReply(
  c: Pick<CaseFields, 'messages' | 'externalIds'>,
  r: CollectedReply,
): Pick<CaseFields, 'messages' | 'externalIds'> | null {
  const i = recordedReplyIndex(c.messages, r);
  if (i < 0) return null;
  const messages = c.messages.map((msg, j) => (j === i ? { ...msg, externalId: r.externalId, url: r.url ?? null } : msg));
  return { messages, externalIds: [...c.externalIds, r.externalId] };
}

/** After an answer recorded through the API: an open case no longer waiting for us is pending the customer. */
export function afterAnswer(c: Pick<CaseFields, 'status' | 'awaitingReplySince'>): CaseUpdate {
  return c.status === 'open' && !c.awaitingReplySince ? { status: 'pending' } : {};
}

// ---- agents' actions -----------------------------------------------------------------------

/** Why an action's time is refused (a 400 naming `at`), or null. */
export function actionTimeProblem(at: Date, openedAt: Date, now: Date): string | null {
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return 'at: must not be in the future';
  if (at < openedAt) return 'at: must not be before the case was opened';
  return null;
}

/**
 * An assignment: to an agent (whose team follows unless one is given), a team, or none. The first
 * one sets `assignedAt`; later ones add to the reassignment history. Null when nothing changes.
 */
export function assign(
  c: Pick<CaseFields, 'assignee' | 'team' | 'reassignments'>,
  to: { assigneeId?: string | null; team?: string | null; agentTeam?: string | null },
  at: Date,
): CaseUpdate | null {
  if (to.assigneeId === undefined && to.team === undefined) return null;
  const toAgent = to.assigneeId !== undefined ? to.assigneeId : c.assignee;
  let toTeam = to.team !== undefined ? to.team : c.team;
  if (to.assigneeId && to.team === undefined) toTeam = to.agentTeam ?? toTeam;
  if (toAgent === c.assignee && toTeam === c.team) return null;
  const wasAssigned = c.assignee !== null || c.team !== null;
  return {
    assignee: toAgent,
    team: toTeam,
    ...(wasAssigned
      ? { reassignments: [...c.reassignments, { at, fromAgent: c.assignee, toAgent, fromTeam: c.team, toTeam }] }
      : { assignedAt: at }),
  };
}

export type StatusChange = { update: CaseUpdate } | { conflict: string };

/** An agent sets the status: resolve, reopen (a resolved or abandoned case), or pending. */
export function changeStatus(
  c: Pick<CaseFields, 'status' | 'assignee' | 'resolutions' | 'reopenCount'>,
  to: CaseStatus,
  at: Date,
): StatusChange {
  const from = c.status;
  if (to === 'resolved') {
    if (from === 'resolved') return { conflict: 'case is already resolved' };
    if (from === 'abandoned') return { conflict: 'an abandoned case cannot be resolved; reopen it first' };
    return { update: { status: 'resolved', resolvedAt: at, resolvedBy: c.assignee, resolutions: [...c.resolutions, at] } };
  }
  if (to === 'open' && (from === 'resolved' || from === 'abandoned')) {
    return {
      update: {
        status: 'open',
        reopenCount: c.reopenCount + 1,
        lastReopenedAt: at,
        ...(from === 'abandoned' ? { abandonedAt: null } : {}),
      },
    };
  }
  if (to === 'open' && from === 'open') return { conflict: 'case is already open; only a resolved or abandoned case can be reopened' };
  if (to === 'pending' && from !== 'open' && from !== 'pending')
    return { conflict: `a ${from} case cannot be set to pending; reopen it first` };
  return { update: { status: to } };
}

// ---- the care scan ------------------------------------------------------------------------------

type ScanFields = Pick<CaseFields, 'status' | 'firstResponseAt' | 'breachedAt' | 'firstResponseDueAt' | 'abandonAt'>;

/** An open case unanswered past its first-response due time is breached, as of that due time. */
export function breachOnScan(c: ScanFields, now: Date): { breachedAt: Date } | null {
  if (!OPEN_STATUSES.includes(c.status) || c.firstResponseAt || c.breachedAt) return null;
  return c.firstResponseDueAt.getTime() <= now.getTime() ? { breachedAt: c.firstResponseDueAt } : null;
}

/** An open case unanswered past its abandonment window is abandoned, as of the window's end. */
export function abandonOnScan(c: ScanFields, now: Date): { status: 'abandoned'; abandonedAt: Date } | null {
  if (!OPEN_STATUSES.includes(c.status) || c.firstResponseAt) return null;
  return c.abandonAt.getTime() <= now.getTime() ? { status: 'abandoned', abandonedAt: c.abandonAt } : null;
}

// ---- corrections of a message's labels -------------------------------------------------------

export interface LabelCorrection {
  mentionId: string;
  from: { intent: string; sentiment: string };
  to: { intent: string; sentiment: string };
  by: string;
  at: Date;
}

/** The case's customer messages other than the corrected one (whose labels decide a close). */
export function otherInboundMentionIds(c: Pick<CaseFields, 'messages'>, mentionId: string): string[] {
  return c.messages
    .filter((x) => x.direction === 'inbound')
    .map((x) => x.mentionId)
    .filter((id): id is string => !!id && id !== mentionId);
}

/** Whether the rule needs the other messages' labels: a move away from support on a case still counted. */
export function needsOtherLabels(c: Pick<CaseFields, 'status'>, e: LabelCorrection): boolean {
  return !isSupportRequest(e.to.intent) && c.status !== 'not_support' && e.from.intent !== e.to.intent;
}

export type CorrectionOutcome = { update: CaseUpdate; note: 'reopened' | 'not_support' | null } | null;

/**
 * A case follows a correction of one of its messages' labels:
 * - its intent and sentiment are its opening message's, so they follow that message (the intent
 *   stays a support one: corrected away, the case keeps its last);
 * - corrected to support: a case closed as `not_support` takes back the status it had;
 * - corrected away from support: closed as `not_support` once no other customer message of it is
 *   a support request (`otherSupport`, read only when needsOtherLabels).
 * Null when nothing changes.
 */
export function followCorrection(
  c: Pick<CaseFields, 'status' | 'intent' | 'sentiment' | 'messages' | 'notSupport'>,
  e: LabelCorrection,
  otherSupport: boolean,
): CorrectionOutcome {
  const isSupport = isSupportRequest(e.to.intent);
  const inbound = c.messages.filter((x) => x.direction === 'inbound');
  const opener = inbound.reduce<CaseMessage | undefined>((first, x) => (!first || x.at < first.at ? x : first), undefined);
  const update: CaseUpdate = {};
  if (opener?.mentionId === e.mentionId && (c.intent !== e.to.intent || c.sentiment !== e.to.sentiment)) {
    if (isSupport) update.intent = e.to.intent;
    update.sentiment = e.to.sentiment;
  }
  const changed = Object.keys(update).length > 0;
  if (isSupport) {
    if (c.status === 'not_support' && c.notSupport)
      return { update: { ...update, status: c.notSupport.previousStatus, notSupport: null }, note: 'reopened' };
    return changed ? { update, note: null } : null;
  }
  if (!needsOtherLabels(c, e) || otherSupport) return changed ? { update, note: null } : null;
  const previousStatus = c.status as CaseNotSupport['previousStatus'];
  return {
    update: { ...update, status: 'not_support', notSupport: { at: e.at, by: e.by, mentionId: e.mentionId, previousStatus } },
    note: 'not_support',
  };
}
