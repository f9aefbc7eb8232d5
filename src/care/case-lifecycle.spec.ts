import {
  abandonOnScan,
  actionTimeProblem,
  afterAnswer,
  assign,
  breachOnScan,
  changeStatus,
  collectRecordedReply,
  followCorrection,
  holdsMessage,
  needsOtherLabels,
  openCase,
  otherInboundMentionIds,
  placeMessage,
  reopenByCustomer,
  REOPEN_WINDOW_MS,
  retime,
  withMessage,
  type CaseFields,
  type LabelCorrection,
} from './case-lifecycle';
import type { CaseSla } from './case-timeline';
import type { CaseMessage, CaseStatus } from './schemas/case.schema';
import { SlaClock } from './sla';

const t = (hhmm: string, day = 2) => new Date(`2026-03-${String(day).padStart(2, '0')}T${hhmm}:00Z`); // 2026-03-02 is a Monday
const HOUR = 3600_000;

const sla: CaseSla = {
  clock: SlaClock.allTime('UTC'),
  targets: { firstResponseSeconds: 3600, resolutionSeconds: 24 * 3600, abandonmentSeconds: 48 * 3600 },
};

const inbound = (at: Date, mentionId: string | null = `m-${at.getTime()}`): CaseMessage => ({
  direction: 'inbound',
  externalId: `p-${at.getTime()}`,
  mentionId,
  text: 'meu cartão foi bloqueado',
  at,
  source: 'platform',
  agentId: null,
  authorHandle: 'ana',
  url: null,
});
const outbound = (at: Date, extra: Partial<CaseMessage> = {}): CaseMessage => ({
  direction: 'outbound',
  externalId: `r-${at.getTime()}`,
  mentionId: null,
  text: 'Oi Ana, já desbloqueamos.',
  at,
  source: 'platform',
  agentId: null,
  authorHandle: 'lumi',
  url: null,
  ...extra,
});

/** A case opened at 10:00 on Monday with one customer message, as openCase + retime store it. */
function aCase(over: Partial<CaseFields> = {}): CaseFields {
  const openedAt = over.openedAt ?? t('10:00');
  const base: CaseFields = {
    status: 'open',
    intent: 'support',
    sentiment: 'negative',
    openedAt,
    messages: [inbound(openedAt, 'm-open')],
    externalIds: [`p-${openedAt.getTime()}`],
    conversationIds: ['conv-1'],
    inboundCount: 1,
    outboundCount: 0,
    lastInboundAt: openedAt,
    lastOutboundAt: null,
    awaitingReplySince: openedAt,
    firstResponseAt: null,
    firstResponder: null,
    firstResponseDueAt: new Date(openedAt.getTime() + HOUR),
    resolutionDueAt: new Date(openedAt.getTime() + 24 * HOUR),
    abandonAt: new Date(openedAt.getTime() + 48 * HOUR),
    breachedAt: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutions: [],
    reopenCount: 0,
    lastReopenedAt: null,
    abandonedAt: null,
    assignee: null,
    team: null,
    assignedAt: null,
    routingKeyword: null,
    reassignments: [],
    notSupport: null,
  };
  return { ...base, ...over };
}

const withMessages = (c: CaseFields, ...msgs: CaseMessage[]): CaseFields => ({ ...c, messages: [...c.messages, ...msgs] });

