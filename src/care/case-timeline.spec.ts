import { caseState, caseTimeline, type CaseSla, type TimelineMessage } from './case-timeline';
import { SlaClock } from './sla';

const t = (hhmm: string, day = 2) => new Date(`2026-03-0${day}T${hhmm}:00Z`); // 2026-03-02 is a Monday
const customer = (hhmm: string, day?: number): TimelineMessage => ({ direction: 'inbound', at: t(hhmm, day) });
const brand = (hhmm: string, day?: number): TimelineMessage => ({ direction: 'outbound', at: t(hhmm, day) });

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const allTime = (firstResponseSeconds: number): CaseSla => ({
  clock: SlaClock.allTime('UTC'),
  targets: { firstResponseSeconds, resolutionSeconds: 24 * 3600, abandonmentSeconds: 24 * 3600 },
});
const day = [{ start: '09:00', end: '18:00' }];
const officeHours = (firstResponseSeconds: number): CaseSla => ({
  clock: new SlaClock({
    timezone: 'UTC',
    businessHours: { enabled: true, schedule: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [] },
  }),
  targets: { firstResponseSeconds, resolutionSeconds: 18 * 3600, abandonmentSeconds: 9 * 3600 },
});

/** What a user sees of a case, without the message objects. */
const visible = (s: ReturnType<typeof caseState>) => {
  const { firstResponse: _m, ...rest } = s;
  return rest;
};

