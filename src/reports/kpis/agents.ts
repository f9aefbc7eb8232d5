import { isOpen, openedInRange, resolvedInRange } from './cases';
import { AgentRow, CaseRow, inRange, PresenceEvent, TimeRange } from './rows';
import { mean, secondsBetween } from './statistics';

/**
 * docs/KPIS.md, per agent and per team (`/api/v1/reports/agents`): handle time,
 * online time, closed chats, queue, reassignments, routing by keyword and reroutes.
 *
 * Attribution rules:
 * - A case's history is a list of assignment segments: the first assignee from `assignedAt`, then
 *   one segment per reassignment. A segment's team is the one the reassignment names, else the
 *   agent's team in the directory; the current segment takes the case's `team`.
 * - Handled: the agent (team) held the case at some moment of the range (a segment overlaps
 *   `[from, min(to, now))`); the last segment ends at the resolution, the abandonment, or `now`.
 * - Open now: `open` or `pending`, by current assignee and team.
 * - Closed: resolved in range (once, at the last resolution) by `resolvedBy`, else the current
 *   assignee; for teams, the case's current team.
 * - Handle time: last resolution − the later of the current assignment and the last reopen (seed
 *   002: handling starts when the agent receives the chat, or when a new message reopens it).
 * - First response: over cases opened in range, first response − opened (the customer's wait),
 *   credited to `firstResponder`, else whoever held the case at that moment.
 * - Reassignments and reroutes are events in range, credited to the agent (team) the case left;
 *   time to reroute is the event − case opened (docs/KPIS.md, "Customer care": from the start of the conversation until
 *   the agent sends it on).
 * - Online time: from an `online` event until the next `away`/`offline` event or `now`, clipped
 *   to the range. The feeding query must include each agent's last event before `from`, or an
 *   agent online since before the range counts from their first event in it.
 */

export interface CareStats {
  casesHandled: number;
  casesClosed: number;
  meanHandleSeconds: number | null;
  meanFirstResponseSeconds: number | null;
  openCasesNow: number;
  reassignments: number;
  meanTimeToRerouteSeconds: number | null;
  onlineSeconds: number;
}

export interface AgentStats extends CareStats {
  agentId: string;
  team: string | null;
}

export interface TeamStats extends CareStats {
  team: string;
}

export interface RoutingKeywordStats {
  keyword: string;
  /** Cases opened in range that the router matched to the keyword. */
  casesRouted: number;
  /** Reassignments in range of cases with the keyword. */
  reroutes: number;
  meanTimeToRerouteSeconds: number | null;
}

export interface AgentReport {
  agents: AgentStats[];
  teams: TeamStats[];
  routingKeywords: RoutingKeywordStats[];
}

export interface AgentReportInputs {
  cases: readonly CaseRow[];
  presence: readonly PresenceEvent[];
  /** The workspace's agents and their teams. */
  agents: readonly AgentRow[];
}

export interface AssignmentSegment {
  agent: string | null;
  team: string | null;
  start: Date;
  /** When the case left this assignment; `null` for the current one. */
  end: Date | null;
}

/** The assignment history of a case, oldest first; empty when it was never assigned. */
export function assignmentSegments(c: CaseRow, teamOf: (agent: string | null) => string | null = () => null): AssignmentSegment[] {
  if (c.assignedAt === null && c.reassignments.length === 0) return [];
  const segments: AssignmentSegment[] = [];
  const first = c.reassignments[0];
  let agent = first ? first.fromAgent : c.assignee;
  let team = first ? (first.fromTeam ?? teamOf(agent)) : c.team;
  let start = c.assignedAt ?? c.openedAt;
  for (const move of c.reassignments) {
    segments.push({ agent, team, start, end: move.at });
    agent = move.toAgent;
    team = move.toTeam ?? teamOf(agent);
    start = move.at;
  }
  segments.push({ agent: c.assignee, team: c.team ?? team, start, end: null });
  return segments;
}

/** Seconds an agent was online within `[from, min(to, now))`. */
export function onlineSeconds(events: readonly PresenceEvent[], agentId: string, range: TimeRange, now: Date): number {
  const from = range.from.getTime();
  const end = Math.min(range.to.getTime(), now.getTime());
  const mine = events.filter((e) => e.agentId === agentId).sort((a, b) => a.at.getTime() - b.at.getTime());
  let total = 0;
  let onlineSince: number | null = null;
  const close = (until: number) => {
    if (onlineSince !== null) total += Math.max(0, Math.min(until, end) - Math.max(onlineSince, from));
  };
  for (const event of mine) {
    const t = event.at.getTime();
    if (event.status === 'online') {
      if (onlineSince === null) onlineSince = t;
    } else {
      close(t);
      onlineSince = null;
    }
  }
  close(end);
  return total / 1000;
}

/** Seconds from the start of handling (current assignment, or last reopen) to the last resolution. */
export function handleSeconds(c: CaseRow): number | null {
  if (c.resolvedAt === null) return null;
  const lastMove = c.reassignments.at(-1);
  const assigned = (lastMove?.at ?? c.assignedAt ?? c.openedAt).getTime();
  const start = Math.max(assigned, c.lastReopenedAt?.getTime() ?? -Infinity);
  return Math.max(0, (c.resolvedAt.getTime() - start) / 1000);
}