describe('placeMessage: where a customer message goes', () => {
  const resolvedAt = t('12:00');
  const resolved = { status: 'resolved' as CaseStatus, resolvedAt, reopenCount: 0 };
  const rows: {
    name: string;
    intent: string;
    conversationId: string | null;
    at: Date;
    found: Parameters<typeof placeMessage>[1];
    expected: string;
  }[] = [
    {
      name: 'already in a case',
      intent: 'support',
      conversationId: 'c',
      at: t('13:00'),
      found: { known: true, holding: true },
      expected: 'ignore:known',
    },
    {
      name: 'the customer has a case not closed then: joins it',
      intent: 'praise',
      conversationId: null,
      at: t('13:00'),
      found: { known: false, holding: true },
      expected: 'join',
    },
    {
      name: 'a support request, no case: opens one',
      intent: 'support',
      conversationId: null,
      at: t('13:00'),
      found: { known: false, holding: false },
      expected: 'open',
    },
    {
      name: 'a complaint opens one too',
      intent: 'complaint',
      conversationId: null,
      at: t('13:00'),
      found: { known: false, holding: false },
      expected: 'open',
    },
    {
      name: 'a question opens one too',
      intent: 'question',
      conversationId: null,
      at: t('13:00'),
      found: { known: false, holding: false },
      expected: 'open',
    },
    {
      name: 'praise, no case: ignored',
      intent: 'praise',
      conversationId: 'c',
      at: t('13:00'),
      found: { known: false, holding: false, resolved },
      expected: 'ignore:not_support',
    },
    {
      name: 'a lead, no case: ignored',
      intent: 'lead',
      conversationId: null,
      at: t('13:00'),
      found: { known: false, holding: false },
      expected: 'ignore:not_support',
    },
    {
      name: 'a new request in the conversation after the resolution: reopens',
      intent: 'support',
      conversationId: 'c',
      at: t('13:00'),
      found: { known: false, holding: false, resolved },
      expected: 'reopen',
    },
    {
      name: 'a "thank you" in the conversation does not reopen',
      intent: 'other',
      conversationId: 'c',
      at: t('13:00'),
      found: { known: false, holding: false, resolved },
      expected: 'ignore:not_support',
    },
    {
      name: 'a request outside any conversation does not reopen: opens',
      intent: 'support',
      conversationId: null,
      at: t('13:00'),
      found: { known: false, holding: false, resolved },
      expected: 'open',
    },
    {
      name: 'at the end of the reopen window: reopens',
      intent: 'support',
      conversationId: 'c',
      at: new Date(resolvedAt.getTime() + REOPEN_WINDOW_MS),
      found: { known: false, holding: false, resolved },
      expected: 'reopen',
    },
    {
      name: 'past the reopen window: opens a new case',
      intent: 'support',
      conversationId: 'c',
      at: new Date(resolvedAt.getTime() + REOPEN_WINDOW_MS + 1),
      found: { known: false, holding: false, resolved },
      expected: 'open',
    },
    {
      name: 'written before the resolution (collected late): opens a new case',
      intent: 'support',
      conversationId: 'c',
      at: t('11:00'),
      found: { known: false, holding: false, resolved },
      expected: 'open',
    },
  ];
  it.each(rows)('$name → $expected', ({ intent, conversationId, at, found, expected }) => {
    const p = placeMessage({ intent, conversationId, at }, found);
    expect(p.action === 'ignore' ? `ignore:${p.reason}` : p.action).toBe(expected);
  });

  it('a reopen counts one more reopening, at the message time', () => {
    const p = placeMessage(
      { intent: 'support', conversationId: 'c', at: t('13:00') },
      { known: false, holding: false, resolved: { ...resolved, reopenCount: 2 } },
    );
    expect(p).toEqual({ action: 'reopen', update: { status: 'open', reopenCount: 3, lastReopenedAt: t('13:00') } });
  });
});

describe('holdsMessage: whether the case found not closed takes a message written then', () => {
  // opened Monday 10:00; the spec's SLA abandons an unanswered case 48 h later
  const openedAt = t('10:00');
  const abandonAt = t('10:00', 4);
  const open = { status: 'open' as CaseStatus, openedAt, firstResponseAt: null, abandonAt };
  const rows: {
    name: string;
    c: { status: CaseStatus; openedAt: Date; firstResponseAt: Date | null; abandonAt: Date };
    intent: string;
    at: Date;
    expected: boolean;
  }[] = [
    { name: 'open, unanswered, within the abandonment window', c: open, intent: 'praise', at: t('09:00', 4), expected: true },
    { name: 'open, unanswered, at the end of the window', c: open, intent: 'support', at: abandonAt, expected: true },
    {
      name: 'open, unanswered, past the window (abandoned then, the scan not run yet)',
      c: open,
      intent: 'support',
      at: t('10:01', 4),
      expected: false,
    },
    {
      name: 'pending, unanswered, days past the window',
      c: { ...open, status: 'pending' },
      intent: 'support',
      at: t('10:00', 6),
      expected: false,
    },
    {
      name: 'answered, past the window: the conversation goes on',
      c: { ...open, firstResponseAt: t('10:30') },
      intent: 'praise',
      at: t('10:00', 6),
      expected: true,
    },
    {
      name: 'abandoned after it was written (the repository checked abandonedAt)',
      c: { ...open, status: 'abandoned' },
      intent: 'other',
      at: t('09:00', 4),
      expected: true,
    },
    {
      name: 'resolved after it was written (the repository checked resolvedAt)',
      c: { ...open, status: 'resolved', firstResponseAt: t('10:30') },
      intent: 'other',
      at: t('10:00', 6),
      expected: true,
    },
    {
      name: 'an earlier support request, the case opened within its window: joins, opening earlier',
      c: open,
      intent: 'support',
      at: t('08:00', 1),
      expected: true,
    },
    {
      name: 'an earlier request whose window ends as the case opens: joins',
      c: open,
      intent: 'complaint',
      at: new Date(openedAt.getTime() - 48 * HOUR),
      expected: true,
    },
    {
      name: 'an earlier request whose window ended before the case opened: a case of its own',
      c: open,
      intent: 'question',
      at: new Date(openedAt.getTime() - 48 * HOUR - 1),
      expected: false,
    },
    { name: 'earlier chit-chat, no case open then: does not move the opening', c: open, intent: 'other', at: t('09:00'), expected: false },
    { name: 'earlier praise: neither', c: open, intent: 'praise', at: t('09:00'), expected: false },
  ];
  it.each(rows)('$name → $expected', ({ c, intent, at, expected }) => {
    expect(holdsMessage(c, { intent, at }, sla)).toBe(expected);
  });
});

