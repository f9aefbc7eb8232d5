import { DateTime } from 'luxon';
import { countByLocalHour, hourOfWeek, localHours } from './local-hours';

const HOUR_MS = 3_600_000;

/** What localHours computed with luxon alone, step by step (the implementation before the fast path). */
function byLuxon(from: Date, to: Date, tz: string) {
  const out: { start: Date; how: number }[] = [];
  for (let t = DateTime.fromJSDate(from, { zone: tz }).startOf('hour'); t.toMillis() < to.getTime(); t = t.plus({ hours: 1 }))
    out.push({ start: t.toJSDate(), how: hourOfWeek(t) });
  return out;
}

describe('local hours', () => {
  it.each([
    ['UTC', '2026-03-01T00:00:00Z', '2026-03-15T00:00:00Z'],
    ['America/Sao_Paulo', '2026-01-01T10:17:00Z', '2026-01-15T00:00:00Z'],
    // Brazil still changed clocks in 2018: 4 November forward, 17 February back
    ['America/Sao_Paulo', '2018-10-28T00:00:00Z', '2018-11-08T05:00:00Z'],
    ['America/Sao_Paulo', '2019-02-10T00:00:00Z', '2019-02-24T05:00:00Z'],
    ['Europe/Lisbon', '2026-03-20T00:30:00Z', '2026-04-05T00:00:00Z'],
    ['Europe/Lisbon', '2026-10-20T00:00:00Z', '2026-11-03T00:00:00Z'],
    ['America/New_York', '2026-03-01T00:00:00Z', '2026-03-15T00:00:00Z'],
    ['America/New_York', '2026-10-25T00:00:00Z', '2026-11-08T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-03-25T00:00:00Z', '2026-04-20T00:00:00Z'],
    ['Asia/Kathmandu', '2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z'],
  ])('agrees with luxon hour by hour in %s from %s to %s', (tz, from, to) => {
    const [a, b] = [new Date(from), new Date(to)];
    const got = localHours(a, b, tz);
    const want = byLuxon(a, b, tz);
    expect(got.length).toBe(want.length);
    expect(got.map((h) => [h.start.toISOString(), h.how])).toEqual(want.map((h) => [h.start.toISOString(), h.how]));
  });

  it('counts 15-minute slots into the local hour that holds them, and leaves out the rest', () => {
    const hours = localHours(new Date('2026-03-02T03:00:00Z'), new Date('2026-03-02T06:00:00Z'), 'America/Sao_Paulo');
    const at = (iso: string) => new Date(iso);
    const counts = countByLocalHour(hours, [
      { at: at('2026-03-02T02:45:00Z'), n: 100 },
      { at: at('2026-03-02T03:00:00Z'), n: 1 },
      { at: at('2026-03-02T03:45:00Z'), n: 2 },
      { at: at('2026-03-02T04:15:00Z'), n: 3 },
      { at: at('2026-03-02T05:45:00Z'), n: 4 },
      { at: at('2026-03-02T06:00:00Z'), n: 100 },
    ]);
    expect(counts).toEqual([3, 3, 4]);
    expect(hours[0].how).toBe(0); // Monday 00:00 in São Paulo
    expect(hours[1].start.getTime() - hours[0].start.getTime()).toBe(HOUR_MS);
  });
});
