import type { LeadRow } from './rows';

/**
 * Whether a lead came from social media (docs/KPIS.md, "Leads"). It lives here rather than in
 * reports/ because ingestion (the leads list) applies the same rule as the KPI.
 */

/** The default social `utm_medium` values (docs/KPIS.md); a workspace may replace them. */
export const DEFAULT_SOCIAL_MEDIUMS: readonly string[] = ['social', 'social-media', 'sm', 'organic-social', 'paid-social'];

/**
 * `utm_source` values that name a social platform: names as campaigns write them, and the
 * platforms' domains (a subdomain such as `l.facebook.com` or `m.youtube.com` matches too).
 */
export const SOCIAL_SOURCES: readonly string[] = [
  'x',
  'x.com',
  'twitter',
  'twitter.com',
  't.co',
  'facebook',
  'facebook.com',
  'fb',
  'fb.com',
  'fb.me',
  'instagram',
  'instagram.com',
  'ig',
  'youtube',
  'youtube.com',
  'youtu.be',
  'whatsapp',
  'whatsapp.com',
  'wa.me',
  'telegram',
  'telegram.org',
  't.me',
  'messenger',
  'messenger.com',
  'm.me',
  'linkedin',
  'linkedin.com',
  'lnkd.in',
  'tiktok',
  'tiktok.com',
  'bluesky',
  'bsky',
  'bsky.app',
  'mastodon',
  'threads',
  'threads.net',
  'pinterest',
  'pinterest.com',
  'reddit',
  'reddit.com',
  'kwai',
  'snapchat',
];

export interface LeadAttributionOptions {
  /** The workspace's social mediums; replaces DEFAULT_SOCIAL_MEDIUMS when given. */
  socialMediums?: readonly string[];
}

/** Lower-case, trimmed, with spaces and underscores as hyphens: `Paid_Social` → `paid-social`. */
function normaliseMedium(medium: string): string {
  return medium
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
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
 * A lead is social (docs/KPIS.md) when its `utm_medium` is one of the workspace's social mediums
 * (case-insensitive), or its `utm_source` is a known platform, or it is linked to a mention.
 */
export function isSocialLead(lead: LeadRow, options: LeadAttributionOptions = {}): boolean {
  if (lead.mentionId) return true;
  if (lead.utmMedium && normalisedMediums(options.socialMediums ?? DEFAULT_SOCIAL_MEDIUMS).includes(normaliseMedium(lead.utmMedium)))
    return true;
  return isSocialSource(lead.utmSource);
}

/** A workspace's social mediums normalised once, not once per lead (a report attributes every lead with the same list). */
const normalised = new Map<string, string[]>();
function normalisedMediums(mediums: readonly string[]): string[] {
  const key = JSON.stringify(mediums);
  let out = normalised.get(key);
  if (!out) {
    if (normalised.size >= 256) normalised.clear();
    out = mediums.map(normaliseMedium);
    normalised.set(key, out);
  }
  return out;
}
