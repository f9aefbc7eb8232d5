import { isSocialLead, LeadAttributionOptions } from '../../common/lead-attribution';
import { inRange, LeadRow, MentionRollupRow, TimeRange, TrafficRow } from './rows';
import { percent, perThousand, sum } from './statistics';

/** The Leads (marketing) KPIs of docs/KPIS.md: the rate of leads generated from social media. */

export { DEFAULT_SOCIAL_MEDIUMS, isSocialLead, isSocialSource, SOCIAL_SOURCES } from '../../common/lead-attribution';
export type { LeadAttributionOptions } from '../../common/lead-attribution';

export interface LeadKpis {
  social: number;
  intentMentions: number;
  /** social leads / social-referred website sessions × 100 */
  conversionRate: number | null;
  /** social leads / mentions × 1000 */
  per1kMentions: number | null;
}

/** `leads.social`: leads created in range and attributed to social (a row may stand for `count` leads). */
export function socialLeads(leads: readonly LeadRow[], range: TimeRange, options: LeadAttributionOptions = {}): number {
  let n = 0;
  for (const lead of leads) if (inRange(lead.createdAt, range) && isSocialLead(lead, options)) n += lead.count ?? 1;
  return n;
}

/**
 * Σ social-referred sessions of the traffic periods starting in range, or `null` when no period
 * recorded them (unknown is not zero).
 */
export function socialSessions(traffic: readonly TrafficRow[], range: TimeRange): number | null {
  const known = traffic.filter((t) => inRange(t.periodStart, range) && t.socialSessions !== null && t.socialSessions !== undefined);
  return known.length === 0 ? null : sum(known.map((t) => t.socialSessions!));
}

export interface LeadInputs {
  leads: readonly LeadRow[];
  mentionRollups: readonly MentionRollupRow[];
  traffic: readonly TrafficRow[];
}

export function leadKpis(inputs: LeadInputs, range: TimeRange, options: LeadAttributionOptions = {}): LeadKpis {
  const social = socialLeads(inputs.leads, range, options);
  const rollups = inputs.mentionRollups.filter((r) => inRange(r.hour, range));
  return {
    social,
    intentMentions: sum(rollups.map((r) => r.lead)),
    conversionRate: percent(social, socialSessions(inputs.traffic, range)),
    per1kMentions: perThousand(social, sum(rollups.map((r) => r.count))),
  };
}
