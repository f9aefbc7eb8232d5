import { addCareCounts, emptyCareCounts, isLiveCareCase, type CareRollupRow } from '../../common/care-rollup';
import { sketchPercentile, type DurationSketch } from '../../common/duration-sketch';
import { firstResponseSla, SlaClock } from '../../care/sla';
import { DEFAULT_FIRST_RESPONSE_TARGET_SECONDS } from '../../care/sla';
import { DEFAULT_ABANDONMENT_WINDOW_SECONDS, outlierCases, type ServiceOptions, unansweredCases, type UnansweredCase } from './care';
import { isSupportCase } from './cases';
import { CaseRow, inRange, TimeRange } from './rows';
import { percent, ratio } from './statistics';
import type { DurationSummary } from './statistics';

/**
 * The overview's care KPIs (docs/KPIS.md, "Customer care on social") from the care rollups
 * (src/common/care-rollup.ts says what each slot counts and where) plus the open cases, which the
 * report loads anyway for `service.unanswered`: the unanswered open ones among them are evaluated
 * at `now`, exactly as ./care.ts does, since their SLA and abandonment windows move with the clock.
 * Percentiles come from the slots' duration sketches (within 0.5 % of the exact ones, which the
 * care report over case rows still gives); means and ratios are exact.
 */
export interface ServiceRollupKpis {
  casesOpened: number;
  firstResponse: DurationSummary;
  slaCompliance: number | null;
  resolution: DurationSummary;
  abandonmentRate: number | null;
  fcr: number | null;
  contactsPerResolution: number | null;
  unanswered: UnansweredCase[];
  outliers: number;
}

function summary(count: number, sum: number, sketch: DurationSketch): DurationSummary {
  return { mean: ratio(sum, count), median: sketchPercentile(sketch, 50), p90: sketchPercentile(sketch, 90) };
}

/** Σ of the slots starting in range. */
export function careTotals(slots: readonly CareRollupRow[], range: TimeRange) {
  const t = emptyCareCounts();
  for (const s of slots) if (inRange(s.slot, range)) addCareCounts(t, s);
  return t;
}

/** Cases resolved in range (once each, at the last resolution): the deflection KPIs' social resolutions. */
export function casesResolvedFromRollups(slots: readonly CareRollupRow[], range: TimeRange): number {
  let n = 0;
  for (const s of slots) if (inRange(s.slot, range)) n += s.resolved;
  return n;
}

export function serviceKpisFromRollups(
  slots: readonly CareRollupRow[],
  open: readonly CaseRow[],
  range: TimeRange,
  now: Date,
  options: ServiceOptions = {},
): ServiceRollupKpis {
  const t = careTotals(slots, range);
  const clock = options.clock ?? SlaClock.allTime();
  const target = options.firstResponseTargetSeconds ?? DEFAULT_FIRST_RESPONSE_TARGET_SECONDS;
  const windowSeconds = options.abandonmentWindowSeconds ?? DEFAULT_ABANDONMENT_WINDOW_SECONDS;
  // The slots counted these only as opened: their standing is the clock's.
  const live = open.filter((c) => isSupportCase(c) && isLiveCareCase(c) && inRange(c.openedAt, range));
  let slaEligible = t.slaEligible;
  let abandonEligible = t.abandonEligible;
  let abandoned = t.abandoned;
  for (const c of live) {
    if (firstResponseSla(clock, c.openedAt, null, now, target).status !== 'pending') slaEligible += 1;
    if (clock.addWorkingSeconds(c.openedAt, windowSeconds).getTime() <= now.getTime()) {
      abandonEligible += 1;
      abandoned += 1;
    }
  }
  return {
    casesOpened: t.opened,
    firstResponse: summary(t.frCount, t.frSum, t.frSketch),
    slaCompliance: percent(t.slaMet, slaEligible),
    resolution: summary(t.resolved, t.resSum, t.resSketch),
    abandonmentRate: percent(abandoned, abandonEligible),
    fcr: percent(t.fcr, t.resolved),
    contactsPerResolution: ratio(t.resolvedInbound, t.resolved),
    unanswered: unansweredCases(open, now),
    outliers: t.outliers + outlierCases(live, range, now, options).length,
  };
}
