import { localHours } from './local-hours';
import { measuredHandleTime, measuredPatience, scheduledFromPresence, staffingPlan, type CareCaseRow } from './staffing';

const at = (iso: string) => new Date(iso);

describe('measuredHandleTime', () => {
  it('averages one agent’s back-to-back first-response gaps and ignores pauses over 30 minutes', () => {
    // agent a answers at 10:00, 10:04, 10:10 (gaps 4 and 6 minutes), then 11:30 (a pause)
    const times = ['10:00', '10:04', '10:10', '11:30'];
    const rows: CareCaseRow[] = [];
    for (let k = 0; k < 10; k++)
      for (const t of times)
        rows.push({
          openedAt: at(`2026-03-0${1 + (k % 9)}T09:00:00Z`),
          firstResponseAt: at(`2026-03-${10 + k}T${t}:00Z`),
          agent: 'a',
          abandonedAt: null,
        });
    const m = measuredHandleTime(rows);
    // 10 days × 2 gaps = 20 samples of 240 s and 360 s (the day-to-day gaps are pauses)
    expect(m.samples).toBe(20);
    expect(m.seconds).toBe(300);
  });

  it('is null with too few samples, and never pairs two agents', () => {
    const rows: CareCaseRow[] = [
      { openedAt: at('2026-03-01T09:00:00Z'), firstResponseAt: at('2026-03-01T10:00:00Z'), agent: 'a', abandonedAt: null },
      { openedAt: at('2026-03-01T09:00:00Z'), firstResponseAt: at('2026-03-01T10:05:00Z'), agent: 'b', abandonedAt: null },
    ];
    expect(measuredHandleTime(rows)).toEqual({ seconds: null, samples: 0 });
  });
});

describe('measuredPatience', () => {
  it('is total waiting time ÷ abandoned cases (exponential-patience estimator)', () => {
    const rows: CareCaseRow[] = [];
    // 10 abandoned after 2 hours each, 30 answered after 1 hour each: (20 + 30) h / 10 = 5 h
    for (let i = 0; i < 10; i++)
      rows.push({ openedAt: at('2026-03-01T00:00:00Z'), firstResponseAt: null, agent: null, abandonedAt: at('2026-03-01T02:00:00Z') });
    for (let i = 0; i < 30; i++)
      rows.push({ openedAt: at('2026-03-01T00:00:00Z'), firstResponseAt: at('2026-03-01T01:00:00Z'), agent: 'a', abandonedAt: null });
    expect(measuredPatience(rows, at('2026-03-02T00:00:00Z'))).toEqual({ seconds: 5 * 3600, abandoned: 10 });
    expect(measuredPatience(rows.slice(5), at('2026-03-02T00:00:00Z')).seconds).toBeNull();
  });
});

describe('scheduledFromPresence', () => {
  it('averages agent-hours online per local hour of week over the weeks seen', () => {
    // two Mondays (2026-03-02 and 03-09, UTC): agent a online 09:00-11:00 both weeks, b 09:30-10:00 the first week only
    const hours = localHours(at('2026-03-02T00:00:00Z'), at('2026-03-16T00:00:00Z'), 'UTC');
    const events = [
      { agentId: 'a', status: 'online' as const, at: at('2026-03-02T09:00:00Z') },
      { agentId: 'a', status: 'offline' as const, at: at('2026-03-02T11:00:00Z') },
      { agentId: 'b', status: 'online' as const, at: at('2026-03-02T09:30:00Z') },
      { agentId: 'b', status: 'away' as const, at: at('2026-03-02T10:00:00Z') },
      { agentId: 'a', status: 'online' as const, at: at('2026-03-09T09:00:00Z') },
      { agentId: 'a', status: 'offline' as const, at: at('2026-03-09T11:00:00Z') },
    ];
    const s = scheduledFromPresence(events, hours, at('2026-03-16T00:00:00Z'));
    // Monday 09:00: (1 + ½ + 1) / 2 weeks = 1.25; Monday 10:00: 1; Monday 11:00: 0
    expect(s[9]).toBeCloseTo(1.25, 10);
    expect(s[10]).toBeCloseTo(1, 10);
    expect(s[11]).toBe(0);
  });
});

describe('staffingPlan', () => {
  const hours = (expected: number[]) =>
    localHours(at('2026-03-02T06:00:00Z'), at(`2026-03-02T${String(6 + expected.length).padStart(2, '0')}:00:00Z`), 'UTC').map((h, i) => ({
      ...h,
      expected: expected[i],
    }));
  const base = { handleSeconds: 180, targetSeconds: 20, targetShare: 0.8, patienceSeconds: null, isOpen: () => true };

  it('staffs 100 messages an hour at 3 minutes, 80/20, with 8 agents at 62.5 % occupancy; short by 3 when 5 are scheduled', () => {
    const scheduled = new Array<number>(168).fill(5);
    const [h] = staffingPlan(hours([100]), { ...base, scheduled });
    expect(h.erlangs).toBeCloseTo(5, 10);
    expect(h.agentsNeeded).toBe(8);
    expect(h.occupancy).toBeCloseTo(0.625, 10);
    expect(h.serviceLevel).toBeCloseTo(0.8801, 4);
    expect(h.shortfall).toBe(3);
  });

  it('needs nobody in closed hours and hands their messages to the first open hours of the target’s span', () => {
    // closed 06:00-08:00 (10 + 20 messages), open from 08:00; a 2-hour target spreads the 30 over 08:00 and 09:00
    const plan = staffingPlan(hours([10, 20, 40, 40, 40]), {
      ...base,
      targetSeconds: 7200,
      isOpen: (d) => d.getUTCHours() >= 8,
      scheduled: null,
    });
    expect(plan.map((h) => h.agentsNeeded > 0)).toEqual([false, false, true, true, true]);
    expect(plan.map((h) => h.workload)).toEqual([0, 0, 55, 55, 40]);
    expect(plan[0].shortfall).toBeNull();
  });

  it('rounds scheduled agents to whole people before the shortfall', () => {
    const scheduled = new Array<number>(168).fill(7.6);
    expect(staffingPlan(hours([100]), { ...base, scheduled })[0].shortfall).toBe(0);
  });
});