describe('reopenByCustomer', () => {
  it.each([
    { status: 'open' as CaseStatus, resolvedAt: null, expected: null },
    { status: 'abandoned' as CaseStatus, resolvedAt: t('09:00'), expected: null },
    { status: 'resolved' as CaseStatus, resolvedAt: null, expected: null },
    { status: 'resolved' as CaseStatus, resolvedAt: t('12:00'), expected: { status: 'open', reopenCount: 1, lastReopenedAt: t('13:00') } },
  ])('a $status case resolved at $resolvedAt', ({ status, resolvedAt, expected }) => {
    expect(reopenByCustomer({ status, resolvedAt, reopenCount: 0 }, t('13:00'))).toEqual(expected);
  });
});

describe('openCase', () => {
  const m = {
    platform: 'x',
    author: { externalId: 'u1', handle: 'ana', name: 'Ana' },
    conversationId: 'conv-1',
    intent: 'support',
    sentiment: 'negative',
    lang: 'pt',
    at: t('10:00'),
  };
  it.each([
    {
      name: 'no routing: unassigned',
      routing: null,
      assignee: null,
      expected: { team: null, assignee: null, assignedAt: null, routingKeyword: null },
    },
    {
      name: 'routed to a team',
      routing: { team: 'cards', keyword: 'cartão' },
      assignee: null,
      expected: { team: 'cards', assignee: null, assignedAt: t('10:00'), routingKeyword: 'cartão' },
    },
    {
      name: 'routed to an agent that exists',
      routing: { team: null, keyword: 'pix' },
      assignee: 'a1',
      expected: { team: null, assignee: 'a1', assignedAt: t('10:00'), routingKeyword: 'pix' },
    },
  ])('$name', ({ routing, assignee, expected }) => {
    expect(openCase({ ...m, routing }, sla, assignee)).toMatchObject({
      status: 'open',
      openedAt: t('10:00'),
      firstResponseDueAt: t('11:00'),
      resolutionDueAt: t('10:00', 3),
      abandonAt: t('10:00', 4),
      conversationIds: ['conv-1'],
      customer: { externalId: 'u1', handle: 'ana', name: 'Ana' },
      ...expected,
    });
  });
});

describe('withMessage', () => {
  it('adds the post id, and the conversation once', () => {
    const c = aCase();
    const next = withMessage(c, inbound(t('10:05')), 'conv-1');
    expect(next.messages).toHaveLength(2);
    expect(next.externalIds).toEqual([...c.externalIds, `p-${t('10:05').getTime()}`]);
    expect(next.conversationIds).toEqual(['conv-1']);
    expect(withMessage(c, inbound(t('10:05')), 'conv-2').conversationIds).toEqual(['conv-1', 'conv-2']);
    expect(c.messages).toHaveLength(1); // the input is not changed
  });
  it('a reply recorded without a post id adds no post id', () => {
    expect(withMessage(aCase(), outbound(t('10:30'), { externalId: null, source: 'api' })).externalIds).toEqual(aCase().externalIds);
  });
});

