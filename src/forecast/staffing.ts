import { agentsNeededA, agentsNeededC, offeredLoad, occupancy, serviceLevelA, serviceLevelC } from './erlang';
import { HOURS_PER_WEEK } from './forecast-model';
import type { LocalHour } from './local-hours';

/**
 * Staffing from the forecast: pure functions over plain rows (the service feeds them from cases,
 * presence events and the workspace's settings).
 */

/** A gap between two first responses of one agent longer than this is a pause, not a case's work. */
export const BACK_TO_BACK_SECONDS = 30 * 60;
/** Fewer back-to-back gaps than this and the handle time is not measured (the default is used). */
export const MIN_HANDLE_SAMPLES = 20;
/** Handle time used until enough is measured: 5 minutes a social or WhatsApp conversation. */
export const DEFAULT_HANDLE_SECONDS = 300;
/** Abandoned cases needed before patience counts as measured (and Erlang A is used). */
export const MIN_ABANDONED = 10;
/** The share of messages to answer within the first-response target when the workspace sets none (issue #20). */
export const DEFAULT_SERVICE_LEVEL_TARGET = 0.8;

export interface CareCaseRow {
  openedAt: Date;
  firstResponseAt: Date | null;
  /** Who answered first (else who holds it). */
  agent: string | null;
  abandonedAt: Date | null;
}

/**
 * Measured mean handle time: the cases give no "work started" time, so an agent's work per case is
 * read from the cadence of their first responses. When one agent's first responses follow each other
 * within 30 minutes, the agent was working through a queue and the gap is the time one case took
 * (reading, looking up, writing, follow-ups in between); longer gaps are pauses and are left out.
 * The mean of those gaps, or null with fewer than MIN_HANDLE_SAMPLES of them.
 */
export function measuredHandleTime(rows: readonly CareCaseRow[]): { seconds: number | null; samples: number } {
  const byAgent = new Map<string, number[]>();
  for (const r of rows) {
    if (!r.firstResponseAt || !r.agent) continue;
    const list = byAgent.get(r.agent) ?? [];
    list.push(r.firstResponseAt.getTime());
    byAgent.set(r.agent, list);
  }
  const gaps: number[] = [];
  for (const times of byAgent.values()) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] - times[i - 1]) / 1000;
      if (gap > 0 && gap <= BACK_TO_BACK_SECONDS) gaps.push(gap);
    }
  }
  if (gaps.length < MIN_HANDLE_SAMPLES) return { seconds: null, samples: gaps.length };
  return { seconds: gaps.reduce((s, g) => s + g, 0) / gaps.length, samples: gaps.length };
}

/**
 * Mean patience, the Erlang A input, by the standard estimator for exponential patience: time
 * customers spent waiting (to the first response, or to abandonment) ÷ the number who abandoned.
 * Null with fewer than MIN_ABANDONED abandoned cases.
 */
export function measuredPatience(rows: readonly CareCaseRow[], now: Date): { seconds: number | null; abandoned: number } {
  let waited = 0;
  let abandoned = 0;
  for (const r of rows) {
    const end = r.firstResponseAt ?? r.abandonedAt ?? now;
    waited += Math.max(0, end.getTime() - r.openedAt.getTime()) / 1000;
    if (r.abandonedAt && !r.firstResponseAt) abandoned++;
  }
  return { seconds: abandoned >= MIN_ABANDONED ? waited / abandoned : null, abandoned };
}

export interface PresenceEvent {
  agentId: string;
  status: 'online' | 'away' | 'offline';
  at: Date;
}

/**
 * Agents on duty by hour of week, from presence history: for each past local hour of `hours`,
 * the agent-hours online in it (an agent online for 30 minutes counts ½), averaged over the
 * occurrences of that hour of week. Hours of week never seen are 0.
 */
