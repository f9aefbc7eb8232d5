import { SlaClock } from '../../care/sla';
import { addCareCounts, addOpening, type CareCounts, type CareRollupSettings, emptyCareCounts } from '../../common/care-rollup';
import { ROLLUP_SLOT_MS, rollupCover, startOfRollupSlot, startOfRollupSpan } from '../../common/time-buckets';
import { isPrivateChannel } from '../../common/visibility';
import { prng } from '../../common/prng';
import { publicCareFromCareRollups, publicCareKpis, type CareRollupPublicCounts } from './competitors';
import { caseRow } from './row-builders-spec';
import type { CaseRow, TimeRange } from './rows';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T00:00:00Z'); // a Monday

/**
 * Business hours on (Mon–Fri 09:00–18:00): the care rollups' SLA durations are working time, while
 * public care is wall-clock, so the two must not be confused.
 */
const office = [{ start: '09:00', end: '18:00' }];
const settings: CareRollupSettings = {
  clock: new SlaClock({
    timezone: 'America/Sao_Paulo',
    businessHours: { enabled: true, schedule: { mon: office, tue: office, wed: office, thu: office, fri: office } },
  }),
  firstResponseTargetSeconds: 2 * 3600,
  abandonmentWindowSeconds: 24 * 3600,
};

/** Cases over 4 days on two public networks and a private one, many on or just beside slot, hour and day marks. */
function seedCases(): CaseRow[] {
  const rand = prng(19);
  const platforms = ['x', 'bluesky', 'whatsapp'];
  return Array.from({ length: 600 }, (_, i) => {
    const edge = i % 5;
    // on a mark, 1 ms before one, or anywhere (ms precision, so durations are fractional seconds)
    const mark = T0 + Math.floor(rand() * 4 * 96) * ROLLUP_SLOT_MS;
    const opened = edge === 0 ? mark : edge === 1 ? mark - 1 : T0 + Math.floor(rand() * 4 * DAY);
    const kind = rand();
    const answered = kind < 0.7;
    const firstResponseAt = answered ? new Date(opened + Math.floor(rand() * 30 * HOUR)) : null;
    const status: CaseRow['status'] =
      kind < 0.4 ? 'resolved' : kind < 0.7 ? 'open' : kind < 0.8 ? 'abandoned' : kind < 0.93 ? 'open' : 'not_support';
    return caseRow(`c${i}`, new Date(opened).toISOString(), {
      platform: platforms[i % 3],
      status,
      firstResponseAt,
      outboundCount: answered ? 1 : 0,
      resolvedAt: status === 'resolved' ? new Date(firstResponseAt!.getTime() + HOUR) : null,
      resolutions: status === 'resolved' ? [new Date(firstResponseAt!.getTime() + HOUR)] : [],
      abandonedAt: status === 'abandoned' ? new Date(opened + DAY) : null,
    });
  });
}

/** The slot rows care keeps for these cases (one scope), then the rows of the range's cover: slots, or hours and days summed from them. */
function coverRows(cases: readonly CaseRow[], from: Date, to: Date): CareRollupPublicCounts[] {
  const slots = new Map<string, CareCounts & { slot: Date; platform: string }>();
  for (const c of cases) {
    const slot = startOfRollupSlot(c.openedAt);
    const id = `${c.platform}|${slot.getTime()}`;
    if (!slots.has(id)) slots.set(id, { slot, platform: c.platform, ...emptyCareCounts() });
    addOpening(slots.get(id)!, c, settings);
  }
  const out: (CareCounts & { slot: Date; platform: string })[] = [];
  for (const piece of rollupCover(from, to)) {
    const rows = new Map<string, CareCounts & { slot: Date; platform: string }>();
    for (const s of slots.values()) {
      if (s.slot < piece.from || s.slot >= piece.to) continue;
      const start = piece.span === 'slot' ? s.slot : startOfRollupSpan(piece.span, s.slot);
      const id = `${s.platform}|${start.getTime()}`;
      if (!rows.has(id)) rows.set(id, { slot: start, platform: s.platform, ...emptyCareCounts() });
      addCareCounts(rows.get(id)!, s);
    }
    out.push(...rows.values());
  }
  return out.filter((r) => !isPrivateChannel(r.platform));
}

