/** Forecast: inbound support history, the two-week forecast with its bands, its accuracy, and the staffing table by hour. */
import { api } from '../api.js';
import { drawForecastChart } from '../charts.js';
import { append, h, select } from '../dom.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { navigate, timezone } from '../state.js';

function tile(label, value, note) {
  return h(
    'div',
    { class: 'tile' },
    h('span', { class: 'tile-label' }, label),
    h('p', { class: 'tile-value small' }, value),
    note ? h('p', { class: 'tile-note' }, note) : null,
  );
}

const pct = (v) => (v === null || v === undefined ? fmt.MISSING : `${fmt.decimal(v, 1)}%`);
const localDay = (iso, tz) => fmt.bucketLabel(iso, 'day', tz);

export async function renderForecast(main, ctx) {
  const p = ctx.params;
  const tz = timezone(p);
  const interval = p.interval === 'day' ? 'day' : 'hour';
  const setParam = (patch) => navigate('forecast', { ...p, ...patch });
  const scope = { topic: p.topic || undefined, platform: p.platform || undefined, tz };
  main.append(
    h('div', { class: 'view-head' }, h('h1', {}, t('forecast.title')), h('p', { class: 'muted' }, t('forecast.help'))),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('forecast.interval')),
        select(
          { id: 'f-interval', onchange: (e) => setParam({ interval: e.target.value }) },
          [
            ['hour', t('forecast.byHour')],
            ['day', t('forecast.byDay')],
          ],
          interval,
        ),
      ),
    ),
  );
  const [forecast, staffing] = await Promise.all([
    api.get('/reports/forecast', { ...scope, interval, horizonDays: 14 }),
    api.get('/reports/staffing', { ...scope, horizonDays: 14 }),
  ]);
  if (!ctx.alive()) return;
  const a = forecast.accuracy;
  const inputs = staffing.inputs;
  // dom.js append skips a missing banner (Element.append would write "null")
  append(main, [
    forecast.methodNote
      ? h('div', { class: 'banner', role: 'status', id: 'forecast-note' }, t('forecast.fallback'), ' ', forecast.methodNote)
      : null,
    h(
      'section',
      { class: 'tiles', id: 'forecast-tiles' },
      tile(
        t('forecast.method'),
        t(`forecast.method.${forecast.method}`),
        `${fmt.decimal(forecast.historyDays, 1)} ${t('forecast.daysOfHistory')}`,
      ),
      tile(t('forecast.mase'), a.mase === null ? fmt.MISSING : fmt.decimal(a.mase, 2), a.note ?? t('forecast.maseNote')),
      tile(t('forecast.coverage'), `${pct(a.coverage80)} · ${pct(a.coverage95)}`, t('forecast.coverageNote')),
      tile(t('forecast.mape'), pct(a.mape), `${fmt.count(a.origins)} ${t('forecast.origins')}`),
      tile(t('forecast.handle'), fmt.duration(inputs.handleTimeSeconds), t(`forecast.source.${inputs.handleTimeSource}`)),
      tile(
        t('forecast.target'),
        `${fmt.decimal(inputs.serviceLevelTarget * 100, 0)}% ≤ ${fmt.duration(inputs.firstResponseTargetSeconds)}`,
        inputs.model === 'erlang_a' ? t('forecast.erlangA') : t('forecast.erlangC'),
      ),
      tile(
        t('forecast.peak'),
        fmt.count(staffing.summary.peakAgentsNeeded),
        `${fmt.count(staffing.summary.hoursShort)} ${t('forecast.hoursShort')}`,
      ),
    ),
    h(
      'figure',
      { class: 'chart' },
      h('figcaption', {}, t('forecast.chart')),
      h('div', { class: 'chart-canvas forecast-canvas', id: 'forecast-chart' }),
    ),
  ]);
  const chartEl = main.querySelector('#forecast-chart');
  drawForecastChart(chartEl, forecast, { interval, tz });

  // the staffing table: one local day at a time, its working hours (or every hour when nothing is closed)
  const days = [...new Set(staffing.hours.map((r) => localDay(r.t, tz)))];
  const day = days.includes(p.day) ? p.day : days[0];
  const rows = staffing.hours.filter((r) => localDay(r.t, tz) === day && (r.open || (r.scheduled ?? 0) > 0));
  main.append(
    h('h2', {}, t('forecast.staffing')),
    h(
      'p',
      { class: 'muted' },
      t(`forecast.schedule.${inputs.scheduleSource}`),
      inputs.businessHours ? ` ${t('forecast.businessHours')}` : '',
    ),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('forecast.day')),
        select(
          { id: 'f-day', onchange: (e) => setParam({ day: e.target.value }) },
          days.map((d) => [d, d]),
          day,
        ),
      ),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'staffing-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              [t('forecast.hour'), ''],
              [t('forecast.expected'), 'num'],
              [t('forecast.needed'), 'num'],
              [t('forecast.scheduled'), 'num'],
              [t('forecast.shortfall'), 'num'],
              [t('forecast.occupancy'), 'num'],
              [t('forecast.serviceLevel'), 'num'],
            ].map(([label, cls]) => h('th', { class: cls, scope: 'col' }, label)),
          ),
        ),
        h(
          'tbody',
          {},
          rows.length
            ? rows.map((r) =>
                h(
                  'tr',
                  { class: r.shortfall > 0 ? 'is-short' : '', dataset: { shortfall: String(r.shortfall ?? '') } },
                  h('th', { scope: 'row' }, fmt.hourLabel(r.t, tz)),
                  h('td', { class: 'num' }, fmt.decimal(r.expected, 1)),
                  h('td', { class: 'num' }, fmt.count(r.agentsNeeded)),
                  h('td', { class: 'num' }, r.scheduled === null ? fmt.MISSING : fmt.decimal(r.scheduled, 1)),
                  h(
                    'td',
                    { class: 'num' },
                    r.shortfall === null ? fmt.MISSING : r.shortfall > 0 ? h('strong', { class: 'shortfall' }, `−${r.shortfall}`) : '0',
                  ),
                  h('td', { class: 'num' }, r.occupancy === null ? fmt.MISSING : pct(r.occupancy * 100)),
                  h('td', { class: 'num' }, r.serviceLevel === null ? fmt.MISSING : pct(r.serviceLevel * 100)),
                ),
              )
            : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('common.none'))),
        ),
      ),
    ),
  );
}
