import { Cadence, dueRun, latestDue, nextDue } from './schedule';

const monday8SaoPaulo: Cadence = { frequency: 'weekly', time: '08:00', weekday: 1, tz: 'America/Sao_Paulo' };
const daily8NewYork: Cadence = { frequency: 'daily', time: '08:00', tz: 'America/New_York' };

describe('latestDue', () => {
  it.each<[string, Cadence, string, { dueAt: string; from: string; to: string; key: string }]>([
    [
      'weekly Monday 08:00 São Paulo (UTC−3), exactly at the time',
      monday8SaoPaulo,
      '2026-11-30T11:00:00Z',
      { dueAt: '2026-11-30T11:00:00.000Z', from: '2026-11-23T03:00:00.000Z', to: '2026-11-30T03:00:00.000Z', key: '2026-11-23/2026-11-30' },
    ],
    [
      'one second before: the Monday before',
      monday8SaoPaulo,
      '2026-11-30T10:59:59Z',
      { dueAt: '2026-11-23T11:00:00.000Z', from: '2026-11-16T03:00:00.000Z', to: '2026-11-23T03:00:00.000Z', key: '2026-11-16/2026-11-23' },
    ],
    [
      'on the Sunday after: still that Monday',
      monday8SaoPaulo,
      '2026-12-06T23:00:00Z',
      { dueAt: '2026-11-30T11:00:00.000Z', from: '2026-11-23T03:00:00.000Z', to: '2026-11-30T03:00:00.000Z', key: '2026-11-23/2026-11-30' },
    ],
    [
      'daily 08:00 New York on the spring-forward day: 08:00 EDT, the day before is 24 h of EST',
      daily8NewYork,
      '2026-03-08T12:00:00Z',
      { dueAt: '2026-03-08T12:00:00.000Z', from: '2026-03-07T05:00:00.000Z', to: '2026-03-08T05:00:00.000Z', key: '2026-03-07/2026-03-08' },
    ],
    [
      'the day after: the 23-hour local day is reported',
      daily8NewYork,
      '2026-03-09T12:30:00Z',
      { dueAt: '2026-03-09T12:00:00.000Z', from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z', key: '2026-03-08/2026-03-09' },
    ],
    [
      'daily 02:30 Berlin on the day 02:00–03:00 does not exist: the first minute after the gap',
      { frequency: 'daily', time: '02:30', tz: 'Europe/Berlin' },
      '2026-03-29T02:00:00Z',
      { dueAt: '2026-03-29T01:30:00.000Z', from: '2026-03-27T23:00:00.000Z', to: '2026-03-28T23:00:00.000Z', key: '2026-03-28/2026-03-29' },
    ],
    [
      'monthly on the 31st in February: its last day, reporting January',
      { frequency: 'monthly', time: '09:00', monthDay: 31, tz: 'UTC' },
      '2026-02-28T09:00:00Z',
      { dueAt: '2026-02-28T09:00:00.000Z', from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', key: '2026-01-01/2026-02-01' },
    ],
    [
      'monthly on the 1st, a minute early: the month before',
      { frequency: 'monthly', time: '09:00', monthDay: 1, tz: 'UTC' },
      '2026-03-01T08:59:00Z',
      { dueAt: '2026-02-01T09:00:00.000Z', from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', key: '2026-01-01/2026-02-01' },
    ],
  ])('%s', (_name, cadence, now, expected) => {
    const p = latestDue(cadence, new Date(now));
    expect({ dueAt: p.dueAt.toISOString(), from: p.from.toISOString(), to: p.to.toISOString(), key: p.key }).toEqual(expected);
  });
});

describe('nextDue', () => {
  it('is the next Monday 08:00 local, at the minute', () => {
    expect(nextDue(monday8SaoPaulo, new Date('2026-11-30T11:00:00Z')).dueAt.toISOString()).toBe('2026-12-07T11:00:00.000Z');
    expect(nextDue(monday8SaoPaulo, new Date('2026-11-30T10:59:00Z')).dueAt.toISOString()).toBe('2026-11-30T11:00:00.000Z');
  });
});

describe('dueRun', () => {
  const now = new Date('2026-11-30T11:00:00Z');
  it('sends nothing for a run due before the schedule became active', () => {
    expect(dueRun(monday8SaoPaulo, new Date('2026-11-30T11:00:01Z'), now)).toBeNull();
  });
  it('sends the run due at the minute, not late', () => {
    expect(dueRun(monday8SaoPaulo, new Date('2026-11-29T00:00:00Z'), now)).toMatchObject({ key: '2026-11-23/2026-11-30', late: false });
  });
  it('marks a run sent more than 15 minutes after it was due late (the service was down)', () => {
    const p = dueRun(monday8SaoPaulo, new Date('2026-11-29T00:00:00Z'), new Date('2026-11-30T14:00:00Z'));
    expect(p).toMatchObject({ key: '2026-11-23/2026-11-30', late: true });
  });
  it('after a longer outage sends only the latest missed run', () => {
    const p = dueRun(monday8SaoPaulo, new Date('2026-11-01T00:00:00Z'), new Date('2026-12-02T00:00:00Z'));
    expect(p).toMatchObject({ key: '2026-11-23/2026-11-30', late: true });
  });
});