describe('caseState: a case follows its messages’ times, whatever order they arrive in', () => {
  const cases: {
    name: string;
    messages: TimelineMessage[];
    sla: CaseSla;
    now: Date;
    expected: Partial<ReturnType<typeof visible>>;
  }[] = [
    {
      // the example: the 10:00 message is collected after the brand answered the 10:20 one
      name: '10:00 and 10:20 from the customer, the brand answers the 10:20 one at 10:30',
      messages: [customer('10:00'), customer('10:20'), brand('10:30')],
      sla: allTime(2 * 3600),
      now: t('12:00', 4),
      expected: {
        openedAt: t('10:00'),
        firstResponseAt: t('10:30'), // 1,800 s after opening
        awaitingReplySince: null,
        lastInboundAt: t('10:20'),
        lastOutboundAt: t('10:30'),
        inboundCount: 2,
        outboundCount: 1,
        firstResponseDueAt: t('12:00'),
        resolutionDueAt: t('10:00', 3),
        abandonAt: t('10:00', 3),
        breachedAt: null,
        abandonedAt: null,
      },
    },
    {
      name: 'three messages, an answer, a follow-up: waiting since the follow-up',
      messages: [customer('10:00'), customer('10:10'), customer('10:20'), brand('10:30'), customer('10:45')],
      sla: allTime(2 * 3600),
      now: t('12:00', 4),
      expected: {
        openedAt: t('10:00'),
        firstResponseAt: t('10:30'),
        awaitingReplySince: t('10:45'),
        lastInboundAt: t('10:45'),
        inboundCount: 4,
        breachedAt: null,
      },
    },
    {
      // with a 20-minute target the earliest message shows the 10:30 answer was late
      name: 'the earliest message makes an answer late: breached at the due time',
      messages: [customer('10:00'), customer('10:20'), brand('10:30')],
      sla: allTime(1200),
      now: t('12:00', 4),
      expected: { openedAt: t('10:00'), firstResponseDueAt: t('10:20'), breachedAt: t('10:20'), abandonedAt: null },
    },
    {
      name: 'unanswered past every due time: waiting since the first message, breached and abandoned',
      messages: [customer('10:00'), customer('11:00'), customer('12:00')],
      sla: allTime(2 * 3600),
      now: t('12:00', 4),
      expected: {
        openedAt: t('10:00'),
        firstResponseAt: null,
        awaitingReplySince: t('10:00'),
        breachedAt: t('12:00'),
        abandonedAt: t('10:00', 3),
      },
    },
    {
      name: 'unanswered before its due time: neither breached nor abandoned yet',
      messages: [customer('10:00'), customer('10:30')],
      sla: allTime(2 * 3600),
      now: t('11:59'),
      expected: { openedAt: t('10:00'), awaitingReplySince: t('10:00'), breachedAt: null, abandonedAt: null },
    },
    {
      // a brand post before the customer wrote is not a response to them
      name: 'a brand message before the first customer message is not the first response',
      messages: [brand('09:50'), customer('10:00'), brand('10:40'), customer('10:50')],
      sla: allTime(2 * 3600),
      now: t('12:00', 4),
      expected: {
        openedAt: t('10:00'),
        firstResponseAt: t('10:40'),
        lastOutboundAt: t('10:40'),
        awaitingReplySince: t('10:50'),
        outboundCount: 2,
      },
    },
    {
      // 09:00-18:00 Mon-Fri, 1 h target: opened Mon 17:00, due Mon 18:00; 18:30 has no working time after the due time
      name: 'business hours: an answer after closing, right after the due time, is in time',
      messages: [customer('17:30'), customer('17:00'), brand('18:30')],
      sla: officeHours(3600),
      now: t('12:00', 4),
      expected: { openedAt: t('17:00'), firstResponseDueAt: t('18:00'), abandonAt: t('17:00', 3), breachedAt: null },
    },
    {
      name: 'business hours: the next morning’s answer is late',
      messages: [customer('17:30'), customer('17:00'), brand('09:05', 3)],
      sla: officeHours(3600),
      now: t('12:00', 4),
      expected: { openedAt: t('17:00'), firstResponseAt: t('09:05', 3), breachedAt: t('18:00'), abandonedAt: null },
    },
  ];

  it.each(cases)('$name: every arrival order gives the same state', ({ messages, sla, now, expected }) => {
    const orders = permutations(messages);
    const states = orders.map((order) => visible(caseState(order, sla, now)));
    expect(states[0]).toMatchObject(expected);
    for (const state of states) expect(state).toEqual(states[0]);
  });

  it('the first response is the brand’s earliest message at or after the opening, found in any order', () => {
    const messages = [
      { direction: 'inbound' as const, at: t('10:20'), id: 'later' },
      { direction: 'outbound' as const, at: t('10:45'), id: 'second answer' },
      { direction: 'outbound' as const, at: t('10:30'), id: 'first answer' },
      { direction: 'inbound' as const, at: t('10:00'), id: 'first' },
    ];
    for (const order of permutations(messages)) expect(caseTimeline(order).firstResponse?.id).toBe('first answer');
  });

  it('keeps the stored due times while the opening stays, and moves them with it', () => {
    const sla = allTime(3600);
    const stored = { openedAt: t('10:20'), firstResponseDueAt: t('12:20'), resolutionDueAt: t('10:20', 3), abandonAt: t('10:20', 3) };
    // the target was 2 h when the case opened; it is 1 h now: the due time a customer was promised stays
    expect(caseState([customer('10:20'), brand('10:30')], sla, t('12:00', 4), stored).firstResponseDueAt).toEqual(t('12:20'));
    // an earlier message moves the opening, so the due times are counted again from it
    const moved = caseState([customer('10:20'), brand('10:30'), customer('10:00')], sla, t('12:00', 4), stored);
    expect(moved).toMatchObject({ openedAt: t('10:00'), firstResponseDueAt: t('11:00'), abandonAt: t('10:00', 3) });
  });

  it('clears a breach that no longer holds: the first response now falls in time', () => {
    // opened at 14:00 by the only message known, unanswered until 16:00: breached
    const sla = allTime(2 * 3600);
    expect(caseState([customer('14:00')], sla, t('16:30')).breachedAt).toEqual(t('16:00'));
    // the brand answered an earlier message at 10:30: answered in time, never breached
    expect(caseState([customer('14:00'), customer('10:00'), brand('10:30')], sla, t('16:30')).breachedAt).toBeNull();
  });

  it('refuses a case without a customer message', () => {
    expect(() => caseTimeline([brand('10:00')])).toThrow(RangeError);
  });
});
