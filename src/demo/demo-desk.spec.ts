import { answerTime } from './demo-desk';

describe('answerTime', () => {
  const tz = 'America/Sao_Paulo';
  // 14:00 in São Paulo (UTC-3): the full team's hours
  const since = new Date('2026-12-02T17:00:00Z');
  const ids = Array.from({ length: 200 }, (_, i) => `case-${i}`);

  it('answers most messages, each after the message, and leaves the same ones unanswered at any pace', () => {
    const real = ids.map((id) => answerTime(id, since, tz));
    const fast = ids.map((id) => answerTime(id, since, tz, 10));
    expect(real.map((a) => a === null)).toEqual(fast.map((a) => a === null));
    expect(real.filter((a) => a === null).length).toBeLessThan(20);
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
});
