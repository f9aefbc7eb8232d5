import { resolvedInRange } from './cases';
import { CaseRow, inRange, SupportContactRow, TimeRange, TrafficRow } from './rows';
import { percent, perThousand, ratio, sum } from './statistics';

/**
 * docs/KPIS.md, Deflection (support operations), call deflection: website traffic
 * measured against calls, and what a social interaction saves against a call.
 */

export interface DeflectionOptions {
  /** Cost of an assisted contact: a call-centre interaction can cost up to US$ 12 (docs/KPIS.md, "Deflection"). */
  costPerCall?: number;
  /** Cost of a social interaction, near US$ 1 (docs/KPIS.md, "Deflection"). */
  costPerSocialInteraction?: number;
}

export const DEFAULT_COST_PER_CALL = 12;
export const DEFAULT_COST_PER_SOCIAL_INTERACTION = 1;

export interface DeflectionKpis {
  assistedContacts: number;
  websiteSessions: number;
  /** assisted contacts / sessions × 1000 */
  contactRatePer1kSessions: number | null;
  /** sessions / assisted contacts */
  selfServiceScore: number | null;
  /** cases resolved on social / (cases resolved on social + assisted contacts) × 100 */
  socialDeflectionRate: number | null;
  /** cases resolved on social × (cost per call − cost per social interaction), workspace currency */
  estimatedSavings: number;
}

export interface DeflectionInputs {
  contacts: readonly SupportContactRow[];
  traffic: readonly TrafficRow[];
  /** Social care cases; those resolved in range (once each, at the last resolution) count. */
  cases: readonly CaseRow[];
  /** How many cases were resolved in range, when known without the rows (the care rollups); else counted from `cases`. */
  casesResolved?: number;
}

/** Hourly or daily periods count when they start in range. */
export function deflectionKpis(inputs: DeflectionInputs, range: TimeRange, options: DeflectionOptions = {}): DeflectionKpis {
  const costPerCall = options.costPerCall ?? DEFAULT_COST_PER_CALL;
  const costPerSocial = options.costPerSocialInteraction ?? DEFAULT_COST_PER_SOCIAL_INTERACTION;
  const assistedContacts = sum(inputs.contacts.filter((c) => inRange(c.periodStart, range)).map((c) => c.contacts));
  const websiteSessions = sum(inputs.traffic.filter((t) => inRange(t.periodStart, range)).map((t) => t.sessions));
  const resolvedOnSocial = inputs.casesResolved ?? resolvedInRange(inputs.cases, range).length;
  return {
    assistedContacts,
    websiteSessions,
    contactRatePer1kSessions: perThousand(assistedContacts, websiteSessions),
    selfServiceScore: ratio(websiteSessions, assistedContacts),
    socialDeflectionRate: percent(resolvedOnSocial, resolvedOnSocial + assistedContacts),
    estimatedSavings: resolvedOnSocial * (costPerCall - costPerSocial),
  };
}