export function scheduledFromPresence(events: readonly PresenceEvent[], hours: readonly LocalHour[], now: Date): number[] {
  const sessions: { from: number; to: number }[] = [];
  const since = new Map<string, number>();
  for (const e of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const open = since.get(e.agentId);
    if (e.status === 'online') {
      if (open === undefined) since.set(e.agentId, e.at.getTime());
    } else if (open !== undefined) {
      sessions.push({ from: open, to: e.at.getTime() });
      since.delete(e.agentId);
    }
  }
  for (const from of since.values()) sessions.push({ from, to: now.getTime() });
  const sum = new Array<number>(HOURS_PER_WEEK).fill(0);
  const seen = new Array<number>(HOURS_PER_WEEK).fill(0);
  hours.forEach((h, i) => {
    const a = h.start.getTime();
    const b = i + 1 < hours.length ? hours[i + 1].start.getTime() : a + 3_600_000;
    if (b > now.getTime()) return;
    let online = 0;
    for (const s of sessions) online += Math.max(0, Math.min(b, s.to) - Math.max(a, s.from));
    sum[h.how] += online / (b - a);
    seen[h.how]++;
  });
  return sum.map((s, how) => (seen[how] ? s / seen[how] : 0));
}

export interface StaffingParams {
  handleSeconds: number;
  targetSeconds: number;
  targetShare: number;
  /** Mean patience; Erlang A is used when it is known and within ten targets (else abandonment cannot matter in time). */
  patienceSeconds: number | null;
  /** Whether the hour starting at `d` is working time (business hours off: always). */
  isOpen: (d: Date) => boolean;
  /** Agents scheduled by hour of week, or null when nothing is known. */
  scheduled: readonly number[] | null;
}

export interface StaffingHour {
  t: Date;
  open: boolean;
  /** Forecast inbound messages arriving in the hour. */
  expected: number;
  /** Messages the hour must answer: its own, plus its share of the backlog from closed hours. */
  workload: number;
  /** Offered load in erlangs. */
  erlangs: number;
  agentsNeeded: number;
  /** Expected share answered within target with that many agents. */
  serviceLevel: number | null;
  occupancy: number | null;
  scheduled: number | null;
  /** Agents needed − scheduled agents (rounded to whole people), when more are needed (0 otherwise); null without a schedule. */
  shortfall: number | null;
}

/**
 * Agents needed per hour. Outside business hours nobody is needed (the SLA clock is stopped); what
 * arrives then waits, and the first open hours after it carry that backlog, spread over as many
 * open hours as the first-response target spans (at least one), since the backlog must be
 * answered within the target once the clock runs. Erlang C (or A) is applied to each hour's
 * workload as a steady Poisson stream: a simplification for the backlog hours.
 */
export function staffingPlan(hours: readonly (LocalHour & { expected: number })[], p: StaffingParams): StaffingHour[] {
  const spread = Math.max(1, Math.round(p.targetSeconds / 3600));
  let backlog = 0;
  let backlogLeft = 0;
  let backlogShare = 0;
  const useA = p.patienceSeconds !== null && p.patienceSeconds < 10 * p.targetSeconds;
  return hours.map((h) => {
    const open = p.isOpen(h.start);
    if (!open) {
      backlog += h.expected;
      return {
        t: h.start,
        open,
        expected: h.expected,
        workload: 0,
        erlangs: 0,
        agentsNeeded: 0,
        serviceLevel: null,
        occupancy: null,
        scheduled: p.scheduled ? p.scheduled[h.how] : null,
        shortfall: p.scheduled ? 0 : null,
      };
    }
    if (backlog > 0) {
      backlogShare = backlog / spread;
      backlogLeft = spread;
      backlog = 0;
    }
    const carried = backlogLeft > 0 ? backlogShare : 0;
    if (backlogLeft > 0) backlogLeft--;
    const workload = h.expected + carried;
    const input = { arrivalRate: workload / 3600, handleSeconds: p.handleSeconds, targetSeconds: p.targetSeconds };
    const a = offeredLoad(input.arrivalRate, input.handleSeconds);
    const withPatience = { ...input, patienceSeconds: p.patienceSeconds ?? Infinity };
    const needed = useA ? agentsNeededA(withPatience, p.targetShare) : agentsNeededC(input, p.targetShare);
    const level = needed === 0 ? null : useA ? serviceLevelA(needed, withPatience) : serviceLevelC(needed, input);
    const scheduled = p.scheduled ? p.scheduled[h.how] : null;
    return {
      t: h.start,
      open,
      expected: h.expected,
      workload,
      erlangs: a,
      agentsNeeded: needed,
      serviceLevel: level,
      occupancy: occupancy(needed, a),
      scheduled,
      shortfall: scheduled === null ? null : Math.max(0, needed - Math.round(scheduled)),
    };
  });
}
