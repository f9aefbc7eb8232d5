import { CaseRow, inRange, TimeRange } from './rows';

/**
 * Which cases a care KPI counts. A case is resolved while its status is `resolved`, at its last
 * resolution, so a reopened and re-resolved case counts once, in the range of its last
 * resolution (docs/KPIS.md, resolution time), and a reopened case that is open again does not count.
 */

/** Not resolved nor abandoned: `open`, or `pending` on the customer. */
export function isOpen(c: CaseRow): boolean {
  return c.status === 'open' || c.status === 'pending';
}

export function isResolved(c: CaseRow): boolean {
  return c.status === 'resolved' && c.resolvedAt !== null;
}

/** A case agents found needs no answer (every message corrected away from support) is no care case. */
export function isSupportCase(c: CaseRow): boolean {
  return c.status !== 'not_support';
}

export function openedInRange(cases: readonly CaseRow[], range: TimeRange): CaseRow[] {
  return cases.filter((c) => isSupportCase(c) && inRange(c.openedAt, range));
}

export function resolvedInRange(cases: readonly CaseRow[], range: TimeRange): CaseRow[] {
  return cases.filter((c) => isResolved(c) && inRange(c.resolvedAt!, range));
}