describe('retime: what follows from the messages', () => {
  const now = t('10:00', 10);
  const rows: { name: string; c: CaseFields; expected: Partial<CaseFields>; newlyBreachedAt?: Date | null; openedMoved?: boolean }[] = [
    {
      name: 'answered in time: first response, nobody waiting',
      c: withMessages(aCase(), outbound(t('10:30'))),
      expected: { firstResponseAt: t('10:30'), awaitingReplySince: null, breachedAt: null, outboundCount: 1 },
    },
    {
      name: 'answered late: the breach the scan could not see is marked, once',
      c: withMessages(aCase(), outbound(t('12:00'))),
      expected: { firstResponseAt: t('12:00'), breachedAt: t('11:00') },
      newlyBreachedAt: t('11:00'),
    },
    {
      name: 'answered late, breach already marked by the scan: no new event',
      c: withMessages(aCase({ breachedAt: t('11:00') }), outbound(t('12:00'))),
      expected: { breachedAt: t('11:00') },
      newlyBreachedAt: null,
    },
    {
      name: 'unanswered past due: left for the scan to mark',
      c: aCase(),
      expected: { breachedAt: null, awaitingReplySince: t('10:00') },
      newlyBreachedAt: null,
    },
    {
      name: 'an earlier message joins (out of order): the case opens then, clocks move, a late answer breaches',
      c: withMessages(aCase(), inbound(t('08:00')), outbound(t('09:30'))),
      expected: {
        openedAt: t('08:00'),
        firstResponseDueAt: t('09:00'),
        firstResponseAt: t('09:30'),
        breachedAt: t('09:00'),
        awaitingReplySince: t('10:00'),
      },
      openedMoved: true,
      newlyBreachedAt: t('09:00'),
    },
    {
      name: 'an earlier message answered in time clears a breach the scan marked',
      c: withMessages(aCase({ breachedAt: t('11:00') }), inbound(t('09:00')), outbound(t('09:30'))),
      expected: { openedAt: t('09:00'), breachedAt: null },
      openedMoved: true,
    },
    {
      name: 'customer writes again after our answer: pending becomes open, waiting since then',
      c: withMessages(aCase({ status: 'pending' }), outbound(t('10:30')), inbound(t('11:00'))),
      expected: { status: 'open', awaitingReplySince: t('11:00'), firstResponseAt: t('10:30'), inboundCount: 2 },
    },
    {
      name: 'pending, nobody wrote since our answer: stays pending',
      c: withMessages(aCase({ status: 'pending' }), outbound(t('10:30'))),
      expected: { awaitingReplySince: null },
    },
    {
      name: 'abandoned, but an answer inside the window is collected late: reopens',
      c: withMessages(aCase({ status: 'abandoned', abandonedAt: t('10:00', 4) }), outbound(t('10:00', 3))),
      expected: { status: 'open', abandonedAt: null, firstResponseAt: t('10:00', 3) },
      newlyBreachedAt: t('11:00'),
    },
    {
      name: 'abandoned, and the answer collected came after the window: stays abandoned',
      c: withMessages(aCase({ status: 'abandoned', abandonedAt: t('10:00', 4) }), outbound(t('12:00', 4))),
      expected: { abandonedAt: t('10:00', 4), firstResponseAt: t('12:00', 4) },
      newlyBreachedAt: t('11:00'),
    },
  ];
  it.each(rows)('$name', ({ c, expected, newlyBreachedAt = null, openedMoved = false }) => {
    const r = retime(c, sla, now);
    expect({ ...c, ...r.update }).toMatchObject(expected);
    expect(r.newlyBreachedAt).toEqual(newlyBreachedAt);
    expect(r.openedMoved).toBe(openedMoved);
    if (!('status' in expected)) expect(r.update.status).toBeUndefined();
  });

  it('keeps the due times fixed when the case opened: a later change of targets does not move them', () => {
    const stored = aCase({ firstResponseDueAt: t('10:15') });
    expect(retime(stored, sla, now).update.firstResponseDueAt).toEqual(t('10:15'));
  });

  it('the first responder is the answering agent, else the assignee', () => {
    expect(retime(withMessages(aCase({ assignee: 'a1' }), outbound(t('10:30'), { agentId: 'a2' })), sla, now).update.firstResponder).toBe(
      'a2',
    );
    expect(retime(withMessages(aCase({ assignee: 'a1' }), outbound(t('10:30'))), sla, now).update.firstResponder).toBe('a1');
  });

  it('gives the same result whatever order the messages joined in', () => {
    const msgs = [inbound(t('10:00'), 'm-open'), inbound(t('10:20')), outbound(t('10:30')), inbound(t('10:45'))];
    const a = retime(aCase({ messages: msgs }), sla, now).update;
    const b = retime(aCase({ messages: [...msgs].reverse() }), sla, now).update;
    expect(a).toEqual(b);
  });
});

