/**
 * Draws the catalogue's charts over time (GET /reports/kpis `charts`), one `/reports/timeseries`
 * call per series, with ECharts (canvas renderer; tooltips in rich-text mode so the strict CSP
 * needs no inline styles).
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
 * Draws one chart. `def.series[i]` is a catalogue series with its `name` (label), `kind` (display)
 * and `scale`; its `color` names one of COLORS. `points[i]` are its `{ t, value }` points;
 * `buckets` are the bucket starts (ISO) and `ends` their ends, used to open the rows of a clicked
 * bucket.
 */
export function drawChart(el, def, points, { interval, tz, ends, onBucket }) {
  const buckets = points[0]?.map((p) => p.t) ?? [];
  const empty = points.every((series) => series.every((p) => p.value === null || p.value === 0));
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const axes = def.axes ?? ['value'];
  chart.setOption({
    animation: false,
    color: def.series.map((s) => COLORS[s.color] ?? COLORS.primary),
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
    title: empty
      ? { text: t('common.none'), left: 'center', top: 'middle', textStyle: { fontSize: 13, fontWeight: 'normal', color: '#6b7785' } }
      : undefined,
    series: def.series.map((s, i) => ({
      name: s.name,
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

/**
 * The forecast chart: actual history, the forecast and its 95 % and 80 % bands (each band a
 * transparent lower line with the band's width stacked on it as an area), on one time axis.
 */
export function drawForecastChart(el, { history, forecast }, { interval, tz }) {
  const labels = [...history, ...forecast].map((p) => fmt.bucketLabel(p.t, interval, tz));
  const gap = (n) => Array.from({ length: n }, () => '-');
  const past = gap(forecast.length);
  const ahead = gap(history.length);
  const band = (name, lower, upper, opacity) => [
    {
      name,
      type: 'line',
      stack: name,
      symbol: 'none',
      color: COLORS.accent,
      lineStyle: { opacity: 0 },
      data: [...ahead, ...forecast.map(lower)],
      tooltip: { show: false },
    },
    {
      name,
      type: 'line',
      stack: name,
      symbol: 'none',
      color: COLORS.accent,
      lineStyle: { opacity: 0 },
      areaStyle: { color: COLORS.accent, opacity },
      data: [...ahead, ...forecast.map((p) => upper(p) - lower(p))],
      tooltip: { show: false },
    },
  ];
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: {
      top: 0,
      left: 0,
      textStyle: { fontSize: 12 },
      data: [t('forecast.actual'), t('forecast.expected'), t('forecast.band80'), t('forecast.band95')],
    },
    tooltip: { trigger: 'axis', renderMode: 'richText', confine: true },
    xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true, fontSize: 11 } },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v) => fmt.decimal(v, 0), fontSize: 11 } },
    series: [
      ...band(
        t('forecast.band95'),
        (p) => p.lower95,
        (p) => p.upper95,
        0.15,
      ),
      ...band(
        t('forecast.band80'),
        (p) => p.lower80,
        (p) => p.upper80,
        0.3,
      ),
      { name: t('forecast.actual'), type: 'line', symbol: 'none', color: COLORS.primary, data: [...history.map((p) => p.value), ...past] },
      {
        name: t('forecast.expected'),
        type: 'line',
        symbol: 'none',
        color: COLORS.accent,
        data: [...ahead, ...forecast.map((p) => p.expected)],
      },
    ],
  });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  live.add({ chart, observer });
  return chart;
}
