import type { CaseRow } from '../common/rows';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import type { CaseSla } from './case-timeline';
import type { CaseLean } from './cases.repository';
import { SlaClock } from './sla';

export type { CaseLean } from './cases.repository';

export type CaseExportRow = CaseRow & {
  customer: string;
  intent: string;
  sentiment: string | null;
  firstResponseDueAt: Date;
  breached: boolean;
};

/**
 * One clock per configuration (zone and business hours), shared by every view that has it:
 * building a clock validates its configuration (the zone's validity through luxon) and its day
 * spans are remembered per clock. Keyed by the configuration, not by the workspace view: a view
 * is read anew for most case changes, and a clock per view cost a second of CPU in the demo's
 * first collection. A settings change is a new key, so a new clock. The oldest of more than
 * MAX_CLOCKS configurations is dropped.
 */
const clocks = new Map<string, SlaClock>();
const MAX_CLOCKS = 256;

export function slaClockFor(ws: WorkspaceView): SlaClock {
  const bh = ws.settings.businessHours;
  const config = { timezone: ws.timezone, businessHours: bh?.enabled ? bh : undefined };
  const key = JSON.stringify(config);
  let clock = clocks.get(key);
  if (!clock) {
    clock = new SlaClock(config);
    if (clocks.size >= MAX_CLOCKS) clocks.delete(clocks.keys().next().value!);
    clocks.set(key, clock);
  }
  return clock;
}

export function caseSlaFor(ws: WorkspaceView): CaseSla {
  return { clock: slaClockFor(ws), targets: ws.settings.sla };
}

export function toCaseView(c: CaseLean, withMessages = false) {
  const { _id, workspaceId: _w, messages, externalIds: _e, __v: _v, ...rest } = c as CaseLean & { __v?: number };
  return {
    id: String(_id),
    ...rest,
    topicIds: (c.topicIds ?? []).map(String),
    breached: c.breachedAt !== null && c.breachedAt !== undefined,
    ...(withMessages ? { messages: [...messages].sort((a, b) => a.at.getTime() - b.at.getTime()) } : {}),
  };
}

/** The plain row the care KPIs read (src/reports/kpis). */
export function toCaseRow(c: CaseLean): CaseRow {
  return {
    caseId: String(c._id),
    platform: c.platform,
    openedAt: c.openedAt,
    firstResponseAt: c.firstResponseAt,
    status: c.status === 'pending' ? 'open' : c.status,
    resolvedAt: c.resolvedAt,
    resolutions: c.resolutions ?? [],
    reopenCount: c.reopenCount ?? 0,
    lastReopenedAt: c.lastReopenedAt ?? null,
    abandonedAt: c.abandonedAt,
    inboundCount: c.inboundCount,
    outboundCount: c.outboundCount,
    lastInboundAt: c.lastInboundAt,
    lastOutboundAt: c.lastOutboundAt,
    awaitingReplySince: c.awaitingReplySince,
    assignee: c.assignee,
    team: c.team,
    assignedAt: c.assignedAt ?? null,
    reassignments: c.reassignments ?? [],
    routingKeyword: c.routingKeyword ?? null,
    firstResponder: c.firstResponder ?? null,
    resolvedBy: c.resolvedBy ?? null,
  };
}
