import { priorityOf, type PriorityInput } from './priority';

const base: PriorityInput = {
  waitingSeconds: 0,
  slaSeconds: 7200,
  sentiment: 'neutral',
  intent: 'other',
  vip: false,
  followers: null,
  repeatContacts: 0,
};

describe('priorityOf', () => {
  // Scores computed by hand from the table in priority.ts.
  it.each<[string, Partial<PriorityInput>, number, string, string[]]>([
    ['nothing pressing', {}, 0, 'low', []],
    ['a question just in', { intent: 'question' }, 5, 'low', ['question']],
    ['a complaint just in', { intent: 'complaint' }, 15, 'normal', ['complaint']],
    ['half the SLA gone (3600 s of 7200 s)', { waitingSeconds: 3600 }, 10, 'low', ['waiting_half_sla']],
    [
      'three quarters of the SLA gone, support',
      { waitingSeconds: 5400, intent: 'support' },
      35,
      'high',
      ['sla_due_soon', 'support_request'],
    ],
    [
      'past the SLA, negative complaint',
      { waitingSeconds: 7200, sentiment: 'negative', intent: 'complaint' },
      70,
      'urgent',
      ['sla_breached', 'negative_sentiment', 'complaint'],
    ],
    ['a VIP question', { vip: true, intent: 'question' }, 30, 'normal', ['question', 'vip']],
    [
      'a VIP complaint, negative',
      { vip: true, intent: 'complaint', sentiment: 'negative' },
      55,
      'high',
      ['negative_sentiment', 'complaint', 'vip'],
    ],
    ['reach 1 000', { followers: 1_000 }, 5, 'low', ['reach']],
    ['reach 10 000', { followers: 10_000 }, 10, 'low', ['reach']],
    ['reach 250 000 and wrote 4 times', { followers: 250_000, repeatContacts: 3 }, 25, 'normal', ['reach', 'repeat_contact']],
    ['wrote twice', { repeatContacts: 1 }, 5, 'low', ['repeat_contact']],
    ['brand spoke last: the wait scores nothing', { waitingSeconds: null, intent: 'complaint' }, 15, 'normal', ['complaint']],
    [
      'everything at once',
      { waitingSeconds: 9000, sentiment: 'negative', intent: 'complaint', vip: true, followers: 100_000, repeatContacts: 5 },
      120,
      'urgent',
      ['sla_breached', 'negative_sentiment', 'complaint', 'vip', 'reach', 'repeat_contact'],
    ],
  ])('%s', (_name, over, score, level, reasons) => {
    expect(priorityOf({ ...base, ...over })).toEqual({ score, level, reasons });
  });

  it('puts a complaint above a question, all else equal', () => {
    expect(priorityOf({ ...base, intent: 'complaint' }).score).toBeGreaterThan(priorityOf({ ...base, intent: 'question' }).score);
  });
});
