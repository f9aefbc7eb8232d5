import { holdsMessage, placeMessage, reopenByCustomer, type CaseFields } from '../care/case-lifecycle';
import { caseState, type CaseSla } from '../care/case-timeline';
import type { CaseRow } from '../common/rows';
import { startOfRollupSlot } from '../common/time-buckets';

/**
 * Public care: how a topic's own accounts answer customers in public. For the brand it is read
 * from its cases; a competitor has no cases (its customers must not reach the brand's inbox), so
 * its public cases are rebuilt here from the support-like mentions of its topic and its own
 * replies, with the inbox's rules (src/care/case-lifecycle.ts, case-timeline.ts):
 * - a support request opens a case, or joins the customer's case on the network that still holds
 *   it (`holdsMessage`: not past its abandonment window unanswered);
 * - a reply from the topic's accounts to a message of a case is its response (`caseState`: the
 *   first response is the earliest at or after the opening);
 * - the one assumption: nobody resolves a competitor's case for us to see, so an answered case
 *   counts as resolved at its latest reply; a new request in the same conversation within the
 *   reopen window reopens it (`placeMessage` / `reopenByCustomer`), as a customer's would the brand's.
 * Durations are wall-clock for everyone here: a competitor's business hours are not known.
 */

/** A customer message public care places (a mention of the topic). */
export interface PublicCareMessage {
  platform: string;
  externalId: string;
  url: string;
  createdAt: Date;
  authorId: string;
  authorHandle: string;
  intent: string;
  conversationId: string | null;
}

/** A reply of one of the topic's own accounts to someone else's post. */
export interface PublicCareReply {
  platform: string;
  externalId: string;
  url: string;
  createdAt: Date;
  inReplyToExternalId: string;
  accountHandle: string;
}

export interface PublicCaseMessage {
  direction: 'inbound' | 'outbound';
  externalId: string;
  url: string;
  at: Date;
  handle: string;
}

/** One rebuilt case, with its messages for the drill-down. */
export interface PublicCase {
  /** The network id of the message that opened it. */
  caseId: string;
  platform: string;
  customer: { externalId: string; handle: string };
  openedAt: Date;
  firstResponseAt: Date | null;
  status: 'open' | 'resolved' | 'abandoned';
  resolvedAt: Date | null;
  reopenCount: number;
  messages: PublicCaseMessage[];
}

interface WorkingCase extends PublicCase {
  conversationIds: Set<string>;
  abandonAt: Date;
  lastReopenedAt: Date | null;
}

const key = (platform: string, id: string) => `${platform}\n${id}`;

/**
 * The public cases of one topic's messages and replies, given in any order. `now` decides only
 * whether an unanswered case is abandoned yet.
 */
