import { addToSketch, mergeSketch, type DurationSketch, type StoredSketch } from './duration-sketch';
import type { CaseRow } from './rows';

/**
 * Care rollups: per workspace, scope (ALL_TOPICS or a topic), platform and 15-minute UTC slot (the
 * mention rollups' slot, ./time-buckets), the counts the overview's care KPIs need (docs/KPIS.md,
 * "Customer care on social"), so a report reads at most 96 small rows a day instead of every
 * case. Written by care (src/care/rollups) on every case change, read by the reports.
 *
 * Attribution follows the date each KPI uses: cases opened, first response, SLA compliance,
 * abandonment and outliers count in the slot of the case's opening; resolution time, FCR,
 * contacts per resolution and the deflection KPIs' resolved cases count in the slot of its last
 * resolution. A report counts a slot when the slot starts in its range, so a range boundary falls
 * on a 15-minute mark, as in the listening KPIs.
 *
 * What a case adds is a function of the case and the workspace's SLA settings only, never of the
 * clock, so it can be stored. The one thing that moves with time, an unanswered case still open
 * (its SLA and abandonment windows elapse while nobody writes), is read live: such a case adds
 * only `opened` here and the report evaluates it at `now` from the open cases it loads anyway
 * for `service.unanswered` (see `isLiveCareCase`). An unanswered case that is closed (abandoned
 * or resolved without an answer) is settled as it will stand once its windows elapse: SLA missed,
 * abandoned, a slow outlier. The exact computation agrees except while such a case is younger
 * than the abandonment window (it cannot be abandoned before; a case resolved unanswered within
 * its first hours is the only difference).
 */

/** A particularly long wait makes an outlier: docs/KPIS.md ("Outlier cases") puts the bar at 3 × target… */
export const OUTLIER_TARGET_MULTIPLE = 3;
/** …or 2 or more reassignments. */
export const OUTLIER_REASSIGNMENTS = 2;

/** Working time on the workspace's SLA clock (business hours, or all time). */
export interface WorkingClock {
  workingSecondsBetween(a: Date, b: Date): number;
  addWorkingSeconds(start: Date, seconds: number): Date;
}

export interface CareRollupSettings {
  clock: WorkingClock;
  firstResponseTargetSeconds: number;
  abandonmentWindowSeconds: number;
}

/** The counters of one slot (and scope and platform). */
export interface CareCounts {
  /** Support cases opened in the slot. */
  opened: number;
  /** First response times of the cases opened in the slot and answered: count, sum, sketch. */
  frCount: number;
  frSum: number;
  frSketch: DurationSketch;
  /**
   * The same cases' first response − opening in wall-clock seconds, each exactly (public care,
   * docs/KPIS.md `shareOfVoice.publicCare.*`, is wall-clock whatever the SLA clock, and its median
   * is exact): what the share of voice reads instead of the brand's case rows.
   */
  frWall: number[];
  /** SLA: eligible (answered, or closed unanswered) and met, of the cases opened in the slot. */
  slaEligible: number;
  slaMet: number;
  /** Abandonment: eligible and abandoned, of the cases opened in the slot (live ones aside). */
  abandonEligible: number;
  abandoned: number;
  /** Outliers among the settled cases opened in the slot. */
  outliers: number;
  /** Cases resolved in the slot (at their last resolution), their resolution times, FCR and inbound messages. */
  resolved: number;
  resSum: number;
  resSketch: DurationSketch;
  fcr: number;
  resolvedInbound: number;
}

/**
 * One stored slot, as a report reads it. The care KPIs do not read `frWall` (the rows they load
 * leave it out); public care reads `frWall` and `opened` alone (`PublicCareRollupRow`).
 */
export interface CareRollupRow extends Omit<CareCounts, 'frWall' | 'frSketch' | 'resSketch'> {
  frWall?: number[];
  /** Plain in a slot; packed in an hour or day row (`PackedSketch`), plain in one written before. */
  frSketch: StoredSketch;
  resSketch: StoredSketch;
  slot: Date;
  platform: string;
}

/** What public care reads of a stored slot, hour or day row (`slot` is its start). */
export interface PublicCareRollupRow {
  slot: Date;
  platform: string;
  opened: number;
  frWall: number[];
}

