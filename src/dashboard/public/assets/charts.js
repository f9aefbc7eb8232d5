/**
 * The overview's charts over time, one `/reports/timeseries` call per series, drawn with ECharts
 * (canvas renderer; tooltips in rich-text mode so the strict CSP needs no inline styles).
 */
import * as echarts from './vendor/echarts.esm.min.mjs';
import * as fmt from './format.js';
import { t } from './i18n.js';

export const COLORS = {
  positive: '#2e7d32',
  neutral: '#90a4ae',
  negative: '#c62828',
  primary: '#1f4e79',
  accent: '#d9730d',
  teal: '#00897b',
  violet: '#6a3d9a',
};

const HOUR = 3600;

/** Each chart: its series (KPI API names), which axis each sits on, how values read, and its rows. */
export const CHARTS = {
  volumeBySentiment: {
    title: 'chart.volumeBySentiment',
    series: [
      { metric: 'sentiment.positive', type: 'bar', stack: 'volume', color: COLORS.positive, kind: 'count' },
      { metric: 'sentiment.neutral', type: 'bar', stack: 'volume', color: COLORS.neutral, kind: 'count' },
      { metric: 'sentiment.negative', type: 'bar', stack: 'volume', color: COLORS.negative, kind: 'count' },
    ],
    rows: (from, to) => ({ view: 'mentions', params: { range: 'custom', from, to } }),
  },
  supportByHour: {
    title: 'chart.supportByHour',
    interval: 'hour',
    series: [{ metric: 'support.inbound', type: 'bar', color: COLORS.accent, kind: 'count' }],
    rows: (from, to) => ({ view: 'mentions', params: { range: 'custom', from, to, intent: 'support-all' } }),
  },
  engagementRates: {
    title: 'chart.engagementRates',
    series: [
      { metric: 'engagement.applauseRate', type: 'line', color: COLORS.primary, kind: 'decimal1' },
      { metric: 'engagement.amplificationRate', type: 'line', color: COLORS.accent, kind: 'decimal1' },
    ],
  },
  leads: {
    title: 'chart.leads',
    series: [
      { metric: 'leads.social', type: 'bar', color: COLORS.teal, kind: 'count' },
      { metric: 'leads.conversionRate', type: 'line', axis: 1, color: COLORS.violet, kind: 'percent' },
    ],
    axes: ['count', 'percent'],
    rows: (from, to) => ({ view: 'records', id: 'leads', params: { range: 'custom', from, to, social: 'true' } }),
  },
  deflection: {
    title: 'chart.deflection',
    series: [
      { metric: 'deflection.websiteSessions', type: 'bar', color: COLORS.neutral, kind: 'count' },
      { metric: 'deflection.contactRatePer1kSessions', type: 'line', axis: 1, color: COLORS.negative, kind: 'decimal1' },
    ],
    axes: ['count', 'decimal1'],
    rows: (from, to) => ({ view: 'records', id: 'contacts', params: { range: 'custom', from, to } }),
  },
  service: {
    title: 'chart.service',
    series: [
      { metric: 'service.firstResponse.median', type: 'line', color: COLORS.primary, kind: 'duration', scale: 1 / HOUR },
      { metric: 'service.firstResponse.mean', type: 'line', color: COLORS.accent, kind: 'duration', scale: 1 / HOUR },
      { metric: 'service.slaCompliance', type: 'bar', axis: 1, color: COLORS.teal, kind: 'percent', opacity: 0.35 },
    ],
    axes: ['hours', 'percent'],
    rows: (from, to) => ({ view: 'inbox', params: { tab: 'cases', opened: 'range', range: 'custom', from, to } }),
  },
  surveys: {
    title: 'chart.surveys',
    series: [
      { metric: 'csat.score', type: 'line', color: COLORS.positive, kind: 'percent' },
      { metric: 'nps.score', type: 'line', color: COLORS.primary, kind: 'score' },
    ],
    rows: (from, to) => ({ view: 'records', id: 'surveys', params: { range: 'custom', from, to } }),
  },
};

const live = new Set();

export function disposeCharts() {
  for (const { chart, observer } of live) {
    observer.disconnect();
    chart.dispose();
  }
  live.clear();
}

function axisLabel(kind) {
  if (kind === 'percent') return (v) => `${fmt.decimal(v, 0)}%`;
  if (kind === 'hours') return (v) => `${fmt.decimal(v, 1)} h`;
  return (v) => fmt.decimal(v, 1);
}

/**
 * Draws one chart. `points[i]` are the `{ t, value }` points of `def.series[i]`; `buckets` are the
 * bucket starts (ISO) and `ends` their ends, used to open the rows of a clicked bucket.
 */
export function drawChart(el, def, points, { interval, tz, ends, onBucket }) {
  const buckets = points[0]?.map((p) => p.t) ?? [];
  const empty = points.every((series) => series.every((p) => p.value === null || p.value === 0));
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const axes = def.axes ?? ['value'];
  chart.setOption({
    animation: false,
    color: def.series.map((s) => s.color),
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, type: 'scroll', textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', renderMode: 'richText', confine: true },
    xAxis: {
      type: 'category',
      data: buckets.map((b) => fmt.bucketLabel(b, interval, tz)),
      // Hourly labels are long: keep the first and last inside the chart.
      axisLabel: { hideOverlap: true, fontSize: 11, ...(interval === 'hour' ? { alignMinLabel: 'left', alignMaxLabel: 'right' } : {}) },
    },
    yAxis: axes.map((kind, i) => ({
      type: 'value',
      position: i === 0 ? 'left' : 'right',
      min: kind === 'percent' ? 0 : undefined,
      max: kind === 'percent' ? 100 : undefined,
      splitLine: { show: i === 0 },
      axisLabel: { formatter: axisLabel(kind), fontSize: 11 },
    })),
    title: empty ? { text: t('common.none'), left: 'center', top: 'middle', textStyle: { fontSize: 13, fontWeight: 'normal', color: '#6b7785' } } : undefined,
    series: def.series.map((s, i) => ({
      name: t(`kpi.${s.metric}`),
      type: s.type,
      stack: s.stack,
      yAxisIndex: s.axis ?? 0,
      showSymbol: buckets.length <= 40,
      connectNulls: false,
      itemStyle: s.opacity ? { opacity: s.opacity } : undefined,
      barMaxWidth: 28,
      data: points[i].map((p) => (p.value === null ? '-' : s.scale ? p.value * s.scale : p.value)),
      tooltip: { valueFormatter: (v) => (v === '-' || v === undefined ? fmt.MISSING : fmt.byKind(s.kind, s.scale ? v / s.scale : v)) },
    })),
  });
  if (onBucket) {
    chart.getZr().on('click', (e) => {
      if (!chart.containPixel('grid', [e.offsetX, e.offsetY])) return;
      const index = Math.round(chart.convertFromPixel({ xAxisIndex: 0 }, e.offsetX));
      if (index >= 0 && index < buckets.length) onBucket(buckets[index], ends[index]);
    });
    chart.getZr().setCursorStyle?.('pointer');
  }
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  live.add({ chart, observer });
  return chart;
}