/** As the share of voice reads it: rollups for the whole slots in range, case rows for the cut slots at its ends. */
function fromRollups(cases: readonly CaseRow[], range: TimeRange): ReturnType<typeof publicCareKpis> {
  const a = new Date(Math.ceil(range.from.getTime() / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS);
  const b = new Date(Math.floor(range.to.getTime() / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS);
  const edges = cases.filter(
    (c) =>
      c.status !== 'not_support' &&
      !isPrivateChannel(c.platform) &&
      ((c.openedAt >= range.from && c.openedAt < a) || (c.openedAt >= b && c.openedAt < range.to)),
  );
  return publicCareFromCareRollups(a < b ? coverRows(cases, a, b) : [], edges, range);
}

describe("the brand's public care from its care rollups", () => {
  const cases = seedCases();
  const publicRows = cases.filter((c) => !isPrivateChannel(c.platform));

  it.each<[string, string, string]>([
    ['whole days', '2026-03-02T00:00:00Z', '2026-03-05T00:00:00Z'],
    ['slot marks inside days', '2026-03-02T09:15:00Z', '2026-03-04T17:45:00Z'],
    ['any instants (the dashboard sends seconds)', '2026-03-02T09:07:13.250Z', '2026-03-05T11:52:01Z'],
    ['one instant short of a slot', '2026-03-03T10:14:59.999Z', '2026-03-03T13:00:00.001Z'],
    ['inside one slot', '2026-03-03T10:01:00Z', '2026-03-03T10:14:00Z'],
    ['across one slot mark only', '2026-03-03T10:10:00Z', '2026-03-03T10:20:00Z'],
    ['a local day of São Paulo', '2026-03-03T03:00:00Z', '2026-03-04T03:00:00Z'],
  ])('equals the computation over case rows: %s', (_label, from, to) => {
    const range = { from: new Date(from), to: new Date(to) };
    const exact = publicCareKpis(publicRows, range);
    expect(fromRollups(cases, range)).toEqual(exact);
  });

  it('has enough varied cases in range to mean something', () => {
    const range = { from: new Date('2026-03-02T09:07:13.250Z'), to: new Date('2026-03-05T11:52:01Z') };
    const exact = publicCareKpis(publicRows, range);
    expect(exact.cases).toBeGreaterThan(250);
    expect(exact.answered).toBeGreaterThan(150);
    expect(exact.answered).toBeLessThan(exact.cases);
    // the private channel's cases are the caller's to leave out: counted, they would change the figures
    expect(publicCareKpis(cases, range).cases).toBeGreaterThan(exact.cases);
  });

  it('matches hand-computed values: wall-clock, whatever the SLA clock', () => {
    // Saturday: no working time at all, so the SLA clock's first response would be 0 s
    const cases3 = [
      caseRow('a', '2026-03-07T10:00:00Z', { firstResponseAt: new Date('2026-03-07T10:30:00Z') }), // 1800 s
      caseRow('b', '2026-03-07T10:14:59Z', { firstResponseAt: new Date('2026-03-07T12:14:59Z') }), // 7200 s
      caseRow('c', '2026-03-07T10:15:00Z'), // unanswered
      caseRow('d', '2026-03-07T11:00:00Z', { firstResponseAt: new Date('2026-03-07T11:05:00Z'), platform: 'whatsapp' }), // private
    ];
    const range = { from: new Date('2026-03-07T10:05:00Z'), to: new Date('2026-03-07T12:00:00Z') };
    // a (10:00) is before the range; b sits in the cut slot 10:00–10:15, c in a whole slot
    expect(fromRollups(cases3, range)).toEqual({
      cases: 2,
      answered: 1,
      replyRate: 50,
      firstResponse: { mean: 7200, median: 7200, p90: 7200 },
    });
  });
});