export function emptyCareCounts(): CareCounts {
  return {
    opened: 0,
    frCount: 0,
    frSum: 0,
    frSketch: {},
    frWall: [],
    slaEligible: 0,
    slaMet: 0,
    abandonEligible: 0,
    abandoned: 0,
    outliers: 0,
    resolved: 0,
    resSum: 0,
    resSketch: {},
    fcr: 0,
    resolvedInbound: 0,
  };
}

const isOpenStatus = (c: Pick<CaseRow, 'status'>) => c.status === 'open' || c.status === 'pending';

/**
 * An unanswered case still open and not abandoned: its SLA, abandonment and outlier standing
 * move with the clock, so the report evaluates it at `now` instead of reading it from a slot.
 */
/**
 * Adds `from`'s counters into `into`, sketches bucket by bucket: how slots sum into hour and day
 * rows and into a report's totals. A counter a stored row lacks counts as 0.
 */
export function addCareCounts(into: CareCounts, from: Partial<CareCounts> | Partial<CareRollupRow>): void {
  into.opened += from.opened ?? 0;
  into.frCount += from.frCount ?? 0;
  into.frSum += from.frSum ?? 0;
  mergeSketch(into.frSketch, from.frSketch);
  if (from.frWall) for (const v of from.frWall) into.frWall.push(v);
  into.slaEligible += from.slaEligible ?? 0;
  into.slaMet += from.slaMet ?? 0;
  into.abandonEligible += from.abandonEligible ?? 0;
  into.abandoned += from.abandoned ?? 0;
  into.outliers += from.outliers ?? 0;
  into.resolved += from.resolved ?? 0;
  into.resSum += from.resSum ?? 0;
  mergeSketch(into.resSketch, from.resSketch);
  into.fcr += from.fcr ?? 0;
  into.resolvedInbound += from.resolvedInbound ?? 0;
}

export function isLiveCareCase(c: Pick<CaseRow, 'status' | 'firstResponseAt' | 'abandonedAt'>): boolean {
  return isOpenStatus(c) && c.firstResponseAt === null && c.abandonedAt === null;
}

const seconds = (clock: WorkingClock, a: Date, b: Date) => Math.max(0, clock.workingSecondsBetween(a, b));

/** What a case opened in the slot adds there (nothing for a case closed as not support). */
export function addOpening(counts: CareCounts, c: CaseRow, s: CareRollupSettings): void {
  if (c.status === 'not_support') return;
  counts.opened += 1;
  if (isLiveCareCase(c)) return;
  const reassigned = c.reassignments.length >= OUTLIER_REASSIGNMENTS;
  if (c.firstResponseAt === null) {
    // Closed unanswered: settled as it stands once its windows have elapsed.
    counts.slaEligible += 1;
    counts.abandonEligible += 1;
    counts.abandoned += 1;
    counts.outliers += 1;
    return;
  }
  const wait = seconds(s.clock, c.openedAt, c.firstResponseAt);
  counts.frCount += 1;
  counts.frSum += wait;
  addToSketch(counts.frSketch, wait);
  counts.frWall.push(Math.max(0, (c.firstResponseAt.getTime() - c.openedAt.getTime()) / 1000));
  counts.slaEligible += 1;
  if (wait <= s.firstResponseTargetSeconds) counts.slaMet += 1;
  const windowEnd = s.clock.addWorkingSeconds(c.openedAt, s.abandonmentWindowSeconds).getTime();
  counts.abandonEligible += 1;
  if (c.abandonedAt !== null || c.firstResponseAt.getTime() > windowEnd) counts.abandoned += 1;
  if (reassigned || wait > OUTLIER_TARGET_MULTIPLE * s.firstResponseTargetSeconds) counts.outliers += 1;
}

/** What a case resolved in the slot (its last resolution, while it stays resolved) adds there. */
export function addResolution(counts: CareCounts, c: CaseRow, s: CareRollupSettings): void {
  if (c.status !== 'resolved' || c.resolvedAt === null) return;
  const took = seconds(s.clock, c.openedAt, c.resolvedAt);
  counts.resolved += 1;
  counts.resSum += took;
  addToSketch(counts.resSketch, took);
  if (c.outboundCount === 1 && c.reopenCount === 0 && c.resolutions.length <= 1) counts.fcr += 1;
  counts.resolvedInbound += c.inboundCount;
}
