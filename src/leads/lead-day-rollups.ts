import type { LeadRow } from '../common/rows';
import { dayRollupSchemas, startOfUtcDay, type DayRollupRow } from '../inputs/day-rollups';

/**
 * A day's leads grouped by what attribution reads (docs/KPIS.md, "Leads"): the workspace's social
 * mediums are applied when a report reads them, so the day keeps the tags, not the verdict.
 */
export interface LeadDayEntry {
  medium: string | null;
  source: string | null;
  /** Linked to a mention (always social). */
  linked: boolean;
  n: number;
}

export const LEAD_DAY_ROLLUP = 'LeadDayRollup';
export const LEAD_ROLLUP_MARK = 'LeadRollupMark';
export const leadDayRollupSchemas = dayRollupSchemas('lead');

/** The fields a lead's day entry reads. */
export interface LeadTags {
  occurredAt: Date;
  utmMedium?: string | null;
  utmSource?: string | null;
  mentionId?: unknown;
}

/** The day entries of some leads, by UTC day. */
export function leadDayEntries(leads: Iterable<LeadTags>): Map<number, LeadDayEntry[]> {
  const byDay = new Map<number, Map<string, LeadDayEntry>>();
  for (const lead of leads) {
    const day = startOfUtcDay(lead.occurredAt).getTime();
    const medium = lead.utmMedium ?? null;
    const source = lead.utmSource ?? null;
    const linked = !!lead.mentionId;
    const key = JSON.stringify([medium, source, linked]);
    let entries = byDay.get(day);
    if (!entries) byDay.set(day, (entries = new Map<string, LeadDayEntry>()));
    const e = entries.get(key);
    if (e) e.n += 1;
    else entries.set(key, { medium, source, linked, n: 1 });
  }
  return new Map([...byDay].map(([day, entries]) => [day, [...entries.values()]]));
}

/** Entries with the same tags summed (days of one range, `mergeByRange`). */
export function mergeLeadEntries(entries: readonly LeadDayEntry[]): LeadDayEntry[] {
  const out = new Map<string, LeadDayEntry>();
  for (const e of entries) {
    const key = JSON.stringify([e.medium, e.source, e.linked]);
    const into = out.get(key);
    if (into) into.n += e.n;
    else out.set(key, { ...e });
  }
  return [...out.values()];
}

/** A day row as the KPI functions read leads: one row per entry, counting `n` leads at the day's start. */
export function leadRowsOfDay(row: DayRollupRow<LeadDayEntry>): LeadRow[] {
  return row.entries.map((e) => ({
    leadId: `day:${row.day.toISOString()}`,
    createdAt: row.day,
    utmSource: e.source,
    utmMedium: e.medium,
    mentionId: e.linked ? 'linked' : null,
    count: e.n,
  }));
}
