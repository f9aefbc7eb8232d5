import { SlaClock } from '../../care/sla';
import {
  addOpening,
  addResolution,
  type CareCounts,
  type CareRollupRow,
  type CareRollupSettings,
  emptyCareCounts,
} from '../../common/care-rollup';
import { startOfRollupSlot } from '../../common/time-buckets';
import { serviceKpis } from './care';
import { casesResolvedFromRollups, serviceKpisFromRollups } from './care-rollups';
import { at, caseRow } from './row-builders-spec';
import { CaseRow } from './rows';

const HOUR = 3600;
const clock = SlaClock.allTime();
const settings: CareRollupSettings = { clock, firstResponseTargetSeconds: 2 * HOUR, abandonmentWindowSeconds: 24 * HOUR };

const answered = (id: string, openedAt: string, firstResponseAt: string, extra: Partial<CaseRow> = {}) =>
  caseRow(id, openedAt, { firstResponseAt: at(firstResponseAt), outboundCount: 1, lastOutboundAt: at(firstResponseAt), ...extra });
const resolved = (id: string, openedAt: string, firstResponseAt: string, resolvedAt: string, extra: Partial<CaseRow> = {}) =>
  answered(id, openedAt, firstResponseAt, { status: 'resolved', resolvedAt: at(resolvedAt), resolutions: [at(resolvedAt)], ...extra });

/** The slots the care service would store for these cases (one scope, one platform). */
function slotsOf(cases: CaseRow[]): CareRollupRow[] {
  const bySlot = new Map<number, CareRollupRow & CareCounts>();
  const counts = (d: Date): CareCounts => {
    const slot = startOfRollupSlot(d);
    let row = bySlot.get(slot.getTime());
    if (!row) bySlot.set(slot.getTime(), (row = { slot, platform: 'x', ...emptyCareCounts() }));
    return row;
  };
  for (const c of cases) {
    addOpening(counts(c.openedAt), c, settings);
    if (c.status === 'resolved' && c.resolvedAt) addResolution(counts(c.resolvedAt), c, settings);
  }
  return [...bySlot.values()];
}

const only = (c: CaseRow, side: 'opening' | 'resolution') => {
  const counts = emptyCareCounts();
  if (side === 'opening') addOpening(counts, c, settings);
  else addResolution(counts, c, settings);
  const { frSketch: _f, resSketch: _r, frWall: _w, ...numbers } = counts;
  return Object.fromEntries(Object.entries(numbers).filter(([, v]) => v !== 0));
};

describe('care rollup increments (what one case adds to its slot)', () => {
  it.each<[string, CaseRow, 'opening' | 'resolution', Record<string, number>]>([
    // answered in 30 min: within the 2 h target and the 24 h window
    [
      'answered in time',
      answered('a', '2024-03-05T10:00:00Z', '2024-03-05T10:30:00Z'),
      'opening',
      { opened: 1, frCount: 1, frSum: 1800, slaEligible: 1, slaMet: 1, abandonEligible: 1 },
    ],
    // 3 h: SLA missed; not above 3 × 2 h, so no outlier
    [
      'answered late',
      answered('b', '2024-03-05T10:00:00Z', '2024-03-05T13:00:00Z'),
      'opening',
      { opened: 1, frCount: 1, frSum: 10_800, slaEligible: 1, abandonEligible: 1 },
    ],
    // 30 h: after the 24 h window (abandoned) and above 6 h (outlier)
    [
      'answered after the window',
      answered('c', '2024-03-05T10:00:00Z', '2024-03-06T16:00:00Z'),
      'opening',
      { opened: 1, frCount: 1, frSum: 108_000, slaEligible: 1, abandonEligible: 1, abandoned: 1, outliers: 1 },
    ],
    [
      'reassigned twice',
      answered('d', '2024-03-05T10:00:00Z', '2024-03-05T10:10:00Z', {
        reassignments: [
          { at: at('2024-03-05T10:01:00Z'), fromAgent: 'x', toAgent: 'y' },
          { at: at('2024-03-05T10:02:00Z'), fromAgent: 'y', toAgent: 'z' },
        ],
      }),
      'opening',
      { opened: 1, frCount: 1, frSum: 600, slaEligible: 1, slaMet: 1, abandonEligible: 1, outliers: 1 },
    ],
    // unanswered and open: its standing moves with the clock, so the report reads it live
    ['unanswered, open', caseRow('e', '2024-03-05T10:00:00Z'), 'opening', { opened: 1 }],
    [
      'unanswered, abandoned',
      caseRow('f', '2024-03-05T10:00:00Z', { status: 'abandoned', abandonedAt: at('2024-03-06T10:00:00Z') }),
      'opening',
      { opened: 1, slaEligible: 1, abandonEligible: 1, abandoned: 1, outliers: 1 },
    ],
    ['closed as not support', caseRow('g', '2024-03-05T10:00:00Z', { status: 'not_support' }), 'opening', {}],
    // resolved after 5 h, one response, three customer messages: FCR
    [
      'resolved at first contact',
      resolved('h', '2024-03-05T10:00:00Z', '2024-03-05T10:30:00Z', '2024-03-05T15:00:00Z', { inboundCount: 3 }),
      'resolution',
      { resolved: 1, resSum: 18_000, fcr: 1, resolvedInbound: 3 },
    ],
    [
      'resolved after a reopen',
      resolved('i', '2024-03-05T10:00:00Z', '2024-03-05T10:30:00Z', '2024-03-05T12:00:00Z', { reopenCount: 1 }),
      'resolution',
      { resolved: 1, resSum: 7200, resolvedInbound: 1 },
    ],
    [
      'reopened, open again',
      answered('j', '2024-03-05T10:00:00Z', '2024-03-05T10:30:00Z', { resolvedAt: at('2024-03-05T12:00:00Z') }),
      'resolution',
      {},
    ],
  ])('%s', (_name, c, side, expected) => {
    expect(only(c, side)).toEqual(expected);
  });
});

