/**
 * A case's priority in the triage list: a score from what makes a waiting customer more urgent,
 * turned into a level, with the reasons that raised it (shown on hover in the inbox).
 *
 * Points (added up):
 * - waiting time against the first-response SLA: past due +40, at 75 % or more of it +25, at
 *   50 % or more +10 (no points when nobody awaits a reply);
 * - negative sentiment +15;
 * - intent: complaint +15, support +10, question +5 (a complaint outranks a question);
 * - VIP author (marked by the workspace) +25;
 * - follower reach: 100 000 or more +15, 10 000 or more +10, 1 000 or more +5;
 * - repeat contacts (customer messages beyond the first in the case): 3 or more +10, 1 or 2 +5.
 *
 * Levels: urgent at 60 points or more, high at 35, normal at 15, else low.
 */
export const PRIORITY_LEVELS = ['urgent', 'high', 'normal', 'low'] as const;
export type PriorityLevel = (typeof PRIORITY_LEVELS)[number];

export type PriorityReason =
  | 'sla_breached'
  | 'sla_due_soon'
  | 'waiting_half_sla'
  | 'negative_sentiment'
  | 'complaint'
  | 'support_request'
  | 'question'
  | 'vip'
  | 'reach'
  | 'repeat_contact';

export interface PriorityInput {
  /** Seconds since the message that needs an answer; null when the brand spoke last. */
  waitingSeconds: number | null;
  /** The workspace's first-response target, in seconds. */
  slaSeconds: number;
  sentiment: string | null;
  intent: string;
  vip: boolean;
  /** The author's followers, when the network reports them. */
  followers: number | null;
  /** Customer messages in the case beyond the first. */
  repeatContacts: number;
}

export interface Priority {
  level: PriorityLevel;
  score: number;
  reasons: PriorityReason[];
}

const INTENT_POINTS: Record<string, [number, PriorityReason]> = {
  complaint: [15, 'complaint'],
  support: [10, 'support_request'],
  question: [5, 'question'],
};

export function priorityOf(input: PriorityInput): Priority {
  let score = 0;
  const reasons: PriorityReason[] = [];
  const add = (points: number, reason: PriorityReason) => {
    score += points;
    reasons.push(reason);
  };
  if (input.waitingSeconds !== null && input.slaSeconds > 0) {
    const ratio = input.waitingSeconds / input.slaSeconds;
    if (ratio >= 1) add(40, 'sla_breached');
    else if (ratio >= 0.75) add(25, 'sla_due_soon');
    else if (ratio >= 0.5) add(10, 'waiting_half_sla');
  }
  if (input.sentiment === 'negative') add(15, 'negative_sentiment');
  const intent = INTENT_POINTS[input.intent];
  if (intent) add(...intent);
  if (input.vip) add(25, 'vip');
  const followers = input.followers ?? 0;
  if (followers >= 100_000) add(15, 'reach');
  else if (followers >= 10_000) add(10, 'reach');
  else if (followers >= 1_000) add(5, 'reach');
  if (input.repeatContacts >= 3) add(10, 'repeat_contact');
  else if (input.repeatContacts >= 1) add(5, 'repeat_contact');
  const level: PriorityLevel = score >= 60 ? 'urgent' : score >= 35 ? 'high' : score >= 15 ? 'normal' : 'low';
  return { level, score, reasons };
}

/** Sort rank of a level: urgent first. */
export function priorityRank(level: PriorityLevel): number {
  return PRIORITY_LEVELS.indexOf(level);
}
