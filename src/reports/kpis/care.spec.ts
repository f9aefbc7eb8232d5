import { SlaClock } from '../../care/sla';
import { at, caseRow } from './row-builders-spec';
import { Reassignment } from './rows';
import {
  abandonmentRate,
  casesOpened,
  contactsPerResolution,
  firstContactResolution,
  firstResponse,
  outlierCases,
  resolution,
  serviceKpis,
  slaCompliance,
  unansweredCases,
} from './care';

// Monday 4 to Monday 11 March 2024, UTC
const range = { from: at('2024-03-04T00:00:00Z'), to: at('2024-03-11T00:00:00Z') };
const HOUR = 3600;

const answered = (id: string, openedAt: string, firstResponseAt: string, extra = {}) =>
  caseRow(id, openedAt, { firstResponseAt: at(firstResponseAt), outboundCount: 1, lastOutboundAt: at(firstResponseAt), ...extra });
const resolved = (id: string, openedAt: string, resolvedAt: string, extra = {}) =>
  caseRow(id, openedAt, { status: 'resolved', resolvedAt: at(resolvedAt), resolutions: [at(resolvedAt)], outboundCount: 1, ...extra });
const moves = (n: number): Reassignment[] =>
  Array.from({ length: n }, (_, i) => ({ at: at(`2024-03-05T1${i}:00:00Z`), fromAgent: `a${i}`, toAgent: `a${i + 1}` }));

const weekdays = [{ start: '09:00', end: '18:00' }];
const saoPauloOffice = new SlaClock({
  timezone: 'America/Sao_Paulo',
  businessHours: { enabled: true, schedule: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays } },
});

describe('first response', () => {
  const cases = [
    answered('c1', '2024-03-04T10:00:00Z', '2024-03-04T10:30:00Z'), // 1800
    answered('c2', '2024-03-05T10:00:00Z', '2024-03-05T11:00:00Z'), // 3600
    answered('c3', '2024-03-05T12:00:00Z', '2024-03-05T15:00:00Z'), // 10800
    answered('c4', '2024-03-06T09:00:00Z', '2024-03-06T09:10:00Z'), // 600
    caseRow('c5', '2024-03-06T09:00:00Z'), // no response: not in the times
    answered('c6', '2024-03-11T00:00:00Z', '2024-03-11T00:05:00Z'), // opened at `to`: out
    answered('c7', '2024-03-03T23:00:00Z', '2024-03-04T01:00:00Z'), // opened before `from`: out
  ];

  it('summarises response times of cases opened in range', () => {
    // sorted 600, 1800, 3600, 10800
    expect(casesOpened(cases, range)).toBe(5);
    expect(firstResponse(cases, range)).toEqual({
      mean: 4200, // (600 + 1800 + 3600 + 10800) / 4
      median: 2700, // (1800 + 3600) / 2
      p90: 8640, // rank (4 − 1) × 0.9 = 2.7: 3600 + 0.7 × (10800 − 3600)
    });
  });

  it('is null without answered cases', () => {
    expect(firstResponse([caseRow('c', '2024-03-05T00:00:00Z')], range)).toEqual({ mean: null, median: null, p90: null });
  });
});

describe('SLA compliance', () => {
  it('counts answered cases and unanswered ones past due, wall clock by default', () => {
    const now = at('2024-03-11T00:30:00Z');
    const cases = [
      answered('c1', '2024-03-04T10:00:00Z', '2024-03-04T10:30:00Z'), // met
      answered('c2', '2024-03-05T10:00:00Z', '2024-03-05T12:00:00Z'), // exactly 2 h: met
      answered('c3', '2024-03-05T12:00:00Z', '2024-03-05T15:00:00Z'), // 3 h: missed
      caseRow('c4', '2024-03-10T20:00:00Z'), // due 22:00 < now: missed
      caseRow('c5', '2024-03-10T23:00:00Z'), // due 01:00 > now: not yet eligible
    ];
    expect(slaCompliance(cases, range, now)).toBeCloseTo((2 / 4) * 100, 12); // 50
    // a 4 h target: c1, c2, c3 met; c4 (4.5 h waiting) missed; c5 pending → 3 / 4
    expect(slaCompliance(cases, range, now, { firstResponseTargetSeconds: 4 * HOUR })).toBe(75);
  });

  it('counts only working time with business hours on', () => {
    const week = { from: at('2024-03-04T00:00:00-03:00'), to: at('2024-03-11T00:00:00-03:00') };
    const now = at('2024-03-11T09:30:00-03:00'); // Monday
    const cases = [
      // Friday 17:30 → Monday 09:45: 30 + 45 = 75 working minutes ≤ 120: met
      answered('a', '2024-03-08T17:30:00-03:00', '2024-03-11T09:45:00-03:00'),
      // Friday 17:30 → Monday 10:45: 30 + 105 = 135 > 120: missed
      answered('b', '2024-03-08T17:30:00-03:00', '2024-03-11T10:45:00-03:00'),
      // Friday 16:00, unanswered at Monday 09:30: 120 + 30 = 150 > 120: missed
      caseRow('c', '2024-03-08T16:00:00-03:00'),
      // Friday 17:00, unanswered at Monday 09:30: 60 + 30 = 90 ≤ 120: not yet eligible
      caseRow('d', '2024-03-08T17:00:00-03:00'),
    ];
    // met 1 / eligible 3
    expect(slaCompliance(cases, week, now, { clock: saoPauloOffice })).toBeCloseTo(100 / 3, 12);
    // on a wall clock all four are past 2 h and none is met: 0 / 4
    expect(slaCompliance(cases, week, now)).toBe(0);
  });

  it('is null when no case is eligible yet', () => {
    expect(slaCompliance([caseRow('c', '2024-03-10T23:00:00Z')], range, at('2024-03-11T00:00:00Z'))).toBeNull();
  });
});

