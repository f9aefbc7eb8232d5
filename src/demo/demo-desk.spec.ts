import { DateTime } from 'luxon';
import { answerTime, DESK_RATES } from './demo-desk';

const MINUTE = 60_000;
const SLA_MINUTES = 120;

describe('answerTime', () => {
  const tz = 'America/Sao_Paulo';
  // 14:00 in São Paulo (UTC-3): the full team's hours
  const since = new Date('2026-12-02T17:00:00Z');
  const ids = Array.from({ length: 200 }, (_, i) => `case-${i}`);

  it('answers most messages, each after the message, and leaves the same ones unanswered at any pace', () => {
    const real = ids.map((id) => answerTime(id, since, tz));
    const fast = ids.map((id) => answerTime(id, since, tz, 10));
    expect(real.map((a) => a === null)).toEqual(fast.map((a) => a === null));
    expect(real.filter((a) => a === null).length).toBeLessThan(10);
    for (const a of real) if (a) expect(a.getTime()).toBeGreaterThan(since.getTime());
  });

  it('at pace 10 waits a tenth as long', () => {
    for (const id of ids) {
      const real = answerTime(id, since, tz);
      const fast = answerTime(id, since, tz, 10);
      if (!real || !fast) continue;
      expect(fast.getTime() - since.getTime()).toBeCloseTo((real.getTime() - since.getTime()) / 10, 0);
    }
  });

  // 4,000 cases at each local hour: the shares a working team's desk shows (the draws are fixed by
  // the case id, so the numbers are exact on every run; the bounds leave room for sampling).
  const many = Array.from({ length: 4_000 }, (_, i) => `c${i}`);
  const at = (hour: number) => DateTime.fromObject({ year: 2026, month: 12, day: 2, hour, minute: 17 }, { zone: tz }).toJSDate();
  it.each([
    // local hour, who works, least share answered within the 2 h SLA, longest wait of the in-SLA answers (min)
    [10, 'full team', 0.93, 45],
    [15, 'full team', 0.93, 45],
    [19, 'evening shift', 0.93, 75],
    [23, 'agent on call', 0.83, 90],
    [3, 'agent on call', 0.83, 90],
  ])('at %i:17 (%s) answers at least %f within the SLA, none of them after %i min', (hour, _who, withinSla, longest) => {
    const t0 = at(hour);
    const waits = many.map((id) => answerTime(id, t0, tz)).map((a) => (a ? (a.getTime() - t0.getTime()) / MINUTE : null));
    const inSla = waits.filter((w): w is number => w !== null && w < SLA_MINUTES);
    expect(inSla.length / many.length).toBeGreaterThanOrEqual(withinSla);
    expect(Math.max(...inSla)).toBeLessThanOrEqual(longest);
    // a few breaches and abandonments remain, as a real queue has
    const unanswered = waits.filter((w) => w === null).length / many.length;
    expect(unanswered).toBeGreaterThan(DESK_RATES.unanswered / 2);
    expect(unanswered).toBeLessThan(DESK_RATES.unanswered * 2);
    const late = waits.filter((w) => w !== null && w >= SLA_MINUTES).length / many.length;
    expect(late).toBeGreaterThan(DESK_RATES.late / 2);
  });

  it('at night, the messages the agent on call leaves wait for the morning team (08:00 to 09:00)', () => {
    const t0 = at(3);
    const answers = many.map((id) => answerTime(id, t0, tz)).filter((a): a is Date => a !== null);
    const inTheMorning = answers.filter((a) => DateTime.fromJSDate(a, { zone: tz }).hour === 8).length / many.length;
    // the ones the agent on call leaves, and a few late answers that land then too
    expect(inTheMorning).toBeGreaterThan((1 - DESK_RATES.onCallAtNight) * 0.8);
    for (const a of answers) expect(DateTime.fromJSDate(a, { zone: tz }).hour).toBeLessThan(10);
  });
});