describe('care KPIs from rollups', () => {
  const range = { from: at('2024-03-04T00:00:00Z'), to: at('2024-03-11T00:00:00Z') };
  const now = at('2024-03-10T12:00:00Z');
  const cases: CaseRow[] = [
    resolved('r1', '2024-03-04T09:00:00Z', '2024-03-04T09:20:00Z', '2024-03-04T12:00:00Z', { inboundCount: 2 }),
    resolved('r2', '2024-03-05T09:00:00Z', '2024-03-05T12:00:00Z', '2024-03-06T09:00:00Z', { outboundCount: 3 }),
    resolved('r3', '2024-03-03T23:00:00Z', '2024-03-03T23:30:00Z', '2024-03-04T02:00:00Z'), // opened before the range, resolved in it
    answered('o1', '2024-03-06T10:00:00Z', '2024-03-06T10:05:00Z'),
    answered('o2', '2024-03-07T10:00:00Z', '2024-03-08T12:00:00Z'),
    caseRow('u1', '2024-03-10T11:00:00Z', { awaitingReplySince: at('2024-03-10T11:00:00Z') }), // 1 h old: SLA pending
    caseRow('u2', '2024-03-10T08:00:00Z', { awaitingReplySince: at('2024-03-10T08:00:00Z') }), // 4 h: SLA missed, window open
    caseRow('u3', '2024-03-08T08:00:00Z', { awaitingReplySince: at('2024-03-08T08:00:00Z') }), // 52 h: window elapsed
    caseRow('a1', '2024-03-06T08:00:00Z', { status: 'abandoned', abandonedAt: at('2024-03-07T08:00:00Z') }),
  ];
  const options = { clock, firstResponseTargetSeconds: 2 * HOUR, abandonmentWindowSeconds: 24 * HOUR };
  const open = cases.filter((c) => c.status === 'open');

  it('equals the computation over case rows (percentiles within 0.5 %)', () => {
    const exact = serviceKpis(cases, range, now, options);
    const fromRollups = serviceKpisFromRollups(slotsOf(cases), open, range, now, options);
    expect(fromRollups.casesOpened).toBe(exact.casesOpened);
    expect(fromRollups.slaCompliance).toBe(exact.slaCompliance);
    expect(fromRollups.abandonmentRate).toBe(exact.abandonmentRate);
    expect(fromRollups.fcr).toBe(exact.fcr);
    expect(fromRollups.contactsPerResolution).toBe(exact.contactsPerResolution);
    expect(fromRollups.outliers).toBe(exact.outliers.length);
    expect(fromRollups.unanswered).toEqual(exact.unanswered);
    expect(fromRollups.firstResponse.mean).toBeCloseTo(exact.firstResponse.mean!, 6);
    expect(fromRollups.resolution.mean).toBeCloseTo(exact.resolution.mean!, 6);
    for (const k of ['median', 'p90'] as const) {
      expect(Math.abs(fromRollups.firstResponse[k]! - exact.firstResponse[k]!)).toBeLessThanOrEqual(0.005 * exact.firstResponse[k]!);
      expect(Math.abs(fromRollups.resolution[k]! - exact.resolution[k]!)).toBeLessThanOrEqual(0.005 * exact.resolution[k]!);
    }
  });

  it('matches hand-computed values', () => {
    const k = serviceKpisFromRollups(slotsOf(cases), open, range, now, options);
    // opened in range: r1 r2 o1 o2 u1 u2 u3 a1 (r3 opened before)
    expect(k.casesOpened).toBe(8);
    // eligible: r1 r2 o1 o2 (answered), a1, u2, u3 (past due) = 7; met: r1 (20 min), o1 (5 min) = 2
    expect(k.slaCompliance).toBeCloseTo((2 / 7) * 100, 10);
    // eligible: r1 r2 o1 o2 a1 u3 = 6; abandoned: o2 (26 h), a1, u3 = 3
    expect(k.abandonmentRate).toBe(50);
    // resolved in range: r1 (FCR), r2 (3 responses), r3 (FCR)
    expect(k.fcr).toBeCloseTo((2 / 3) * 100, 10);
    expect(k.contactsPerResolution).toBeCloseTo(4 / 3, 10);
    // first responses 1200, 10800, 300, 93600: mean 26475
    expect(k.firstResponse.mean).toBe(26_475);
    // outliers: o2 (26 h > 6 h), a1 (unanswered), u3 (52 h waiting)
    expect(k.outliers).toBe(3);
    expect(casesResolvedFromRollups(slotsOf(cases), range)).toBe(3);
  });
});