describe('resolution', () => {
  const cases = [
    resolved('r1', '2024-03-04T10:00:00Z', '2024-03-04T12:00:00Z'), // 2 h = 7200
    resolved('r2', '2024-03-01T00:00:00Z', '2024-03-05T00:00:00Z'), // opened before, resolved in range: 4 d = 345600
    // reopened and resolved again: once, at the last resolution, 48 h = 172800
    resolved('r3', '2024-03-04T08:00:00Z', '2024-03-06T08:00:00Z', {
      resolutions: [at('2024-03-04T09:00:00Z'), at('2024-03-06T08:00:00Z')],
      reopenCount: 1,
    }),
    // resolved in range, then reopened and open again: not resolved
    caseRow('r4', '2024-03-04T08:00:00Z', {
      status: 'open',
      resolvedAt: at('2024-03-05T00:00:00Z'),
      resolutions: [at('2024-03-05T00:00:00Z')],
      reopenCount: 1,
    }),
    // first resolution in range, last after it: counted in the range of its last resolution only
    resolved('r5', '2024-03-04T08:00:00Z', '2024-03-12T00:00:00Z', {
      resolutions: [at('2024-03-05T00:00:00Z'), at('2024-03-12T00:00:00Z')],
      reopenCount: 1,
    }),
  ];

  it('measures opened → last resolution, counting a reopened case once', () => {
    // sorted 7200, 172800, 345600
    expect(resolution(cases, range)).toEqual({
      mean: 175200, // (7200 + 345600 + 172800) / 3
      median: 172800,
      p90: 311040, // rank 2 × 0.9 = 1.8: 172800 + 0.8 × (345600 − 172800)
    });
  });
});

describe('first contact resolution and contacts per resolution', () => {
  const cases = [
    resolved('f1', '2024-03-04T10:00:00Z', '2024-03-04T11:00:00Z', { outboundCount: 1, inboundCount: 1 }), // FCR
    resolved('f2', '2024-03-04T10:00:00Z', '2024-03-04T11:00:00Z', { outboundCount: 2, inboundCount: 3 }), // two responses
    // one response but reopened: not FCR
    resolved('f3', '2024-03-04T10:00:00Z', '2024-03-06T11:00:00Z', {
      outboundCount: 1,
      inboundCount: 2,
      reopenCount: 1,
      resolutions: [at('2024-03-04T11:00:00Z'), at('2024-03-06T11:00:00Z')],
    }),
    resolved('f4', '2024-03-05T10:00:00Z', '2024-03-05T11:00:00Z', { outboundCount: 1, inboundCount: 2 }), // FCR
    resolved('f5', '2024-03-01T10:00:00Z', '2024-03-02T11:00:00Z', { outboundCount: 1, inboundCount: 9 }), // resolved before range
    caseRow('f6', '2024-03-05T10:00:00Z', { outboundCount: 1, inboundCount: 9 }), // open
  ];

  it('counts one-response, never-reopened resolutions', () => {
    expect(firstContactResolution(cases, range)).toBe(50); // f1, f4 of f1 … f4: 2 / 4 × 100
  });

  it('averages customer messages per resolved case', () => {
    expect(contactsPerResolution(cases, range)).toBe(2); // (1 + 3 + 2 + 2) / 4
  });

  it('treats a reopen count or a second resolution each as a reopen', () => {
    const reopened = [
      resolved('g1', '2024-03-04T10:00:00Z', '2024-03-06T11:00:00Z', { reopenCount: 1 }), // count says reopened
      resolved('g2', '2024-03-04T10:00:00Z', '2024-03-06T11:00:00Z', {
        resolutions: [at('2024-03-05T11:00:00Z'), at('2024-03-06T11:00:00Z')],
      }),
      resolved('g3', '2024-03-04T10:00:00Z', '2024-03-04T11:00:00Z'), // FCR
    ];
    expect(firstContactResolution(reopened, range)).toBeCloseTo(100 / 3, 12); // 1 / 3 × 100
  });

  it('is null without resolutions', () => {
    expect(firstContactResolution([], range)).toBeNull();
    expect(contactsPerResolution([], range)).toBeNull();
  });
});

