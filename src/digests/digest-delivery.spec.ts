import { digestJobId, finalStatus, recipientsOf } from './digest-delivery.service';

describe('finalStatus', () => {
  it.each<[string[], string]>([
    [['sent', 'sent'], 'sent'],
    [['sent', 'refused'], 'partial'],
    [['sent', 'skipped'], 'partial'],
    [['refused', 'failed'], 'failed'],
    [['skipped'], 'failed'],
  ])('%p → %s', (statuses, expected) => {
    expect(finalStatus(statuses.map((status) => ({ status: status as never })))).toBe(expected);
  });
});

describe('recipientsOf', () => {
  it('lists each address, then the Slack webhook, all pending', () => {
    expect(recipientsOf({ emails: ['a@x.test'], slack: true }).map((r) => [r.kind, r.address, r.status])).toEqual([
      ['email', 'a@x.test', 'pending'],
      ['slack', 'webhook', 'pending'],
    ]);
  });
});

describe('digestJobId', () => {
  it('names the schedule and period without the characters BullMQ reserves', () => {
    expect(digestJobId({ scheduleId: 'abc', period: '2026-11-23/2026-11-30' })).toBe('digest:abc:2026-11-23_2026-11-30');
    expect(digestJobId({ scheduleId: 'abc', period: 'manual:2026-11-30T11:00:00.000Z' })).toBe(
      'digest:abc:manual_2026-11-30T11_00_00.000Z',
    );
  });
});
