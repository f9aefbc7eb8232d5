import { SlaClock } from '../care/sla';
import type { CaseSla } from '../care/case-timeline';
import { publicCareFromSlots, publicCareKpis } from '../reports/kpis/competitors';
import { publicCaseEntry, publicCaseRow, publicCases, slotCounts, type PublicCareMessage, type PublicCareReply } from './public-care';

const SLA: CaseSla = {
  clock: SlaClock.allTime(),
  targets: { firstResponseSeconds: 2 * 3600, resolutionSeconds: 24 * 3600, abandonmentSeconds: 24 * 3600 },
};
const at = (day: number, hhmm: string) => new Date(`2026-03-${String(day).padStart(2, '0')}T${hhmm}:00Z`);
const msg = (
  id: string,
  author: string,
  when: Date,
  intent = 'support',
  conversationId: string | null = `c-${author}`,
): PublicCareMessage => ({
  platform: 'x',
  externalId: id,
  url: `https://x.com/${author}/status/${id}`,
  createdAt: when,
  authorId: author,
  authorHandle: author,
  intent,
  conversationId,
});
const reply = (id: string, to: string, when: Date): PublicCareReply => ({
  platform: 'x',
  externalId: id,
  url: `https://x.com/nuvia/status/${id}`,
  createdAt: when,
  inReplyToExternalId: to,
  accountHandle: 'nuvia_ajuda',
});

describe('public care of a competitor, rebuilt with the inbox rules', () => {
  const messages = [
    msg('m1', 'alice', at(2, '10:00')),
    msg('m2', 'alice', at(2, '10:10'), 'question'), // joins alice's open case
    msg('m3', 'bob', at(2, '11:00'), 'complaint'),
    msg('m4', 'bob', at(2, '14:00'), 'question'), // after the answer, same conversation: reopens bob's case
    msg('m5', 'carol', at(2, '12:00'), 'question'), // never answered
    msg('m6', 'dan', at(2, '09:00')),
    msg('m7', 'erin', at(2, '15:00'), 'praise'), // no request: no case
    msg('m8', 'alice', at(4, '10:00'), 'support', 'c-alice-2'), // another conversation two days later: a new case
  ];
  const replies = [
    reply('r1', 'm2', at(2, '10:30')), // answers alice's follow-up: the case's first response, 30 min after it opened
    reply('r2', 'm3', at(2, '13:00')), // 2 h
    reply('r3', 'm6', at(2, '09:05')), // 5 min
    reply('r4', 'unknown-post', at(2, '09:30')), // a reply to no case of the topic
    reply('r5', 'm4', at(2, '14:20')), // bob's reopened case: not a new first response
  ];
  const now = at(5, '00:00');
  // given shuffled, as networks page newest first
  const cases = publicCases([...messages].reverse(), [...replies].reverse(), SLA, now);

  it('groups messages into cases as the inbox would', () => {
    const byCase = Object.fromEntries(cases.map((c) => [c.caseId, c]));
    expect(Object.keys(byCase).sort()).toEqual(['m1', 'm3', 'm5', 'm6', 'm8']);
    expect(byCase.m1.messages.map((m) => m.externalId)).toEqual(['m1', 'm2', 'r1']);
    expect(byCase.m3).toMatchObject({ reopenCount: 1, status: 'resolved', firstResponseAt: at(2, '13:00'), resolvedAt: at(2, '14:20') });
    expect(byCase.m5).toMatchObject({ status: 'open', firstResponseAt: null });
  });

  it('counts reply rate and first response over the cases opened in range (hand-computed)', () => {
    const rows = cases.map((c) => publicCaseRow(c, SLA, now));
    const day2 = publicCareKpis(rows, { from: at(2, '00:00'), to: at(3, '00:00') });
    // opened on day 2: alice (30 min), bob (2 h), carol (none), dan (5 min)
    expect(day2.cases).toBe(4);
    expect(day2.answered).toBe(3);
    expect(day2.replyRate).toBe(75);
    expect(day2.firstResponse.median).toBe(1800);
    expect(day2.firstResponse.mean).toBe((1800 + 7200 + 300) / 3);
    // carol's case, unanswered past its 24 h window, is abandoned by now
    expect(rows.find((r) => r.caseId === 'm5')!.status).toBe('abandoned');
  });

  it('gives the same figures from 15-minute slots as from the cases', () => {
    const slots = slotCounts(cases.map(publicCaseEntry));
    // alice 10:00, bob 11:00, carol 12:00, dan 09:00 on day 2; alice again on day 4: five slots
    expect(slots.map((s) => [s.slot.toISOString(), s.opened, s.answered, s.firstResponseSeconds])).toEqual(
      expect.arrayContaining([
        [at(2, '10:00').toISOString(), 1, 1, [1800]],
        [at(2, '12:00').toISOString(), 1, 0, []],
      ]),
    );
    expect(slots).toHaveLength(5);
    const day2 = { from: at(2, '00:00'), to: at(3, '00:00') };
    expect(publicCareFromSlots(slots, day2)).toEqual(
      publicCareKpis(
        cases.map((c) => publicCaseRow(c, SLA, now)),
        day2,
      ),
    );
    // a case counts in the slot of its opening: a range from 10:15 leaves alice's (10:00 slot) out
    expect(publicCareFromSlots(slots, { from: at(2, '10:15'), to: at(3, '00:00') })).toMatchObject({ cases: 2, answered: 1 });
  });

  it('answers null, not 0, when no case opened', () => {
    const empty = publicCareKpis([], { from: at(1, '00:00'), to: at(2, '00:00') });
    expect(empty).toEqual({ cases: 0, answered: 0, replyRate: null, firstResponse: { mean: null, median: null, p90: null } });
  });

  it('does not let a message written after an unanswered case was abandoned join it', () => {
    const late = publicCases([msg('a1', 'fay', at(2, '08:00')), msg('a2', 'fay', at(3, '09:00'), 'support', null)], [], SLA, now);
    expect(late.map((c) => c.caseId)).toEqual(['a1', 'a2']);
  });
});