describe('our answers', () => {
  it.each([
    {
      name: 'same text (mentions and links aside)',
      recorded: { text: '@ana Já desbloqueamos https://t.co/x', at: t('09:00') },
      expected: true,
    },
    { name: 'posted within 15 minutes', recorded: { text: 'outro texto', at: t('10:20') }, expected: true },
    { name: 'other text, 16 minutes apart', recorded: { text: 'outro texto', at: t('10:14') }, expected: false },
  ])('a collected reply is the one recorded through the API: $name', ({ recorded, expected }) => {
    const c = withMessages(aCase(), outbound(recorded.at, { externalId: null, source: 'api', text: recorded.text }));
    const r = collectRecordedReply(c, {
      externalId: 'r-1',
      text: 'já desbloqueamos',
      at: t('10:30'),
      url: 'https://x.com/lumi/status/r-1',
    });
    if (!expected) return expect(r).toBeNull();
    expect(r!.messages[1]).toMatchObject({ externalId: 'r-1', url: 'https://x.com/lumi/status/r-1', source: 'api' });
    expect(r!.externalIds).toContain('r-1');
  });

  it('a recorded reply that already has its post id is not matched again', () => {
    const c = withMessages(aCase(), outbound(t('10:30'), { externalId: 'r-0', source: 'api', text: 'já desbloqueamos' }));
    expect(collectRecordedReply(c, { externalId: 'r-1', text: 'já desbloqueamos', at: t('10:30') })).toBeNull();
  });

  it.each([
    { status: 'open' as CaseStatus, awaitingReplySince: null, expected: { status: 'pending' } },
    { status: 'open' as CaseStatus, awaitingReplySince: t('11:00'), expected: {} },
    { status: 'resolved' as CaseStatus, awaitingReplySince: null, expected: {} },
    { status: 'pending' as CaseStatus, awaitingReplySince: null, expected: {} },
  ])('after an answer, a $status case awaiting since $awaitingReplySince', ({ status, awaitingReplySince, expected }) => {
    expect(afterAnswer({ status, awaitingReplySince })).toEqual(expected);
  });
});

