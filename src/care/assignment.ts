/**
 * Assignment rules per team (issue 18, item 5): which agent gets a new case. Pure: the caller
 * loads the team's rule, its agents with their presence and open-case counts, and the last agent
 * round-robin gave a case to, and persists the choice.
 */
export const ASSIGNMENT_MODES = ['manual', 'round_robin', 'least_loaded'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export interface AssignmentRule {
  mode: AssignmentMode;
  /** Most open cases an agent may hold; null: no cap. */
  maxOpenPerAgent: number | null;
  /** How long an agent may stay offline before their open cases go to others. */
  offlineGraceMinutes: number;
}

export const DEFAULT_ASSIGNMENT_RULE: AssignmentRule = { mode: 'manual', maxOpenPerAgent: null, offlineGraceMinutes: 15 };

export interface AssignmentCandidate {
  id: string;
  presence: 'online' | 'away' | 'offline';
  /** Active agents only receive cases. */
  active?: boolean;
  /** Open cases the agent holds now. */
  open: number;
}

/**
 * The agent for a new case, or null (manual mode, nobody online, or everyone at the cap).
 * Round-robin: the first eligible agent after `lastAgentId` in id order (wrapping).
 * Least-loaded: the eligible agent with the fewest open cases (ties by id order).
 * Eligible: active, online, below `maxOpenPerAgent`, and not in `exclude` (the agent a case leaves).
 */
export function chooseAgent(
  rule: AssignmentRule,
  agents: readonly AssignmentCandidate[],
  lastAgentId: string | null = null,
  exclude: readonly string[] = [],
): string | null {
  if (rule.mode === 'manual') return null;
  const eligible = agents
    .filter((a) => a.active !== false && a.presence === 'online' && !exclude.includes(a.id))
    .filter((a) => rule.maxOpenPerAgent === null || a.open < rule.maxOpenPerAgent)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (eligible.length === 0) return null;
  if (rule.mode === 'least_loaded') {
    return eligible.reduce((best, a) => (a.open < best.open ? a : best)).id;
  }
  const next = lastAgentId === null ? undefined : eligible.find((a) => a.id > lastAgentId);
  return (next ?? eligible[0]).id;
}
