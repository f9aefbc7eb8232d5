/**
 * Overview: a tile for every KPI of the catalogue (GET /reports/kpis), with its change and target,
 * and the catalogue's charts over time.
 */
import { api } from '../api.js';
import { drawChart } from '../charts.js';
import { renderModelQuality } from '../corrections.js';
import { h } from '../dom.js';
import { exportLink } from '../exports.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { csvTarget, label, loadCatalogue, rowsTarget, sections, valueAt } from '../kpis.js';
import { href, intervalFor, navigate, reportParams, resolveRange } from '../state.js';

export async function renderOverview(main, ctx) {
  const q = reportParams(ctx.params);
  const range = resolveRange(ctx.params);
  const status = h('p', { class: 'muted loading' }, t('common.loading'));
  const page = h('div', { class: 'overview', id: 'overview' }, status);
  main.append(page);

  const [catalogue, overview] = await Promise.all([loadCatalogue(), api.get('/reports/overview', q)]);
  if (!ctx.alive()) return;
  status.remove();
  // The range the API used, for anyone (a person or a test) checking the numbers against it.
  Object.assign(page.dataset, {
    from: overview.range.from,
    to: overview.range.to,
    tz: overview.range.tz,
    topic: overview.range.topic ?? '',
    platform: overview.range.platform ?? '',
  });
  page.append(
    h(
      'p',
      { class: 'range-caption muted' },
      `${fmt.dateTime(overview.range.from, q.tz)} → ${fmt.dateTime(overview.range.to, q.tz)} (${q.tz})`,
    ),
  );

  // Each series is one report call over the whole range, so a chart loads when it comes into view.
  const pending = new Map();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting || !pending.has(entry.target)) continue;
        const load = pending.get(entry.target);
        pending.delete(entry.target);
        observer.unobserve(entry.target);
        load();
      }
    },
    { rootMargin: '300px 0px' },
  );
  const byName = new Map(catalogue.kpis.map((k) => [k.name, k]));
  for (const section of sections(catalogue)) {
    const tiles = h(
      'div',
      { class: 'tiles' },
      section.tiles.map((kpi) => renderTile(kpi, overview, q)),
    );
    const charts = h('div', { class: 'charts' });
    page.append(h('section', { class: 'kpi-section', id: `section-${section.id}` }, h('h2', {}, label(section.label)), tiles, charts));
    for (const chart of section.charts) {
      const card = chartCard(charts, chart);
      pending.set(card.figure, () => renderChart(card, chart, byName, q, range, ctx));
      observer.observe(card.figure);
    }
  }
  const quality = h('section', { class: 'kpi-section model-quality', id: 'model-quality' });
  page.append(quality);
  void renderModelQuality(quality, q, ctx);
  return () => observer.disconnect();
}

function rowsLink(target, params = {}) {
  if (!target) return null;
  return href(target.view, { ...target.params, ...params }, { id: target.id });
}

/** The export behind a number, with the overview's filters: `{ name, params }`, or null. */
function csvExport(drill, q) {
  const csv = csvTarget(drill);
  if (!csv) return null;
  const params = { topic: q.topic, platform: q.platform, from: q.from, to: q.to, ...csv.params };
  // leads are not per topic or network
  if (csv.name === 'leads') {
    delete params.topic;
    delete params.platform;
  }
  return { name: csv.name, params };
}

/** The value of a KPI in the overview: a list counts its records (see the catalogue's `value`). */
function tileValue(kpi, overview) {
  const value = valueAt(overview, kpi.name);
  if (kpi.value === 'list') return value?.length ?? null;
  return value;
}

function renderTile(kpi, overview, q) {
  const trend = overview.trends?.[kpi.name];
  const name = label(kpi.label);
  const attrs = { class: ['tile', trend?.status ? `is-${trend.status}` : ''], dataset: { kpi: kpi.name } };

  if (kpi.value === 'peakHour') {
    const peak = valueAt(overview, kpi.name);
    const target = peak
      ? {
          view: 'mentions',
          params: {
            range: 'custom',
            from: peak.hour ? new Date(peak.hour).toISOString() : null,
            to: peak.hour ? new Date(new Date(peak.hour).getTime() + 3600_000).toISOString() : null,
            intent: 'support-all',
          },
        }
      : null;
    return h(
      'article',
      attrs,
      h('h3', { class: 'tile-label', title: kpi.name }, name),
      valueElement(peak ? fmt.hourLabel(peak.hour, q.tz) : fmt.MISSING, rowsLink(target), 'small'),
      peak ? h('p', { class: 'tile-note' }, t('overview.peakCount', { n: fmt.count(peak.count) })) : null,
    );
  }

  const text = fmt.byKind(kpi.display, tileValue(kpi, overview), { currency: overview.currency });
  const csv = csvExport(kpi.csv, q);
  // Engagement has no list in the dashboard: its rows are the own-posts export.
  const rows = rowsTarget(kpi.rows);
  return h(
    'article',
    attrs,
    h('h3', { class: 'tile-label', title: kpi.name }, name, kpi.live ? h('span', { class: 'chip' }, t('overview.live')) : null),
    valueElement(text, rows ? rowsLink(rows) : null, text.length > 9 ? 'small' : '', csv),
    changeLine(kpi, trend, overview),
    targetLine(kpi, trend, overview),
    csv ? exportLink(csv.name, csv.params, { class: 'tile-csv', title: t('common.exportCsv') }, t('common.csv')) : null,
  );
}