describe('abandonment rate', () => {
  const now = at('2024-03-11T00:30:00Z');
  const cases = [
    answered('a1', '2024-03-04T10:00:00Z', '2024-03-04T11:00:00Z'), // answered in 1 h
    caseRow('a2', '2024-03-06T12:00:00Z', { status: 'abandoned', abandonedAt: at('2024-03-07T12:00:00Z') }), // closed as abandoned
    answered('a3', '2024-03-07T08:00:00Z', '2024-03-08T10:00:00Z'), // answered after 26 h: outside the window
    caseRow('a4', '2024-03-10T20:00:00Z'), // window open until 03-11 20:00: not yet eligible
    caseRow('a5', '2024-03-08T00:00:00Z'), // unanswered, window elapsed, not closed yet
    answered('a6', '2024-03-09T00:00:00Z', '2024-03-09T23:00:00Z'), // 23 h: inside
  ];

  it('counts cases with no response inside the 24 h window', () => {
    // eligible a1, a2, a3, a5, a6; abandoned a2, a3, a5: 3 / 5 × 100
    expect(abandonmentRate(cases, range, now)).toBe(60);
  });

  it('uses the window it is given', () => {
    // 48 h: a3 (26 h) is no longer abandoned; a5's window closed 03-10 00:00: abandoned; 2 / 5 × 100
    expect(abandonmentRate(cases, range, now, { abandonmentWindowSeconds: 48 * HOUR })).toBe(40);
  });

  it('is null until a window elapses', () => {
    expect(abandonmentRate([caseRow('a', '2024-03-10T20:00:00Z')], range, now)).toBeNull();
  });
});

describe('unanswered now', () => {
  const now = at('2024-03-11T12:00:00Z');
  const cases = [
    caseRow('u1', '2024-03-11T09:00:00Z', { lastInboundAt: at('2024-03-11T10:00:00Z') }), // never answered: since opening
    caseRow('u2', '2024-03-11T08:00:00Z', {
      lastOutboundAt: at('2024-03-11T09:30:00Z'),
      lastInboundAt: at('2024-03-11T11:00:00Z'),
      awaitingReplySince: at('2024-03-11T10:00:00Z'),
    }),
    caseRow('u3', '2024-03-11T08:00:00Z', { lastOutboundAt: at('2024-03-11T11:30:00Z'), lastInboundAt: at('2024-03-11T11:00:00Z') }), // brand spoke last
    resolved('u4', '2024-03-11T08:00:00Z', '2024-03-11T09:00:00Z', { lastInboundAt: at('2024-03-11T10:00:00Z') }), // not open
    caseRow('u5', '2024-03-11T08:00:00Z', { lastOutboundAt: at('2024-03-11T09:00:00Z'), lastInboundAt: at('2024-03-11T11:30:00Z') }),
    // pending on the customer, who has written again: still waiting for the brand
    caseRow('u6', '2024-03-11T08:00:00Z', {
      status: 'pending',
      lastOutboundAt: at('2024-03-11T09:00:00Z'),
      lastInboundAt: at('2024-03-11T11:00:00Z'),
    }),
    caseRow('u7', '2024-03-11T08:00:00Z', { status: 'abandoned', lastInboundAt: at('2024-03-11T08:00:00Z') }),
  ];

  it('lists open cases whose last message is the customer’s, longest wait first', () => {
    expect(unansweredCases(cases, now).map((u) => [u.caseId, u.waitingSeconds])).toEqual([
      ['u1', 3 * HOUR], // 09:00 → 12:00
      ['u2', 2 * HOUR], // 10:00 → 12:00
      ['u6', HOUR], // 11:00 → 12:00
      ['u5', 30 * 60], // 11:30 → 12:00
    ]);
  });
});

