import type { CaseLean } from './cases.repository';
import { priorityOf, type Priority } from './priority';
import type { CaseMessage, CaseNotSupport, CaseStatus } from './schemas/case.schema';

/**
 * Why an open case waits on us:
 * - `new`: the brand has not answered yet;
 * - `customer_replied`: the customer wrote again after our answer;
 * - `reopened`: the customer wrote after the case was resolved, which reopened it.
 */
export const WAIT_REASONS = ['new', 'customer_replied', 'reopened'] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export interface TriageFields {
  latestMessage: { text: string; platform: string; url: string | null; at: Date } | null;
  waitReason: WaitReason | null;
  /** The customer message that needs an answer: the first one after the brand's last reply. */
  waitingSince: Date | null;
  waitingSeconds: number | null;
  priority: Priority;
}

type TriageCase = Pick<
  CaseLean,
  'platform' | 'status' | 'messages' | 'awaitingReplySince' | 'reopenCount' | 'lastReopenedAt' | 'sentiment' | 'intent'
>;

const OPEN: readonly CaseStatus[] = ['open', 'pending'];

/** The triage list's fields of a case (its messages loaded), at `now`. */
export function triageFields(c: TriageCase, ctx: { slaSeconds: number; vip: boolean; followers?: number | null; now: Date }): TriageFields {
  const messages = [...(c.messages ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime());
  const inbound = messages.filter((m) => m.direction === 'inbound');
  const latest = inbound.at(-1);
  let lastOutbound: CaseMessage | undefined;
  for (const m of messages) if (m.direction === 'outbound') lastOutbound = m;
  const awaiting = OPEN.includes(c.status) && c.awaitingReplySince !== null;
  const needsAnswer = awaiting ? (inbound.find((m) => !lastOutbound || m.at.getTime() > lastOutbound.at.getTime()) ?? null) : null;
  const waitingSince = awaiting ? (needsAnswer?.at ?? c.awaitingReplySince) : null;
  let waitReason: WaitReason | null = null;
  if (awaiting && waitingSince) {
    const reopened = (c.reopenCount ?? 0) > 0 && c.lastReopenedAt && (!lastOutbound || c.lastReopenedAt >= lastOutbound.at);
    waitReason = reopened ? 'reopened' : lastOutbound && lastOutbound.at <= waitingSince ? 'customer_replied' : 'new';
  }
  const waitingSeconds = waitingSince ? Math.max(0, Math.round((ctx.now.getTime() - waitingSince.getTime()) / 1000)) : null;
  return {
    latestMessage: latest ? { text: latest.text, platform: c.platform, url: latest.url ?? null, at: latest.at } : null,
    waitReason,
    waitingSince,
    waitingSeconds,
    priority: priorityOf({
      waitingSeconds,
      slaSeconds: ctx.slaSeconds,
      sentiment: c.sentiment,
      intent: c.intent,
      vip: ctx.vip,
      followers: ctx.followers ?? null,
      repeatContacts: Math.max(0, inbound.length - 1),
    }),
  };
}

/** The update that closes a case as not support from the triage list's bulk action (agent's decision). */
export function notSupportByAgent(
  c: Pick<CaseLean, 'status' | 'messages'>,
  by: string,
  at: Date,
): { status: 'not_support'; notSupport: CaseNotSupport } | null {
  if (c.status === 'not_support') return null;
  const opener = (c.messages ?? []).find((m) => m.direction === 'inbound');
  return {
    status: 'not_support',
    notSupport: { at, by, mentionId: opener?.mentionId ?? '', previousStatus: c.status },
  };
}