/** The number: a link to its rows when it has a list, else to its export when it has one. */
function valueElement(text, link, size, csv = null) {
  const cls = ['tile-value', size];
  if (link) return h('a', { class: cls, href: link, title: t('overview.rows') }, text);
  if (csv) return exportLink(csv.name, csv.params, { class: cls, title: t('overview.rows') }, text);
  return h('p', { class: cls }, text);
}

function changeLine(kpi, trend, overview) {
  if (!trend || kpi.live) return null;
  const text = fmt.change(kpi.display, trend, { currency: overview.currency });
  if (text === null) return h('p', { class: 'tile-change muted' }, t('overview.noPrevious'));
  const delta = trend.change.absolute;
  const arrow = delta > 0 ? '▲' : delta < 0 ? '▼' : '=';
  const good = !kpi.better || delta === 0 ? 'flat' : delta > 0 === (kpi.better === 'higher') ? 'good' : 'bad';
  return h(
    'p',
    {
      class: ['tile-change', good],
      title: `${fmt.byKind(kpi.display, trend.previous, { currency: overview.currency })} ${t('overview.previous')}`,
    },
    `${arrow} ${text}`,
    h('span', { class: 'muted' }, ` ${t('overview.previous')}`),
  );
}

function targetLine(kpi, trend, overview) {
  if (!trend?.target) return null;
  const value = fmt.byKind(kpi.display, trend.target.value, { currency: overview.currency });
  const met = trend.status === 'met';
  return h(
    'p',
    { class: ['tile-target', trend.status ?? ''], title: met ? t('overview.met') : t('overview.missed') },
    met ? '✓ ' : trend.status === 'missed' ? '✗ ' : '',
    t('overview.target', { value: `${trend.target.direction === 'higher' ? '≥' : '≤'} ${value}` }),
  );
}

function chartCard(container, chart) {
  const canvas = h('div', { class: 'chart-canvas' });
  const figure = h('figure', { class: 'chart', dataset: { chart: chart.id } }, h('figcaption', {}, label(chart.label)), canvas);
  container.append(figure);
  return { figure, canvas };
}

async function renderChart({ figure, canvas }, chart, byName, q, range, ctx) {
  const def = chartDef(chart, byName);
  const interval = def.interval && (range.to - range.from) / 3600_000 <= 31 * 24 ? def.interval : intervalFor(range.from, range.to);
  try {
    const results = await Promise.all(def.series.map((s) => api.get('/reports/timeseries', { ...q, metric: s.kpi, interval })));
    if (!ctx.alive()) return;
    const points = results.map((r) => r.points);
    const ends = points[0].map((p, i) => points[0][i + 1]?.t ?? new Date(results[0].to).toISOString());
    drawChart(canvas, def, points, {
      interval,
      tz: q.tz,
      ends,
      onBucket: rowsTarget(chart.rows)
        ? (from, to) => {
            const bucket = {
              range: 'custom',
              from: new Date(Math.max(new Date(from), range.from)).toISOString(),
              to: new Date(to).toISOString(),
            };
            const target = rowsTarget(chart.rows, bucket);
            navigate(target.view, target.params, { id: target.id });
          }
        : null,
    });
    figure.classList.add('is-drawn');
  } catch (err) {
    if (!ctx.alive()) return;
    canvas.classList.add('chart-error');
    canvas.append(h('p', { class: 'muted' }, t('overview.chartError', { message: err.message })));
  }
}

/** A catalogue chart with each series' label and display kind (durations are drawn in hours). */
function chartDef(chart, byName) {
  return {
    ...chart,
    series: chart.series.map((s) => {
      const kpi = byName.get(s.kpi);
      return { ...s, name: label(kpi.label), kind: kpi.display, scale: kpi.display === 'duration' ? 1 / 3600 : undefined };
    }),
  };
}