describe('outliers', () => {
  const now = at('2024-03-11T00:00:00Z');

  it('flags first responses above 3 × target and cases reassigned twice or more', () => {
    const cases = [
      answered('o1', '2024-03-04T10:00:00Z', '2024-03-04T17:00:00Z'), // 7 h > 6 h
      answered('o2', '2024-03-04T10:00:00Z', '2024-03-04T16:00:00Z'), // exactly 6 h: not above
      answered('o3', '2024-03-04T10:00:00Z', '2024-03-04T11:00:00Z', { reassignments: moves(2) }),
      caseRow('o4', '2024-03-10T10:00:00Z'), // unanswered for 14 h
      answered('o5', '2024-03-04T10:00:00Z', '2024-03-04T11:00:00Z', { reassignments: moves(1) }),
      answered('o6', '2024-03-05T10:00:00Z', '2024-03-05T18:00:00Z', { reassignments: moves(3) }), // 8 h and 3 moves
    ];
    expect(outlierCases(cases, range, now)).toEqual([
      { caseId: 'o4', reasons: ['slowFirstResponse'], answered: false, firstResponseWorkingSeconds: 14 * HOUR, reassignments: 0 },
      {
        caseId: 'o6',
        reasons: ['slowFirstResponse', 'reassigned'],
        answered: true,
        firstResponseWorkingSeconds: 8 * HOUR,
        reassignments: 3,
      },
      { caseId: 'o1', reasons: ['slowFirstResponse'], answered: true, firstResponseWorkingSeconds: 7 * HOUR, reassignments: 0 },
      { caseId: 'o3', reasons: ['reassigned'], answered: true, firstResponseWorkingSeconds: 1 * HOUR, reassignments: 2 },
    ]);
  });

  it('measures the wait in working time with business hours on', () => {
    const week = { from: at('2024-03-04T00:00:00-03:00'), to: at('2024-03-11T00:00:00-03:00') };
    // Friday 17:00 → Monday 10:00 is 65 h of wall clock but 1 + 1 = 2 working hours
    const cases = [answered('w', '2024-03-08T17:00:00-03:00', '2024-03-11T10:00:00-03:00')];
    expect(outlierCases(cases, week, at('2024-03-12T00:00:00Z'), { clock: saoPauloOffice })).toEqual([]);
    expect(outlierCases(cases, week, at('2024-03-12T00:00:00Z'))).toHaveLength(1);
  });
});

describe('serviceKpis', () => {
  it('assembles every care KPI under its API name', () => {
    const kpis = serviceKpis([answered('c1', '2024-03-04T10:00:00Z', '2024-03-04T10:30:00Z')], range, at('2024-03-11T00:00:00Z'));
    expect(kpis).toEqual({
      casesOpened: 1,
      firstResponse: { mean: 1800, median: 1800, p90: 1800 },
      slaCompliance: 100,
      resolution: { mean: null, median: null, p90: null },
      abandonmentRate: 0,
      fcr: null,
      contactsPerResolution: null,
      unanswered: [],
      outliers: [],
    });
  });
});

describe('durations on a business-hours clock (only working time counts)', () => {
  // Mon-Fri 09:00-18:00 in UTC; 2024-03-08 is a Friday.
  const clock = new SlaClock({
    timezone: 'UTC',
    businessHours: { enabled: true, schedule: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays } },
  });
  const week = { from: at('2024-03-04T00:00:00Z'), to: at('2024-03-18T00:00:00Z') };

  it('first response and resolution count working seconds only', () => {
    // opened Fri 17:30, answered Mon 09:45: 30 min Friday + 45 min Monday = 75 min = 4500 s
    // resolved Mon 10:30: 30 + 90 = 120 min = 7200 s
    const c = caseRow('c1', '2024-03-08T17:30:00Z', {
      firstResponseAt: at('2024-03-11T09:45:00Z'),
      status: 'resolved',
      resolvedAt: at('2024-03-11T10:30:00Z'),
      resolutions: [at('2024-03-11T10:30:00Z')],
      outboundCount: 1,
      inboundCount: 1,
    });
    const kpis = serviceKpis([c], week, at('2024-03-12T00:00:00Z'), { clock });
    expect(kpis.firstResponse.mean).toBe(4500);
    expect(kpis.resolution.mean).toBe(7200);
    expect(kpis.slaCompliance).toBe(100);
    // without a clock the same case is wall-clock: Fri 17:30 → Mon 09:45 = 64 h 15 min = 231300 s
    expect(serviceKpis([c], week, at('2024-03-12T00:00:00Z')).firstResponse.mean).toBe(231300);
  });

  it('the abandonment window runs in working time', () => {
    // opened Fri 17:00 unanswered; a 24 h window on the clock needs 1 h Fri + 9 h Mon + 9 h Tue + 5 h Wed → Wed 14:00
    const c = caseRow('c2', '2024-03-08T17:00:00Z', { firstResponseAt: null });
    const opts = { clock, abandonmentWindowSeconds: 24 * HOUR };
    expect(serviceKpis([c], week, at('2024-03-13T13:59:00Z'), opts).abandonmentRate).toBeNull(); // window still open
    expect(serviceKpis([c], week, at('2024-03-13T14:00:00Z'), opts).abandonmentRate).toBe(100);
  });
});