export function publicCases(
  messages: readonly PublicCareMessage[],
  replies: readonly PublicCareReply[],
  sla: CaseSla,
  now: Date,
): PublicCase[] {
  const cases: WorkingCase[] = [];
  const byPost = new Map<string, WorkingCase>();
  const byCustomer = new Map<string, WorkingCase[]>();
  const events = [
    ...messages.map((m) => ({ at: m.createdAt.getTime(), order: 0, run: () => place(m) })),
    ...replies.map((r) => ({ at: r.createdAt.getTime(), order: 1, run: () => answer(r) })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  for (const e of events) e.run();
  return cases.map(({ conversationIds: _c, abandonAt: _a, lastReopenedAt: _l, ...c }) => c);

  function retime(c: WorkingCase) {
    const s = caseState(c.messages, sla, now);
    c.openedAt = s.openedAt;
    c.firstResponseAt = s.firstResponseAt;
    c.abandonAt = s.abandonAt;
  }

  function place(m: PublicCareMessage) {
    const msg = { intent: m.intent, conversationId: m.conversationId, at: m.createdAt };
    const known = byPost.has(key(m.platform, m.externalId));
    const own = byCustomer.get(key(m.platform, m.authorId)) ?? [];
    // the customer's latest case opened by then and not closed at that time (CasesRepository.holding);
    // one left unanswered past its window is refused by holdsMessage, as an abandoned one would be
    const notClosed = [...own]
      .reverse()
      .find((c) => c.openedAt <= m.createdAt && (c.status === 'open' || (c.resolvedAt ?? 0) >= m.createdAt));
    const holding = notClosed && holdsMessage(asFields(notClosed), msg, sla) ? notClosed : null;
    const resolved =
      !known && !holding && m.conversationId
        ? ([...own].reverse().find((c) => c.status === 'resolved' && c.conversationIds.has(m.conversationId!)) ?? null)
        : null;
    const placement = placeMessage(msg, { known, holding: !!holding, resolved: resolved ? asFields(resolved) : null });
    if (placement.action === 'ignore') return;
    const inbound: PublicCaseMessage = {
      direction: 'inbound',
      externalId: m.externalId,
      url: m.url,
      at: m.createdAt,
      handle: m.authorHandle,
    };
    let target: WorkingCase;
    if (placement.action === 'join') target = holding!;
    else if (placement.action === 'reopen') {
      target = resolved!;
      const update = reopenByCustomer(asFields(target), m.createdAt)!;
      target.status = 'open';
      target.reopenCount = update.reopenCount ?? target.reopenCount + 1;
      target.lastReopenedAt = m.createdAt;
    } else {
      target = {
        caseId: m.externalId,
        platform: m.platform,
        customer: { externalId: m.authorId, handle: m.authorHandle },
        openedAt: m.createdAt,
        firstResponseAt: null,
        status: 'open',
        resolvedAt: null,
        reopenCount: 0,
        messages: [],
        conversationIds: new Set(),
        abandonAt: m.createdAt,
        lastReopenedAt: null,
      };
      cases.push(target);
      byCustomer.set(key(m.platform, m.authorId), [...own, target]);
    }
    target.messages.push(inbound);
    if (m.conversationId) target.conversationIds.add(m.conversationId);
    byPost.set(key(m.platform, m.externalId), target);
    retime(target);
  }

  function answer(r: PublicCareReply) {
    const c = byPost.get(key(r.platform, r.inReplyToExternalId));
    if (!c || byPost.has(key(r.platform, r.externalId))) return;
    c.messages.push({ direction: 'outbound', externalId: r.externalId, url: r.url, at: r.createdAt, handle: r.accountHandle });
    byPost.set(key(r.platform, r.externalId), c);
    retime(c);
    c.status = 'resolved';
    c.resolvedAt = r.createdAt;
  }

  function asFields(
    c: WorkingCase,
  ): Pick<CaseFields, 'status' | 'openedAt' | 'firstResponseAt' | 'abandonAt' | 'resolvedAt' | 'reopenCount'> {
    return c;
  }
}

/** The plain row the care KPIs read (src/reports/kpis/care.ts). */
export function publicCaseRow(c: PublicCase, sla: CaseSla, now: Date): CaseRow {
  const s = caseState(c.messages, sla, now);
  return {
    caseId: c.caseId,
    platform: c.platform,
    openedAt: c.openedAt,
    firstResponseAt: c.firstResponseAt,
    status: c.status === 'open' && s.abandonedAt ? 'abandoned' : c.status,
    resolvedAt: c.resolvedAt,
    resolutions: c.resolvedAt ? [c.resolvedAt] : [],
    reopenCount: c.reopenCount,
    abandonedAt: c.status === 'open' ? s.abandonedAt : null,
    inboundCount: s.inboundCount,
    outboundCount: s.outboundCount,
    lastInboundAt: s.lastInboundAt,
    lastOutboundAt: s.lastOutboundAt,
    awaitingReplySince: s.awaitingReplySince,
    assignee: null,
    team: null,
    assignedAt: null,
    reassignments: [],
    routingKeyword: null,
  };
}

/** A public case as stored for the share of voice (src/competitors/schemas/public-care.schema.ts). */
export interface PublicCaseEntry {
  platform: string;
  customerId: string;
  caseId: string;
  openedAt: Date;
  slot: Date;
  firstResponseAt: Date | null;
}

/** One network's public care in one 15-minute slot. */
export interface PublicCareSlotRow {
  platform: string;
  slot: Date;
  opened: number;
  answered: number;
  /** Each answered case's first response − opening, wall-clock seconds. */
  firstResponseSeconds: number[];
}

export function publicCaseEntry(c: PublicCase): PublicCaseEntry {
  return {
    platform: c.platform,
    customerId: c.customer.externalId,
    caseId: c.caseId,
    openedAt: c.openedAt,
    slot: startOfRollupSlot(c.openedAt),
    firstResponseAt: c.firstResponseAt,
  };
}

/** The slots some cases open in, with what each counts there (a case counts in the slot of its opening). */
export function slotCounts(entries: readonly PublicCaseEntry[]): PublicCareSlotRow[] {
  const slots = new Map<string, PublicCareSlotRow>();
  for (const e of entries) {
    const id = `${e.platform}\n${e.slot.getTime()}`;
    let s = slots.get(id);
    if (!s) slots.set(id, (s = { platform: e.platform, slot: e.slot, opened: 0, answered: 0, firstResponseSeconds: [] }));
    s.opened += 1;
    if (e.firstResponseAt === null) continue;
    s.answered += 1;
    s.firstResponseSeconds.push(Math.max(0, (e.firstResponseAt.getTime() - e.openedAt.getTime()) / 1000));
  }
  return [...slots.values()];
}