describe("agents' actions", () => {
  const now = t('12:00');
  it.each([
    { at: t('12:00'), expected: null },
    { at: new Date(now.getTime() + 60_000), expected: null },
    { at: new Date(now.getTime() + 60_001), expected: 'at: must not be in the future' },
    { at: t('09:59'), expected: 'at: must not be before the case was opened' },
  ])('an action at $at', ({ at, expected }) => {
    expect(actionTimeProblem(at, t('10:00'), now)).toBe(expected);
  });

  it.each([
    { name: 'nothing asked', from: { assignee: null, team: null }, to: {}, expected: null },
    {
      name: 'first assignment to an agent, whose team follows',
      from: { assignee: null, team: null },
      to: { assigneeId: 'a1', agentTeam: 'cards' },
      expected: { assignee: 'a1', team: 'cards', assignedAt: t('11:00') },
    },
    {
      name: 'first assignment to a team',
      from: { assignee: null, team: null },
      to: { team: 'cards' },
      expected: { assignee: null, team: 'cards', assignedAt: t('11:00') },
    },
    {
      name: 'same agent again: no change',
      from: { assignee: 'a1', team: 'cards' },
      to: { assigneeId: 'a1', agentTeam: 'cards' },
      expected: null,
    },
    {
      name: 'reassignment: recorded',
      from: { assignee: 'a1', team: 'cards' },
      to: { assigneeId: 'a2', agentTeam: 'pix' },
      expected: {
        assignee: 'a2',
        team: 'pix',
        reassignments: [{ at: t('11:00'), fromAgent: 'a1', toAgent: 'a2', fromTeam: 'cards', toTeam: 'pix' }],
      },
    },
    {
      name: 'an agent without a team keeps the case team',
      from: { assignee: 'a1', team: 'cards' },
      to: { assigneeId: 'a2', agentTeam: null },
      expected: {
        assignee: 'a2',
        team: 'cards',
        reassignments: [{ at: t('11:00'), fromAgent: 'a1', toAgent: 'a2', fromTeam: 'cards', toTeam: 'cards' }],
      },
    },
    {
      name: 'an explicit team wins over the agent team',
      from: { assignee: null, team: null },
      to: { assigneeId: 'a2', team: 'vip', agentTeam: 'pix' },
      expected: { assignee: 'a2', team: 'vip', assignedAt: t('11:00') },
    },
    {
      name: 'unassigned: recorded',
      from: { assignee: 'a1', team: 'cards' },
      to: { assigneeId: null, team: null },
      expected: {
        assignee: null,
        team: null,
        reassignments: [{ at: t('11:00'), fromAgent: 'a1', toAgent: null, fromTeam: 'cards', toTeam: null }],
      },
    },
  ])('assign: $name', ({ from, to, expected }) => {
    expect(assign({ ...from, reassignments: [] }, to, t('11:00'))).toEqual(expected);
  });

  const status: { from: CaseStatus; to: 'open' | 'pending' | 'resolved'; expected: Record<string, unknown> | string }[] = [
    {
      from: 'open',
      to: 'resolved',
      expected: { status: 'resolved', resolvedAt: t('11:00'), resolvedBy: 'a1', resolutions: [t('09:00'), t('11:00')] },
    },
    {
      from: 'pending',
      to: 'resolved',
      expected: { status: 'resolved', resolvedAt: t('11:00'), resolvedBy: 'a1', resolutions: [t('09:00'), t('11:00')] },
    },
    { from: 'resolved', to: 'resolved', expected: 'case is already resolved' },
    { from: 'abandoned', to: 'resolved', expected: 'an abandoned case cannot be resolved; reopen it first' },
    { from: 'resolved', to: 'open', expected: { status: 'open', reopenCount: 2, lastReopenedAt: t('11:00') } },
    { from: 'abandoned', to: 'open', expected: { status: 'open', reopenCount: 2, lastReopenedAt: t('11:00'), abandonedAt: null } },
    { from: 'open', to: 'open', expected: 'case is already open; only a resolved or abandoned case can be reopened' },
    { from: 'pending', to: 'open', expected: { status: 'open' } },
    { from: 'open', to: 'pending', expected: { status: 'pending' } },
    { from: 'pending', to: 'pending', expected: { status: 'pending' } },
    { from: 'resolved', to: 'pending', expected: 'a resolved case cannot be set to pending; reopen it first' },
    { from: 'abandoned', to: 'pending', expected: 'a abandoned case cannot be set to pending; reopen it first' },
  ];
  it.each(status)('status: $from → $to', ({ from, to, expected }) => {
    const change = changeStatus({ status: from, assignee: 'a1', resolutions: [t('09:00')], reopenCount: 1 }, to, t('11:00'));
    expect('conflict' in change ? change.conflict : change.update).toEqual(expected);
  });
});

describe('the care scan', () => {
  const now = t('12:00');
  it.each([
    { name: 'open, unanswered, past due', c: {}, breach: { breachedAt: t('11:00') }, abandon: null },
    { name: 'pending, unanswered, past due', c: { status: 'pending' as CaseStatus }, breach: { breachedAt: t('11:00') }, abandon: null },
    { name: 'not yet due', c: { firstResponseDueAt: t('12:30') }, breach: null, abandon: null },
    { name: 'due exactly now', c: { firstResponseDueAt: now }, breach: { breachedAt: now }, abandon: null },
    { name: 'answered', c: { firstResponseAt: t('11:30') }, breach: null, abandon: null },
    { name: 'already breached', c: { breachedAt: t('11:00') }, breach: null, abandon: null },
    { name: 'resolved', c: { status: 'resolved' as CaseStatus }, breach: null, abandon: null },
    { name: 'not_support', c: { status: 'not_support' as CaseStatus }, breach: null, abandon: null },
    {
      name: 'past the abandonment window',
      c: { breachedAt: t('11:00'), abandonAt: t('11:30') },
      breach: null,
      abandon: { status: 'abandoned', abandonedAt: t('11:30') },
    },
    {
      name: 'past both: breached and abandoned',
      c: { abandonAt: t('11:30') },
      breach: { breachedAt: t('11:00') },
      abandon: { status: 'abandoned', abandonedAt: t('11:30') },
    },
    { name: 'answered before the window ended', c: { firstResponseAt: t('11:45'), abandonAt: t('11:30') }, breach: null, abandon: null },
    { name: 'already abandoned', c: { status: 'abandoned' as CaseStatus, abandonAt: t('11:30') }, breach: null, abandon: null },
  ])('$name', ({ c, breach, abandon }) => {
    const kase = aCase(c);
    expect(breachOnScan(kase, now)).toEqual(breach);
    expect(abandonOnScan(kase, now)).toEqual(abandon);
  });
});

