import { SlaClock } from '../care/sla';
import type { CareRollupRow } from '../common/care-rollup';
import {
  casesResolvedFromRollups,
  CaseRow,
  deflectionKpis,
  engagementKpis,
  FollowerSample,
  KpiTarget,
  kpiTrend,
  KpiTrend,
  LeadRow,
  leadKpis,
  listeningKpis,
  MentionRollupRow,
  OwnPostRow,
  serviceKpis,
  serviceKpisFromRollups,
  SupportContactRow,
  surveyKpis,
  SurveyResponseRow,
  TARGET_KPIS,
  TimeRange,
  TrafficRow,
} from './kpis';

/** Everything one workspace's reports read, fetched once for the report and its previous period. */
export interface ReportRows {
  rollups: MentionRollupRow[];
  posts: OwnPostRow[];
  followers: FollowerSample[];
  leads: LeadRow[];
  traffic: TrafficRow[];
  contacts: SupportContactRow[];
  /** With `careSlots`: only the open cases (awaiting a reply); without: every case the care KPIs read. */
  cases: CaseRow[];
  /** The care rollup slots of the range (src/common/care-rollup.ts), when whole; null: count from `cases`. */
  careSlots?: CareRollupRow[] | null;
  surveys: SurveyResponseRow[];
  /** Surveys sent, per range key (`current` / `previous`). */
  sends: Record<'current' | 'previous', { csat: number | null; nps: number | null }>;
}

export interface ReportOptions {
  tz: string;
  now: Date;
  clock: SlaClock;
  firstResponseTargetSeconds: number;
  abandonmentWindowSeconds: number;
  socialMediums: string[];
  costPerCall: number;
  costPerSocialInteraction: number;
  /** The networks `volume.byPlatform` lists. */
  platforms: readonly string[];
}

/** Every KPI of the catalogue (./kpis/catalogue.ts, docs/KPIS.md) under its API name, for one range. */
export function overviewSections(rows: ReportRows, range: TimeRange, opts: ReportOptions, which: 'current' | 'previous') {
  // The previous period feeds only the trends, and the peak hour has none (TARGET_KPIS).
  const listening = listeningKpis(rows.rollups, range, opts.tz, opts.platforms, { peakHour: which === 'current' });
  const surveys = surveyKpis(rows.surveys, range, rows.sends[which]);
  return {
    volume: listening.volume,
    sentiment: listening.sentiment,
    support: listening.support,
    engagement: engagementSection(rows, range),
    leads: leadsSection(rows, range, opts),
    deflection: deflectionSection(rows, range, opts),
    service: serviceSection(rows, range, opts, which),
    csat: surveys.csat,
    nps: surveys.nps,
  };
}

const engagementSection = (rows: ReportRows, range: TimeRange) => engagementKpis(rows.posts, rows.followers, range);
const leadsSection = (rows: ReportRows, range: TimeRange, opts: ReportOptions) =>
  leadKpis({ leads: rows.leads, mentionRollups: rows.rollups, traffic: rows.traffic }, range, { socialMediums: opts.socialMediums });
const deflectionSection = (rows: ReportRows, range: TimeRange, opts: ReportOptions) =>
  deflectionKpis(
    {
      contacts: rows.contacts,
      traffic: rows.traffic,
      cases: rows.cases,
      casesResolved: rows.careSlots ? casesResolvedFromRollups(rows.careSlots, range) : undefined,
    },
    range,
    {
      costPerCall: opts.costPerCall,
      costPerSocialInteraction: opts.costPerSocialInteraction,
    },
  );

function serviceSection(rows: ReportRows, range: TimeRange, opts: ReportOptions, which: 'current' | 'previous') {
  const options = {
    clock: opts.clock,
    firstResponseTargetSeconds: opts.firstResponseTargetSeconds,
    abandonmentWindowSeconds: opts.abandonmentWindowSeconds,
  };
  const service = rows.careSlots
    ? serviceKpisFromRollups(rows.careSlots, rows.cases, range, opts.now, options)
    : serviceKpis(rows.cases, range, opts.now, options);
  return {
    casesOpened: service.casesOpened,
    firstResponse: service.firstResponse,
    slaCompliance: service.slaCompliance,
    resolution: service.resolution,
    abandonmentRate: service.abandonmentRate,
    fcr: service.fcr,
    contactsPerResolution: service.contactsPerResolution,
    // live, not a function of the range
    unanswered: which === 'current' ? service.unanswered.length : null,
    outliers: typeof service.outliers === 'number' ? service.outliers : service.outliers.length,
  };
}

/**
 * One section of the overview (the first part of a KPI's API name), for timeseries buckets: a
 * series of `volume.mentions` need not compute the care KPIs of every bucket.
 */
export function overviewSection(rows: ReportRows, range: TimeRange, opts: ReportOptions, section: string): Record<string, unknown> | null {
  switch (section) {
    case 'volume':
    case 'sentiment':
    case 'support':
      return listeningKpis(rows.rollups, range, opts.tz, opts.platforms)[section] as unknown as Record<string, unknown>;
    case 'engagement':
      return engagementSection(rows, range) as unknown as Record<string, unknown>;
    case 'leads':
      return leadsSection(rows, range, opts) as unknown as Record<string, unknown>;
    case 'deflection':
      return deflectionSection(rows, range, opts) as unknown as Record<string, unknown>;
    case 'service':
      return serviceSection(rows, range, opts, 'previous');
    case 'csat':
    case 'nps':
      return surveyKpis(rows.surveys, range, { csat: null, nps: null })[section] as unknown as Record<string, unknown>;
    default:
      return null;
  }
}

export type OverviewSections = ReturnType<typeof overviewSections>;

/** Numeric leaves of the overview by dotted API name (`sentiment.net`, `service.firstResponse.p90`). */
export function numericLeaves(obj: unknown, prefix = '', out: Record<string, number | null> = {}): Record<string, number | null> {
  if (obj === null || obj === undefined) return out;
  if (typeof obj !== 'object' || Array.isArray(obj) || obj instanceof Date) return out;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' || v === null) out[key] = v;
    else if (typeof v === 'object' && !Array.isArray(v)) numericLeaves(v, key, out);
  }
  return out;
}

/**
 * Value, previous period's value, change and target status for every KPI of the catalogue that
 * can have a target (see `KpiDefinition.target`).
 */
export function trendsOf(current: OverviewSections, previous: OverviewSections, targets: Map<string, KpiTarget>): Record<string, KpiTrend> {
  const cur = numericLeaves(current);
  const prev = numericLeaves(previous);
  const out: Record<string, KpiTrend> = {};
  for (const kpi of TARGET_KPIS) out[kpi] = kpiTrend(cur[kpi] ?? null, prev[kpi] ?? null, targets.get(kpi) ?? null);
  return out;
}
