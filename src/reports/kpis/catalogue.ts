import { LISTENING_PLATFORMS, PLATFORM_NAMES } from '../../common/platform';
import {
  abandonmentRate,
  casesOpened,
  contactsPerResolution,
  firstContactResolution,
  firstResponse,
  outlierCases,
  resolution,
  slaCompliance,
  unansweredCases,
} from './care';
import { ownPostsEngagement, publicCareKpis, topicVoice } from './competitors';
import { deflectionKpis } from './deflection';
import { engagementKpis } from './engagement';
import { leadKpis, socialLeads } from './leads';
import { inboundSupport, mentionsByPlatform, mentionVolume, netSentiment, peakSupportHour, sentimentKpis } from './listening';
import { csatKpis, npsKpis } from './surveys';

/**
 * The KPI catalogue: every number of the overview report (`GET /api/v1/reports/overview`) under
 * its API name, with its definition, unit, labels and the function that computes it. The
 * overview's trends, the timeseries, target validation, `GET /api/v1/reports/kpis`, the dashboard's
 * tiles and charts and `docs/KPIS.md` (`npm run docs:kpis`) all read this list, so a KPI is
 * added in one place.
 */

/** The sections of docs/KPIS.md; each one's calculators live in `./<section>.ts`. */
export const KPI_SECTIONS = ['listening', 'engagement', 'leads', 'deflection', 'care', 'surveys', 'competitors'] as const;
export type KpiSection = (typeof KPI_SECTIONS)[number];

export const KPI_UNITS = ['count', 'percent', 'seconds', 'currency', 'ratio'] as const;
export type KpiUnit = (typeof KPI_UNITS)[number];

/** Which way a change is good news; `null` when neither is (volume, neutral mentions). */
export type KpiBetter = 'higher' | 'lower' | null;

/**
 * What the overview holds at the API name: a number (or `null` for a zero denominator); for
 * `peakHour`, `{ hour, count }` or `null`; for `list`, an array whose length is the KPI.
 */
export type KpiValueShape = 'number' | 'peakHour' | 'list';

/**
 * How the value is written: `score` is a signed −100 … 100 number without a % sign (net
 * sentiment, NPS); `decimal1` / `decimal2` a ratio with that many decimals.
 */
export type KpiDisplay = 'count' | 'percent' | 'score' | 'decimal1' | 'decimal2' | 'duration' | 'money' | 'hour';

/** The records behind a number, as the dashboard and the exports name them. */
export type KpiRecords = 'mentions' | 'posts' | 'leads' | 'contacts' | 'traffic' | 'cases' | 'unanswered' | 'outliers' | 'surveys';

export interface KpiDrillDown {
  of: KpiRecords;
  /** Query parameters that narrow the records to those behind the number. */
  filter?: Record<string, string>;
}