describe('corrections of a message to or from support', () => {
  const opener = inbound(t('10:00'), 'm-open');
  const later = inbound(t('10:30'), 'm-later');
  const base = aCase({ messages: [later, opener] });
  const corr = (mentionId: string, from: string, to: string, sentiment = 'negative'): LabelCorrection => ({
    mentionId,
    from: { intent: from, sentiment: 'negative' },
    to: { intent: to, sentiment },
    by: 'key-1',
    at: t('12:00'),
  });
  const rows: { name: string; c: CaseFields; e: LabelCorrection; otherSupport: boolean; expected: ReturnType<typeof followCorrection> }[] =
    [
      {
        name: 'the opener corrected to another support intent: the case follows',
        c: base,
        e: corr('m-open', 'support', 'complaint'),
        otherSupport: true,
        expected: { update: { intent: 'complaint', sentiment: 'negative' }, note: null },
      },
      {
        name: 'the opener corrected away, another message still a request: keeps its intent, follows the sentiment',
        c: base,
        e: corr('m-open', 'support', 'praise', 'positive'),
        otherSupport: true,
        expected: { update: { sentiment: 'positive' }, note: null },
      },
      {
        name: 'a later message corrected away, another still a request: nothing changes',
        c: base,
        e: corr('m-later', 'support', 'praise'),
        otherSupport: true,
        expected: null,
      },
      {
        name: 'the last request corrected away: closed as not_support, remembering the status',
        c: aCase({ status: 'pending', messages: [opener] }),
        e: corr('m-open', 'support', 'other'),
        otherSupport: false,
        expected: {
          update: {
            sentiment: 'negative',
            status: 'not_support',
            notSupport: { at: t('12:00'), by: 'key-1', mentionId: 'm-open', previousStatus: 'pending' },
          },
          note: 'not_support',
        },
      },
      {
        name: 'corrected back to support: takes back the status it had',
        c: aCase({
          status: 'not_support',
          notSupport: { at: t('12:00'), by: 'key-1', mentionId: 'm-open', previousStatus: 'pending' },
          messages: [opener],
        }),
        e: corr('m-open', 'other', 'support'),
        otherSupport: false,
        expected: { update: { status: 'pending', notSupport: null }, note: 'reopened' },
      },
      {
        name: 'already not_support, corrected away again: nothing changes',
        c: aCase({
          status: 'not_support',
          notSupport: { at: t('12:00'), by: 'key-1', mentionId: 'm-open', previousStatus: 'open' },
          messages: [opener],
          intent: 'support',
        }),
        e: corr('m-later', 'praise', 'other'),
        otherSupport: false,
        expected: null,
      },
      {
        name: 'only the sentiment corrected on a later message: nothing changes',
        c: base,
        e: corr('m-later', 'support', 'support', 'neutral'),
        otherSupport: false,
        expected: null,
      },
    ];
  it.each(rows)('$name', ({ c, e, otherSupport, expected }) => {
    expect(followCorrection(c, e, otherSupport)).toEqual(expected);
  });

  it('reads the other messages only for a move away from support on a counted case', () => {
    expect(needsOtherLabels(base, corr('m-open', 'support', 'praise'))).toBe(true);
    expect(needsOtherLabels(base, corr('m-open', 'praise', 'support'))).toBe(false);
    expect(needsOtherLabels(base, corr('m-open', 'praise', 'praise', 'positive'))).toBe(false);
    expect(needsOtherLabels(aCase({ status: 'not_support' }), corr('m-open', 'support', 'praise'))).toBe(false);
    expect(otherInboundMentionIds(withMessages(base, outbound(t('11:00'))), 'm-open')).toEqual(['m-later']);
  });
});
