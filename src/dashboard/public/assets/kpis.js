/**
 * Every KPI of the overview report (KPIS.md), by API name: how to write it, which direction is
 * better, and where its rows are (a list in the dashboard, a CSV export, or both).
 */

const mentions = (params = {}) => ({ view: 'mentions', params });
const cases = (params = {}) => ({ view: 'inbox', params: { tab: 'cases', opened: 'range', ...params } });
const records = (id, params = {}) => ({ view: 'records', id, params });

const mentionsCsv = (params = {}) => ({ name: 'mentions', params });
const casesCsv = (params = {}) => ({ name: 'cases', params, opened: true });
const postsCsv = { name: 'posts', params: {} };
const leadsCsv = (params = {}) => ({ name: 'leads', params });

/** kind: how the value is written (format.js byKind); better: which way the change is good news. */
export const SECTIONS = [
  {
    id: 'listening',
    tiles: [
      { kpi: 'volume.mentions', kind: 'count', better: null, rows: mentions(), csv: mentionsCsv() },
      ...['x', 'bluesky', 'mastodon'].map((platform) => ({ kpi: `volume.byPlatform.${platform}`, kind: 'count', better: null, rows: mentions({ platform }), csv: mentionsCsv({ platform }) })),
      { kpi: 'sentiment.positive', kind: 'count', better: 'higher', rows: mentions({ sentiment: 'positive' }), csv: mentionsCsv({ sentiment: 'positive' }) },
      { kpi: 'sentiment.negative', kind: 'count', better: 'lower', rows: mentions({ sentiment: 'negative' }), csv: mentionsCsv({ sentiment: 'negative' }) },
      { kpi: 'sentiment.neutral', kind: 'count', better: null, rows: mentions({ sentiment: 'neutral' }), csv: mentionsCsv({ sentiment: 'neutral' }) },
      { kpi: 'sentiment.positiveShare', kind: 'percent', better: 'higher', rows: mentions({ sentiment: 'positive' }), csv: mentionsCsv() },
      { kpi: 'sentiment.net', kind: 'score', better: 'higher', rows: mentions(), csv: mentionsCsv() },
      { kpi: 'sentiment.meanScore', kind: 'decimal2', better: 'higher', rows: mentions(), csv: mentionsCsv() },
      { kpi: 'support.inbound', kind: 'count', better: null, rows: mentions({ intent: 'support-all' }), csv: null },
      { kpi: 'support.peakHour', kind: 'peakHour', better: null, rows: null, csv: null },
    ],
    charts: ['volumeBySentiment', 'supportByHour'],
  },
  {
    id: 'engagement',
    tiles: [
      { kpi: 'engagement.posts', kind: 'count', better: null, csv: postsCsv },
      { kpi: 'engagement.applauseRate', kind: 'decimal1', better: 'higher', csv: postsCsv },
      { kpi: 'engagement.amplificationRate', kind: 'decimal1', better: 'higher', csv: postsCsv },
      { kpi: 'engagement.conversationRate', kind: 'decimal1', better: 'higher', csv: postsCsv },
      { kpi: 'engagement.applausePer1kFollowers', kind: 'decimal2', better: 'higher', csv: postsCsv },
      { kpi: 'engagement.amplificationPer1kFollowers', kind: 'decimal2', better: 'higher', csv: postsCsv },
      { kpi: 'engagement.engagementRate', kind: 'percent', better: 'higher', csv: postsCsv },
    ],
    charts: ['engagementRates'],
  },
  {
    id: 'leads',
    tiles: [
      { kpi: 'leads.social', kind: 'count', better: 'higher', rows: records('leads', { social: 'true' }), csv: leadsCsv({ social: 'true' }) },
      { kpi: 'leads.intentMentions', kind: 'count', better: 'higher', rows: mentions({ intent: 'lead' }), csv: mentionsCsv({ intent: 'lead' }) },
      { kpi: 'leads.conversionRate', kind: 'percent', better: 'higher', rows: records('leads', { social: 'true' }), csv: leadsCsv({ social: 'true' }) },
      { kpi: 'leads.per1kMentions', kind: 'decimal1', better: 'higher', rows: records('leads', { social: 'true' }), csv: leadsCsv({ social: 'true' }) },
    ],
    charts: ['leads'],
  },
  {
    id: 'deflection',
    tiles: [
      { kpi: 'deflection.assistedContacts', kind: 'count', better: 'lower', rows: records('contacts') },
      { kpi: 'deflection.websiteSessions', kind: 'count', better: null, rows: records('traffic') },
      { kpi: 'deflection.contactRatePer1kSessions', kind: 'decimal1', better: 'lower', rows: records('contacts') },
      { kpi: 'deflection.selfServiceScore', kind: 'decimal1', better: 'higher', rows: records('traffic') },
      { kpi: 'deflection.socialDeflectionRate', kind: 'percent', better: 'higher', rows: cases({ status: 'resolved' }), csv: casesCsv({ status: 'resolved' }) },
      { kpi: 'deflection.estimatedSavings', kind: 'money', better: 'higher', rows: cases({ status: 'resolved' }), csv: casesCsv({ status: 'resolved' }) },
    ],
    charts: ['deflection'],
  },
  {
    id: 'care',
    tiles: [
      { kpi: 'service.casesOpened', kind: 'count', better: null, rows: cases(), csv: casesCsv() },
      { kpi: 'service.firstResponse.mean', kind: 'duration', better: 'lower', rows: cases(), csv: casesCsv() },
      { kpi: 'service.firstResponse.median', kind: 'duration', better: 'lower', rows: cases(), csv: casesCsv() },
      { kpi: 'service.firstResponse.p90', kind: 'duration', better: 'lower', rows: cases(), csv: casesCsv() },
      { kpi: 'service.slaCompliance', kind: 'percent', better: 'higher', rows: cases({ breached: 'true' }), csv: casesCsv() },
      { kpi: 'service.resolution.mean', kind: 'duration', better: 'lower', rows: cases({ status: 'resolved' }), csv: casesCsv({ status: 'resolved' }) },
      { kpi: 'service.resolution.median', kind: 'duration', better: 'lower', rows: cases({ status: 'resolved' }), csv: casesCsv({ status: 'resolved' }) },
      { kpi: 'service.resolution.p90', kind: 'duration', better: 'lower', rows: cases({ status: 'resolved' }), csv: casesCsv({ status: 'resolved' }) },
      { kpi: 'service.abandonmentRate', kind: 'percent', better: 'lower', rows: cases({ status: 'abandoned' }), csv: casesCsv({ status: 'abandoned' }) },
      { kpi: 'service.fcr', kind: 'percent', better: 'higher', rows: cases({ status: 'resolved' }), csv: casesCsv({ status: 'resolved' }) },
      { kpi: 'service.contactsPerResolution', kind: 'decimal1', better: 'lower', rows: cases({ status: 'resolved' }), csv: casesCsv({ status: 'resolved' }) },
      { kpi: 'service.unanswered', kind: 'count', better: 'lower', live: true, rows: { view: 'inbox', params: { tab: 'unanswered' } } },
      { kpi: 'service.outliers', kind: 'count', better: 'lower', rows: records('outliers') },
    ],
    charts: ['service'],
  },
  {
    id: 'surveys',
    tiles: [
      { kpi: 'csat.score', kind: 'percent', better: 'higher', rows: records('surveys', { type: 'csat' }) },
      { kpi: 'csat.mean', kind: 'decimal2', better: 'higher', rows: records('surveys', { type: 'csat' }) },
      { kpi: 'csat.responses', kind: 'count', better: null, rows: records('surveys', { type: 'csat' }) },
      { kpi: 'csat.responseRate', kind: 'percent', better: 'higher', rows: records('surveys', { type: 'csat' }) },
      { kpi: 'csat.followUps', kind: 'count', better: 'lower', rows: records('surveys', { type: 'csat', followUp: 'true' }), value: (o) => o.csat?.followUps?.length ?? null },
      { kpi: 'nps.score', kind: 'score', better: 'higher', rows: records('surveys', { type: 'nps' }) },
      { kpi: 'nps.promoters', kind: 'count', better: 'higher', rows: records('surveys', { type: 'nps' }) },
      { kpi: 'nps.passives', kind: 'count', better: null, rows: records('surveys', { type: 'nps' }) },
      { kpi: 'nps.detractors', kind: 'count', better: 'lower', rows: records('surveys', { type: 'nps' }) },
      { kpi: 'nps.responses', kind: 'count', better: null, rows: records('surveys', { type: 'nps' }) },
      { kpi: 'nps.responseRate', kind: 'percent', better: 'higher', rows: records('surveys', { type: 'nps' }) },
    ],
    charts: ['surveys'],
  },
];

/** The value at a dotted API name of the overview (`service.firstResponse.median`). */
export function valueAt(overview, kpi) {
  return kpi.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), overview);
}