export interface Labels {
  pt: string;
  en: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Calculator = (...args: any[]) => unknown;

export interface KpiDefinition {
  /** The dotted path in the overview's output, e.g. `service.firstResponse.median`. */
  name: string;
  section: KpiSection;
  unit: KpiUnit;
  better: KpiBetter;
  /**
   * Whether the KPI can have a target, and so has a trend (previous period, change, target
   * status) in the overview's `trends`.
   */
  target: boolean;
  /** Whether `GET /api/v1/reports/timeseries?metric=<name>` serves it. */
  timeseries: boolean;
  /** A value now, not a function of the range (it has no previous period). */
  live: boolean;
  value: KpiValueShape;
  display: KpiDisplay;
  /** The definition, in one sentence (rendered into docs/KPIS.md). */
  formula: string;
  label: Labels;
  /** The exported function of `./<section>.ts` that computes it (or the section's calculator that does). */
  computedBy: Calculator;
  /** Where the rows behind the number are listed, and which CSV export holds them. */
  rows: KpiDrillDown | null;
  csv: KpiDrillDown | null;
  /**
   * The report that serves it when it is not the overview, e.g. `share-of-voice` (one value per
   * topic, at the API name without its first part); such a KPI has no trend, target or series.
   */
  report: string | null;
}

type Entry = Omit<KpiDefinition, 'section' | 'target' | 'timeseries' | 'live' | 'value' | 'rows' | 'csv' | 'report'> & {
  report?: string;
  live?: boolean;
  value?: KpiValueShape;
  rows?: KpiDrillDown | null;
  csv?: KpiDrillDown | null;
};

/**
 * The one exclusion rule for trends, targets and timeseries: only a number that is a function of
 * the range has a previous period and a value per bucket. `service.unanswered` is live; the peak
 * support hour is an hour, not a quantity (its count belongs to that hour), and a follow-up list
 * is records.
 */
function section(id: KpiSection, entries: Entry[]): KpiDefinition[] {
  return entries.map((e) => {
    const live = e.live ?? false;
    const value = e.value ?? 'number';
    const followsRange = value === 'number' && !live && !e.report;
    return {
      ...e,
      section: id,
      live,
      value,
      target: followsRange,
      timeseries: followsRange,
      rows: e.rows ?? null,
      csv: e.csv ?? null,
      report: e.report ?? null,
    };
  });
}

const mentions = (filter?: Record<string, string>): KpiDrillDown => ({ of: 'mentions', ...(filter ? { filter } : {}) });
const cases = (filter?: Record<string, string>): KpiDrillDown => ({ of: 'cases', ...(filter ? { filter } : {}) });
const resolvedCases = cases({ status: 'resolved' });
const posts: KpiDrillDown = { of: 'posts' };
const socialLeadRows: KpiDrillDown = { of: 'leads', filter: { social: 'true' } };
const csatRows: KpiDrillDown = { of: 'surveys', filter: { type: 'csat' } };
const npsRows: KpiDrillDown = { of: 'surveys', filter: { type: 'nps' } };

const durationTriple = (
  base: 'firstResponse' | 'resolution',
  computedBy: Calculator,
  what: string,
  label: Labels,
  drill: KpiDrillDown,
): Entry[] =>
  (['mean', 'median', 'p90'] as const).map((stat) => ({
    name: `service.${base}.${stat}`,
    unit: 'seconds',
    better: 'lower',
    display: 'duration',
    formula: `${{ mean: 'Mean', median: 'Median', p90: '90th percentile (linear interpolation)' }[stat]} of ${what}.`,
    label: {
      en: `${label.en}, ${{ mean: 'mean', median: 'median', p90: 'p90' }[stat]}`,
      pt: `${label.pt}, ${{ mean: 'média', median: 'mediana', p90: 'p90' }[stat]}`,
    },
    computedBy,
    rows: drill,
    csv: drill,
  }));

export const KPIS: readonly KpiDefinition[] = [
  ...section('listening', [
    {
      name: 'volume.mentions',
      unit: 'count',
      better: null,
      display: 'count',
      formula: "Mentions (posts by others, never the topic's owned accounts) whose platform `createdAt` is in range.",
      label: { en: 'Mentions', pt: 'Menções' },
      computedBy: mentionVolume,
      rows: mentions(),
      csv: mentions(),
    },
    ...LISTENING_PLATFORMS.map((platform): Entry => ({
      name: `volume.byPlatform.${platform}`,
      unit: 'count',
      better: null,
      display: 'count',
      formula: `The mentions of \`volume.mentions\` posted on ${PLATFORM_NAMES[platform]} (0 when it had none).`,
      label: { en: `Mentions on ${PLATFORM_NAMES[platform]}`, pt: `Menções no ${PLATFORM_NAMES[platform]}` },
      computedBy: mentionsByPlatform,
      rows: mentions({ platform }),
      csv: mentions({ platform }),
    })),
    ...(
      [
        ['positive', 'higher', 'Positive', 'Positivas'],
        ['negative', 'lower', 'Negative', 'Negativas'],
        ['neutral', null, 'Neutral', 'Neutras'],
      ] as const
    ).map(([label, better, en, pt]): Entry => ({
      name: `sentiment.${label}`,
      unit: 'count',
      better,
      display: 'count',
      formula: `Mentions whose sentiment label is ${label}.`,
      label: { en, pt },
      computedBy: sentimentKpis,
      rows: mentions({ sentiment: label }),
      csv: mentions({ sentiment: label }),
    })),
    {
      name: 'sentiment.positiveShare',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'Positive mentions / mentions × 100.',
      label: { en: 'Positive share', pt: 'Participação positiva' },
      computedBy: sentimentKpis,
      rows: mentions({ sentiment: 'positive' }),
      csv: mentions(),
    },
    {
      name: 'sentiment.net',
      unit: 'percent',
      better: 'higher',
      display: 'score',
      formula: "(Positive − negative) / (positive + negative) × 100, from −100 to 100 (Talkwalker's net sentiment).",
      label: { en: 'Net sentiment', pt: 'Sentimento líquido' },
      computedBy: netSentiment,
      rows: mentions(),
      csv: mentions(),
    },
    {
      name: 'sentiment.meanScore',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal2',
      formula: 'Mean of the mentions’ normalised sentiment score (−1 … 1).',
      label: { en: 'Mean sentiment score', pt: 'Escore médio de sentimento' },
      computedBy: sentimentKpis,
      rows: mentions(),
      csv: mentions(),
    },
    {
      name: 'support.inbound',
      unit: 'count',
      better: null,
      display: 'count',
      formula: 'Mentions with intent `support`, `complaint` or `question` (support-related mentions an hour or a day).',
      label: { en: 'Inbound support', pt: 'Suporte recebido' },
      computedBy: inboundSupport,
      rows: mentions({ intent: 'support-all' }),
    },
    {
      name: 'support.peakHour',
      unit: 'count',
      better: null,
      value: 'peakHour',
      display: 'hour',
      formula:
        'The local hour with the most inbound support mentions (the earliest on a tie) as `{ hour, count }`, `null` when there were none.',
      label: { en: 'Peak support hour', pt: 'Horário de pico do suporte' },
      computedBy: peakSupportHour,
    },
  ]),
  ...section('engagement', [
    {
      name: 'engagement.posts',
      unit: 'count',
      better: null,
      display: 'count',
      formula: "The brand's own posts published in range (replies to others are care responses, not posts).",
      label: { en: 'Own posts', pt: 'Posts próprios' },
      computedBy: engagementKpis,
      csv: posts,
    },
    {
      name: 'engagement.applauseRate',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal1',
      formula: 'Σ likes / own posts, with each post’s latest collected metrics (Avinash Kaushik, per post).',
      label: { en: 'Applause rate', pt: 'Taxa de aplausos' },
      computedBy: engagementKpis,
      csv: posts,
    },
    {
      name: 'engagement.amplificationRate',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal1',
      formula: 'Σ shares / own posts, where shares = reposts + quotes.',
      label: { en: 'Amplification rate', pt: 'Taxa de amplificação' },
      computedBy: engagementKpis,
      csv: posts,
    },
    {
      name: 'engagement.conversationRate',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal1',
      formula: 'Σ replies / own posts.',
      label: { en: 'Conversation rate', pt: 'Taxa de conversação' },
      computedBy: engagementKpis,
      csv: posts,
    },
    {
      name: 'engagement.applausePer1kFollowers',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal2',
      formula: "Applause rate / followers × 1000, each post divided by its own account's follower count closest to `to`.",
      label: { en: 'Applause / 1k followers', pt: 'Aplausos / mil seguidores' },
      computedBy: engagementKpis,
      csv: posts,
    },
    {
      name: 'engagement.amplificationPer1kFollowers',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal2',
      formula: "Amplification rate / followers × 1000, each post divided by its own account's follower count closest to `to`.",
      label: { en: 'Amplification / 1k followers', pt: 'Amplificação / mil seguidores' },
      computedBy: engagementKpis,
      csv: posts,
    },
    {
      name: 'engagement.engagementRate',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'Σ (likes + shares + replies) / Σ impressions × 100 over posts whose impressions are known, `null` when none are.',
      label: { en: 'Engagement rate', pt: 'Taxa de engajamento' },
      computedBy: engagementKpis,
      csv: posts,
    },
  ]),
  ...section('leads', [
    {
      name: 'leads.social',
      unit: 'count',
      better: 'higher',
      display: 'count',
      formula:
        "Leads in range attributed to social: `utm_medium` one of the workspace's social mediums, or `utm_source` a known platform, or linked to a mention.",
      label: { en: 'Social leads', pt: 'Leads sociais' },
      computedBy: socialLeads,
      rows: socialLeadRows,
      csv: socialLeadRows,
    },
    {
      name: 'leads.intentMentions',
      unit: 'count',
      better: 'higher',
      display: 'count',
      formula: 'Mentions with intent `lead`.',
      label: { en: 'Lead-intent mentions', pt: 'Menções com intenção de compra' },
      computedBy: leadKpis,
      rows: mentions({ intent: 'lead' }),
      csv: mentions({ intent: 'lead' }),
    },
    {
      name: 'leads.conversionRate',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'Social leads / social-referred website sessions × 100, `null` when no sessions were recorded.',
      label: { en: 'Social lead conversion', pt: 'Conversão de leads sociais' },
      computedBy: leadKpis,
      rows: socialLeadRows,
      csv: socialLeadRows,
    },
    {
      name: 'leads.per1kMentions',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal1',
      formula: 'Social leads / mentions × 1000.',
      label: { en: 'Leads / 1k mentions', pt: 'Leads / mil menções' },
      computedBy: leadKpis,
      rows: socialLeadRows,
      csv: socialLeadRows,
    },
  ]),
  ...section('deflection', [
    {
      name: 'deflection.assistedContacts',
      unit: 'count',
      better: 'lower',
      display: 'count',
      formula: 'Σ assisted contacts (phone calls, e-mails, chats, tickets) of the periods starting in range.',
      label: { en: 'Assisted contacts', pt: 'Contatos assistidos' },
      computedBy: deflectionKpis,
      rows: { of: 'contacts' },
    },
    {
      name: 'deflection.websiteSessions',
      unit: 'count',
      better: null,
      display: 'count',
      formula: 'Σ website (or help-centre) sessions of the periods starting in range.',
      label: { en: 'Website sessions', pt: 'Sessões no site' },
      computedBy: deflectionKpis,
      rows: { of: 'traffic' },
    },
    {
      name: 'deflection.contactRatePer1kSessions',
      unit: 'ratio',
      better: 'lower',
      display: 'decimal1',
      formula: 'Assisted contacts / website sessions × 1000.',
      label: { en: 'Contacts / 1k sessions', pt: 'Contatos / mil sessões' },
      computedBy: deflectionKpis,
      rows: { of: 'contacts' },
    },
    {
      name: 'deflection.selfServiceScore',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal1',
      formula: 'Website sessions / assisted contacts.',
      label: { en: 'Self-service score', pt: 'Índice de autoatendimento' },
      computedBy: deflectionKpis,
      rows: { of: 'traffic' },
    },
    {
      name: 'deflection.socialDeflectionRate',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'Cases resolved on social / (cases resolved on social + assisted contacts) × 100.',
      label: { en: 'Social deflection rate', pt: 'Taxa de deflexão social' },
      computedBy: deflectionKpis,
      rows: resolvedCases,
      csv: resolvedCases,
    },
    {
      name: 'deflection.estimatedSavings',
      unit: 'currency',
      better: 'higher',
      display: 'money',
      formula: "Cases resolved on social × (cost per call − cost per social interaction), defaults 12 and 1, in the workspace's currency.",
      label: { en: 'Estimated savings', pt: 'Economia estimada' },
      computedBy: deflectionKpis,
      rows: resolvedCases,
      csv: resolvedCases,
    },
  ]),
  ...section('care', [
    {
      name: 'service.casesOpened',
      unit: 'count',
      better: null,
      display: 'count',
      formula: 'Cases opened in range (a case opens with the first support-intent mention from an author).',
      label: { en: 'Cases opened', pt: 'Casos abertos' },
      computedBy: casesOpened,
      rows: cases(),
      csv: cases(),
    },
    ...durationTriple(
      'firstResponse',
      firstResponse,
      'first brand response − case opened, over cases opened in range that have a response (working time only with business hours on)',
      { en: 'First response', pt: 'Primeira resposta' },
      cases(),
    ),
    {
      name: 'service.slaCompliance',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula:
        'Met / eligible × 100: eligible are cases opened in range that were answered or whose due time (opened + target, default 2 h) has passed; met are answered within target.',
      label: { en: 'SLA compliance', pt: 'Cumprimento do SLA' },
      computedBy: slaCompliance,
      rows: cases({ breached: 'true' }),
      csv: cases(),
    },
    ...durationTriple(
      'resolution',
      resolution,
      'resolved − opened, over cases resolved in range (a reopened case counts once, at its last resolution)',
      { en: 'Resolution', pt: 'Resolução' },
      resolvedCases,
    ),
    {
      name: 'service.abandonmentRate',
      unit: 'percent',
      better: 'lower',
      display: 'percent',
      formula:
        'Cases with no brand response within the abandonment window (default 24 h) / cases opened in range whose window has elapsed or that were answered × 100.',
      label: { en: 'Abandonment rate', pt: 'Taxa de abandono' },
      computedBy: abandonmentRate,
      rows: cases({ status: 'abandoned' }),
      csv: cases({ status: 'abandoned' }),
    },
    {
      name: 'service.fcr',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'Resolved cases with exactly one brand response and no reopen / resolved cases × 100.',
      label: { en: 'First contact resolution', pt: 'Resolução no primeiro contato' },
      computedBy: firstContactResolution,
      rows: resolvedCases,
      csv: resolvedCases,
    },
    {
      name: 'service.contactsPerResolution',
      unit: 'ratio',
      better: 'lower',
      display: 'decimal1',
      formula: 'Mean inbound customer messages per case resolved in range.',
      label: { en: 'Contacts per resolution', pt: 'Contatos por resolução' },
      computedBy: contactsPerResolution,
      rows: resolvedCases,
      csv: resolvedCases,
    },
    {
      name: 'service.unanswered',
      unit: 'count',
      better: 'lower',
      live: true,
      display: 'count',
      formula: "Open cases whose last message is the customer's, now (not a function of the range).",
      label: { en: 'Unanswered now', pt: 'Sem resposta agora' },
      computedBy: unansweredCases,
      rows: { of: 'unanswered' },
    },
    {
      name: 'service.outliers',
      unit: 'count',
      better: 'lower',
      display: 'count',
      formula:
        'Cases opened in range with a first response above 3 × the target (or unanswered that long) or with 2 or more reassignments.',
      label: { en: 'Outlier cases', pt: 'Casos fora da curva' },
      computedBy: outlierCases,
      rows: { of: 'outliers' },
    },
  ]),
  ...section('surveys', [
    {
      name: 'csat.score',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'CSAT responses of 4 or 5 / CSAT responses × 100 (scale 1-5; the share of satisfied customers, as Chatwoot counts it).',
      label: { en: 'CSAT', pt: 'CSAT' },
      computedBy: csatKpis,
      rows: csatRows,
    },
    {
      name: 'csat.mean',
      unit: 'ratio',
      better: 'higher',
      display: 'decimal2',
      formula: 'Mean CSAT rating (1-5).',
      label: { en: 'CSAT mean rating', pt: 'Nota média CSAT' },
      computedBy: csatKpis,
      rows: csatRows,
    },
    {
      name: 'csat.responses',
      unit: 'count',
      better: null,
      display: 'count',
      formula: 'CSAT responses received in range.',
      label: { en: 'CSAT responses', pt: 'Respostas CSAT' },
      computedBy: csatKpis,
      rows: csatRows,
    },
    {
      name: 'csat.responseRate',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'CSAT responses / CSAT surveys sent × 100, `null` when sends are not recorded.',
      label: { en: 'CSAT response rate', pt: 'Taxa de resposta CSAT' },
      computedBy: csatKpis,
      rows: csatRows,
    },
    {
      name: 'csat.followUps',
      unit: 'count',
      better: 'lower',
      value: 'list',
      display: 'count',
      formula: 'CSAT responses of 3 or less, flagged for follow-up (the overview lists their ids; the KPI is how many).',
      label: { en: 'CSAT follow-ups', pt: 'CSAT para acompanhar' },
      computedBy: csatKpis,
      rows: { of: 'surveys', filter: { type: 'csat', followUp: 'true' } },
    },
    {
      name: 'nps.score',
      unit: 'percent',
      better: 'higher',
      display: 'score',
      formula: '% promoters (9-10) − % detractors (0-6), from −100 to 100.',
      label: { en: 'NPS', pt: 'NPS' },
      computedBy: npsKpis,
      rows: npsRows,
    },
    ...(
      [
        ['promoters', 'higher', 'NPS responses of 9 or 10.', 'Promoters', 'Promotores'],
        ['passives', null, 'NPS responses of 7 or 8.', 'Passives', 'Neutros'],
        ['detractors', 'lower', 'NPS responses of 0 to 6.', 'Detractors', 'Detratores'],
        ['responses', null, 'NPS responses received in range.', 'NPS responses', 'Respostas NPS'],
      ] as const
    ).map(([field, better, formula, en, pt]): Entry => ({
      name: `nps.${field}`,
      unit: 'count',
      better,
      display: 'count',
      formula,
      label: { en, pt },
      computedBy: npsKpis,
      rows: npsRows,
    })),
    {
      name: 'nps.responseRate',
      unit: 'percent',
      better: 'higher',
      display: 'percent',
      formula: 'NPS responses / NPS surveys sent × 100, `null` when sends are not recorded.',
      label: { en: 'NPS response rate', pt: 'Taxa de resposta NPS' },
      computedBy: npsKpis,
      rows: npsRows,
    },
  ]),
  ...section(
    'competitors',
    (
      [
        [
          'mentions',
          'count',
          null,
          'count',
          'Mentions of the topic whose platform `createdAt` is in range (as `volume.mentions`).',
          'Mentions',
          'Menções',
          topicVoice,
        ],
        [
          'share',
          'percent',
          'higher',
          'percent',
          "Share of voice: the topic's mentions / the mentions of every topic compared (brand and competitors) × 100; the shares sum to 100.",
          'Share of voice',
          'Share of voice',
          topicVoice,
        ],
        [
          'positiveShare',
          'percent',
          'higher',
          'percent',
          'Positive mentions / mentions × 100.',
          'Positive share',
          'Participação positiva',
          topicVoice,
        ],
        [
          'negativeShare',
          'percent',
          'lower',
          'percent',
          'Negative mentions / mentions × 100.',
          'Negative share',
          'Participação negativa',
          topicVoice,
        ],
        [
          'netSentiment',
          'percent',
          'higher',
          'score',
          '(positive − negative) / (positive + negative) × 100, −100 … 100 (as `sentiment.net`).',
          'Net sentiment',
          'Sentimento líquido',
          topicVoice,
        ],
        [
          'engagement.applauseRate',
          'ratio',
          'higher',
          'decimal1',
          "Σ likes / own posts published in range, over the topic's owned accounts (as `engagement.applauseRate`).",
          'Applause rate',
          'Taxa de aplausos',
          ownPostsEngagement,
        ],
        [
          'engagement.amplificationRate',
          'ratio',
          'higher',
          'decimal1',
          'Σ (reposts + quotes) / own posts whose share count is known (as `engagement.amplificationRate`).',
          'Amplification rate',
          'Taxa de amplificação',
          ownPostsEngagement,
        ],
        [
          'engagement.conversationRate',
          'ratio',
          'higher',
          'decimal1',
          'Σ replies / own posts (as `engagement.conversationRate`).',
          'Conversation rate',
          'Taxa de conversa',
          ownPostsEngagement,
        ],
        [
          'publicCare.replyRate',
          'percent',
          'higher',
          'percent',
          "Cases opened in range with a public response from the topic's own accounts / cases opened in range × 100. The brand's cases are its inbox's (public networks only); a competitor's are rebuilt from its support-like mentions and its replies with the same case rules.",
          'Public reply rate',
          'Taxa de resposta pública',
          publicCareKpis,
        ],
        [
          'publicCare.firstResponse.median',
          'seconds',
          'lower',
          'duration',
          'Median of first public response − case opened, wall-clock seconds, over the answered cases opened in range (a competitor’s business hours are not known).',
          'Public first response, median',
          'Primeira resposta pública, mediana',
          publicCareKpis,
        ],
      ] as const
    ).map(([name, unit, better, display, formula, en, pt, computedBy]): Entry => ({
      name: `shareOfVoice.${name}`,
      report: 'share-of-voice',
      unit,
      better,
      display,
      formula,
      label: { en, pt },
      computedBy,
      rows: name.startsWith('publicCare') ? null : name.startsWith('engagement') ? posts : mentions(),
    })),
  ),
];

export const SECTION_LABELS: Record<KpiSection, Labels> = {
  listening: { en: 'Listening', pt: 'Escuta' },
  engagement: { en: 'Engagement of own posts', pt: 'Engajamento dos posts próprios' },
  leads: { en: 'Leads', pt: 'Leads' },
  deflection: { en: 'Deflection', pt: 'Deflexão' },
  care: { en: 'Customer care', pt: 'Atendimento' },
  surveys: { en: 'Surveys', pt: 'Pesquisas' },
  competitors: { en: 'Competitors', pt: 'Concorrentes' },
};

/** A chart over time: several timeseries KPIs drawn together, under one section. */
export interface KpiChart {
  id: string;
  section: KpiSection;
  label: Labels;
  /** A fixed bucket size when the range allows it (else the dashboard picks one for the range). */
  interval?: 'hour';
  series: { kpi: string; type: 'bar' | 'line'; stack?: string; axis?: 1; color: string; opacity?: number }[];
  /** Value axes, left then right: a display kind, or `hours` for durations. */
  axes?: string[];
  /** The records behind a clicked bucket. */
  rows: KpiDrillDown | null;
}

export const KPI_CHARTS: readonly KpiChart[] = [
  {
    id: 'volumeBySentiment',
    section: 'listening',
    label: { en: 'Mention volume by sentiment', pt: 'Volume de menções por sentimento' },
    series: [
      { kpi: 'sentiment.positive', type: 'bar', stack: 'volume', color: 'positive' },
      { kpi: 'sentiment.neutral', type: 'bar', stack: 'volume', color: 'neutral' },
      { kpi: 'sentiment.negative', type: 'bar', stack: 'volume', color: 'negative' },
    ],
    rows: mentions(),
  },
  {
    id: 'supportByHour',
    section: 'listening',
    label: { en: 'Inbound support volume by hour', pt: 'Volume de suporte recebido por hora' },
    interval: 'hour',
    series: [{ kpi: 'support.inbound', type: 'bar', color: 'accent' }],
    rows: mentions({ intent: 'support-all' }),
  },
  {
    id: 'engagementRates',
    section: 'engagement',
    label: { en: 'Applause and amplification rates (per post)', pt: 'Taxas de aplausos e amplificação (por post)' },
    series: [
      { kpi: 'engagement.applauseRate', type: 'line', color: 'primary' },
      { kpi: 'engagement.amplificationRate', type: 'line', color: 'accent' },
    ],
    rows: null,
  },
  {
    id: 'leads',
    section: 'leads',
    label: { en: 'Social leads and conversion rate', pt: 'Leads sociais e taxa de conversão' },
    series: [
      { kpi: 'leads.social', type: 'bar', color: 'teal' },
      { kpi: 'leads.conversionRate', type: 'line', axis: 1, color: 'violet' },
    ],
    axes: ['count', 'percent'],
    rows: socialLeadRows,
  },
  {
    id: 'deflection',
    section: 'deflection',
    label: { en: 'Contact rate vs website sessions', pt: 'Taxa de contato vs. sessões no site' },
    series: [
      { kpi: 'deflection.websiteSessions', type: 'bar', color: 'neutral' },
      { kpi: 'deflection.contactRatePer1kSessions', type: 'line', axis: 1, color: 'negative' },
    ],
    axes: ['count', 'decimal1'],
    rows: { of: 'contacts' },
  },
  {
    id: 'service',
    section: 'care',
    label: { en: 'First response time and SLA compliance', pt: 'Tempo de primeira resposta e cumprimento do SLA' },
    series: [
      { kpi: 'service.firstResponse.median', type: 'line', color: 'primary' },
      { kpi: 'service.firstResponse.mean', type: 'line', color: 'accent' },
      { kpi: 'service.slaCompliance', type: 'bar', axis: 1, color: 'teal', opacity: 0.35 },
    ],
    axes: ['hours', 'percent'],
    rows: cases(),
  },
  {
    id: 'surveys',
    section: 'surveys',
    label: { en: 'CSAT and NPS', pt: 'CSAT e NPS' },
    series: [
      { kpi: 'csat.score', type: 'line', color: 'positive' },
      { kpi: 'nps.score', type: 'line', color: 'primary' },
    ],
    rows: { of: 'surveys' },
  },
];

const BY_NAME = new Map(KPIS.map((k) => [k.name, k]));

export function kpiByName(name: string): KpiDefinition | undefined {
  return BY_NAME.get(name);
}

/** API names of the KPIs that can have a target (and have a trend in the overview). */
export const TARGET_KPIS: readonly string[] = KPIS.filter((k) => k.target).map((k) => k.name);

/** API names `GET /api/v1/reports/timeseries` accepts. */
export const TIMESERIES_KPIS: readonly string[] = KPIS.filter((k) => k.timeseries).map((k) => k.name);

/** `src/reports/kpis/<section>.ts#<function>`: where a KPI is computed. */
export function computedByPath(k: KpiDefinition): string {
  return `src/reports/kpis/${k.section}.ts#${k.computedBy.name}`;
}

/** The catalogue as `GET /api/v1/reports/kpis` serves it: plain data, no functions. */
export function catalogueView() {
  return {
    sections: KPI_SECTIONS.map((id) => ({ id, label: SECTION_LABELS[id] })),
    kpis: KPIS.map((k) => ({ ...k, computedBy: computedByPath(k) })),
    charts: [...KPI_CHARTS],
  };
}
