import { SlaClock } from '../care/sla';
import {
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
  SupportContactRow,
  surveyKpis,
  SurveyResponseRow,
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
  cases: CaseRow[];
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
}

/** Every KPI of KPIS.md under its API name, for one range. */
export function overviewSections(rows: ReportRows, range: TimeRange, opts: ReportOptions, which: 'current' | 'previous') {
  const listening = listeningKpis(rows.rollups, range, opts.tz);
  const service = serviceKpis(rows.cases, range, opts.now, {
    clock: opts.clock,
    firstResponseTargetSeconds: opts.firstResponseTargetSeconds,
    abandonmentWindowSeconds: opts.abandonmentWindowSeconds,
  });
  const surveys = surveyKpis(rows.surveys, range, rows.sends[which]);
  return {
    volume: listening.volume,
    sentiment: listening.sentiment,
    support: listening.support,
    engagement: engagementKpis(rows.posts, rows.followers, range),
    leads: leadKpis({ leads: rows.leads, mentionRollups: rows.rollups, traffic: rows.traffic }, range, { socialMediums: opts.socialMediums }),
    deflection: deflectionKpis({ contacts: rows.contacts, traffic: rows.traffic, cases: rows.cases }, range, {
      costPerCall: opts.costPerCall,
      costPerSocialInteraction: opts.costPerSocialInteraction,
    }),
    service: {
      casesOpened: service.casesOpened,
      firstResponse: service.firstResponse,
      slaCompliance: service.slaCompliance,
      resolution: service.resolution,
      abandonmentRate: service.abandonmentRate,
      fcr: service.fcr,
      contactsPerResolution: service.contactsPerResolution,
      // live, not a function of the range
      unanswered: which === 'current' ? service.unanswered.length : null,
      outliers: service.outliers.length,
    },
    csat: surveys.csat,
    nps: surveys.nps,
  };
}

export type OverviewSections = ReturnType<typeof overviewSections>;

/** Numeric leaves of the overview by dotted API name (`sentiment.net`, `service.firstResponse.p90`). */
export function numericLeaves(obj: unknown, prefix = '', out: Record<string, number | null> = {}): Record<string, number | null> {
  if (obj === null || obj === undefined) return out;
  if (typeof obj !== 'object' || Array.isArray(obj) || obj instanceof Date) return out;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' || v === null) out[key] = v as number | null;
    else if (typeof v === 'object' && !Array.isArray(v)) numericLeaves(v, key, out);
  }
  return out;
}

/** Value, previous period's value, change and target status for every numeric KPI. */
export function trendsOf(current: OverviewSections, previous: OverviewSections, targets: Map<string, KpiTarget>): Record<string, KpiTrend> {
  const cur = numericLeaves(current);
  const prev = numericLeaves(previous);
  const out: Record<string, KpiTrend> = {};
  for (const [kpi, value] of Object.entries(cur)) {
    if (kpi === 'service.unanswered' || kpi.startsWith('support.peakHour')) continue;
    out[kpi] = kpiTrend(value, prev[kpi] ?? null, targets.get(kpi) ?? null);
  }
  return out;
}
