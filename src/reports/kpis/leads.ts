import { inRange, LeadRow, MentionRollupRow, TimeRange, TrafficRow } from './rows';
import { percent, perThousand, sum } from './statistics';

/** docs/KPIS.md, Leads (marketing); seed 000, "taxa de leads gerados". */

/** docs/KPIS.md's default social `utm_medium` values; a workspace may replace them. */
export const DEFAULT_SOCIAL_MEDIUMS: readonly string[] = ['social', 'social-media', 'sm', 'organic-social', 'paid-social'];

/**
 * `utm_source` values that name a social platform: names as campaigns write them, and the
 * platforms' domains (a subdomain such as `l.facebook.com` or `m.youtube.com` matches too).
 */
export const SOCIAL_SOURCES: readonly string[] = [
  'x', 'x.com', 'twitter', 'twitter.com', 't.co',
  'facebook', 'facebook.com', 'fb', 'fb.com', 'fb.me',
  'instagram', 'instagram.com', 'ig',
  'youtube', 'youtube.com', 'youtu.be',
  'whatsapp', 'whatsapp.com', 'wa.me',
  'telegram', 'telegram.org', 't.me',
  'messenger', 'messenger.com', 'm.me',
  'linkedin', 'linkedin.com', 'lnkd.in',
  'tiktok', 'tiktok.com',
  'bluesky', 'bsky', 'bsky.app',
  'mastodon', 'threads', 'threads.net', 'pinterest', 'pinterest.com', 'reddit', 'reddit.com', 'kwai', 'snapchat',
];

export interface LeadAttributionOptions {
  /** The workspace's social mediums; replaces DEFAULT_SOCIAL_MEDIUMS when given. */
  socialMediums?: readonly string[];
}

export interface LeadKpis {
  social: number;
  intentMentions: number;
  /** social leads / social-referred website sessions × 100 */
  conversionRate: number | null;
  /** social leads / mentions × 1000 */
  per1kMentions: number | null;
}

/** Lower-case, trimmed, with spaces and underscores as hyphens: `Paid_Social` → `paid-social`. */
function normaliseMedium(medium: string): string {
  return medium.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

/** A source as a bare lower-case name or host: `https://www.Facebook.com/x` → `facebook.com`. */
function normaliseSource(source: string): string {
  return source
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/^www\./, '');
}

export function isSocialSource(source: string | null): boolean {
  if (!source) return false;
  const normalised = normaliseSource(source);
  return SOCIAL_SOURCES.some((known) => normalised === known || (known.includes('.') && normalised.endsWith(`.${known}`)));
}

/**
 * docs/KPIS.md: a lead is social when its `utm_medium` is one of the workspace's social mediums
 * (case-insensitive), or its `utm_source` is a known platform, or it is linked to a mention.
 */
export function isSocialLead(lead: LeadRow, options: LeadAttributionOptions = {}): boolean {
  if (lead.mentionId) return true;
  const mediums = (options.socialMediums ?? DEFAULT_SOCIAL_MEDIUMS).map(normaliseMedium);
  if (lead.utmMedium && mediums.includes(normaliseMedium(lead.utmMedium))) return true;
  return isSocialSource(lead.utmSource);
}

/** `leads.social`: leads created in range and attributed to social. */
export function socialLeads(leads: readonly LeadRow[], range: TimeRange, options: LeadAttributionOptions = {}): number {
  return leads.filter((lead) => inRange(lead.createdAt, range) && isSocialLead(lead, options)).length;
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