class Tally {
  readonly handled = new Set<string>();
  closed = 0;
  readonly handle: number[] = [];
  readonly firstResponse: number[] = [];
  open = 0;
  reassignments = 0;
  readonly reroute: number[] = [];
  online = 0;

  stats(): CareStats {
    return {
      casesHandled: this.handled.size,
      casesClosed: this.closed,
      meanHandleSeconds: mean(this.handle),
      meanFirstResponseSeconds: mean(this.firstResponse),
      openCasesNow: this.open,
      reassignments: this.reassignments,
      meanTimeToRerouteSeconds: mean(this.reroute),
      onlineSeconds: this.online,
    };
  }
}

export function agentReport(inputs: AgentReportInputs, range: TimeRange, now: Date): AgentReport {
  const directory = new Map(inputs.agents.map((a) => [a.agentId, a.team]));
  const teamOf = (agent: string | null) => (agent === null ? null : (directory.get(agent) ?? null));
  const agents = new Map<string, Tally>();
  const teams = new Map<string, Tally>();
  const agentTally = (id: string | null | undefined) => (id ? getOrCreate(agents, id, () => new Tally()) : null);
  const teamTally = (team: string | null | undefined) => (team ? getOrCreate(teams, team, () => new Tally()) : null);
  for (const a of inputs.agents) {
    agentTally(a.agentId);
    teamTally(a.team);
  }

  const rangeEnd = Math.min(range.to.getTime(), now.getTime());
  const from = range.from.getTime();
  const opened = new Set(openedInRange(inputs.cases, range).map((c) => c.caseId));
  const resolved = new Set(resolvedInRange(inputs.cases, range).map((c) => c.caseId));

  for (const c of inputs.cases) {
    const segments = assignmentSegments(c, teamOf);
    const caseEnd = (c.status === 'resolved' ? c.resolvedAt : c.status === 'abandoned' ? c.abandonedAt : null) ?? now;

    for (const s of segments) {
      const start = s.start.getTime();
      const end = (s.end ?? caseEnd).getTime();
      if (start < rangeEnd && (end > from || start >= from)) {
        agentTally(s.agent)?.handled.add(c.caseId);
        teamTally(s.team)?.handled.add(c.caseId);
      }
    }

    if (resolved.has(c.caseId)) {
      const closer = c.resolvedBy ?? c.assignee;
      const seconds = handleSeconds(c);
      for (const tally of [agentTally(closer), teamTally(c.team)]) {
        if (!tally) continue;
        tally.closed += 1;
        if (seconds !== null) tally.handle.push(seconds);
      }
    }

    if (opened.has(c.caseId) && c.firstResponseAt !== null) {
      const holder = segments.find((s) => s.start <= c.firstResponseAt! && (s.end === null || c.firstResponseAt! < s.end));
      const responder = c.firstResponder ?? holder?.agent ?? null;
      const team = c.firstResponder ? (teamOf(c.firstResponder) ?? holder?.team) : holder?.team;
      const seconds = Math.max(0, secondsBetween(c.openedAt, c.firstResponseAt));
      agentTally(responder)?.firstResponse.push(seconds);
      teamTally(team)?.firstResponse.push(seconds);
    }

    if (isOpen(c)) {
      for (const tally of [agentTally(c.assignee), teamTally(c.team)]) if (tally) tally.open += 1;
    }

    c.reassignments.forEach((move, i) => {
      if (!inRange(move.at, range)) return;
      const seconds = Math.max(0, secondsBetween(c.openedAt, move.at));
      for (const tally of [agentTally(move.fromAgent), teamTally(segments[i].team)]) {
        if (!tally) continue;
        tally.reassignments += 1;
        tally.reroute.push(seconds);
      }
    });
  }

  for (const [agentId, tally] of agents) {
    tally.online = onlineSeconds(inputs.presence, agentId, range, now);
    const team = teamTally(teamOf(agentId));
    if (team) team.online += tally.online;
  }

  return {
    agents: [...agents]
      .map(([agentId, tally]) => ({ agentId, team: teamOf(agentId), ...tally.stats() }))
      .sort((a, b) => a.agentId.localeCompare(b.agentId)),
    teams: [...teams].map(([team, tally]) => ({ team, ...tally.stats() })).sort((a, b) => a.team.localeCompare(b.team)),
    routingKeywords: routingKeywordStats(inputs.cases, range),
  };
}

/** Per routing keyword: cases routed in range, reroutes in range, mean time to reroute. */
export function routingKeywordStats(cases: readonly CaseRow[], range: TimeRange): RoutingKeywordStats[] {
  const byKeyword = new Map<string, { routed: number; reroute: number[] }>();
  for (const c of cases) {
    if (c.routingKeyword === null) continue;
    const entry = getOrCreate(byKeyword, c.routingKeyword, () => ({ routed: 0, reroute: [] as number[] }));
    if (inRange(c.openedAt, range)) entry.routed += 1;
    for (const move of c.reassignments) {
      if (inRange(move.at, range)) entry.reroute.push(Math.max(0, secondsBetween(c.openedAt, move.at)));
    }
  }
  return [...byKeyword]
    .filter(([, e]) => e.routed > 0 || e.reroute.length > 0)
    .map(([keyword, e]) => ({ keyword, casesRouted: e.routed, reroutes: e.reroute.length, meanTimeToRerouteSeconds: mean(e.reroute) }))
    .sort((a, b) => b.casesRouted - a.casesRouted || a.keyword.localeCompare(b.keyword));
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
