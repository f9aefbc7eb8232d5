/**
 * Competitors (issue #19): share of voice over time per topic (brand and competitors), and the
 * side-by-side table of GET /reports/share-of-voice: mentions, share, sentiment, engagement on own
 * posts and public care, each topic's public care opening the cases behind it.
 */
import { api } from '../api.js';
import { drawChart } from '../charts.js';
import { h } from '../dom.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { href, intervalFor, resolveRange } from '../state.js';

const COLOR_KEYS = ['primary', 'accent', 'teal', 'violet', 'negative', 'positive', 'neutral'];
const pct = (v) => fmt.percent(v);

/** The cases behind a topic's public care, loaded when its row is opened. */
async function loadCases(slot, row, ctx) {
  if (slot.dataset.loaded) return;
  slot.dataset.loaded = '1';
  try {
    const url = new URL(row.drillDown.publicCare, location.origin);
    const res = await api.get(url.pathname.replace(/^\/api\/v1/, ''), Object.fromEntries(url.searchParams));
    if (!ctx.alive()) return;
    const list = res.cases.slice(0, 50);
    slot.append(
      list.length === 0
        ? h('p', { class: 'muted' }, t('common.none'))
        : h(
            'ul',
            { class: 'public-cases' },
            list.map((c) =>
              h(
                'li',
                {},
                c.url
                  ? h('a', { href: href('case', {}, { id: c.caseId }) }, fmt.dateTime(c.openedAt, res.range.tz))
                  : h('span', {}, fmt.dateTime(c.openedAt, res.range.tz), ' · @', c.customer.handle),
                ' · ',
                c.firstResponseAt
                  ? t('competitors.answeredIn', { time: fmt.duration((new Date(c.firstResponseAt) - new Date(c.openedAt)) / 1000) })
                  : t('competitors.unanswered'),
                ...(c.messages ?? []).map((m) =>
                  h(
                    'a',
                    { class: 'muted small', href: m.url, target: '_blank', rel: 'noopener' },
                    ` ${m.direction === 'inbound' ? '↘' : '↗'}`,
                  ),
                ),
              ),
            ),
          ),
    );
  } catch (err) {
    if (ctx.alive()) ctx.showError(err);
  }
}

function sovTable(rows, p, range, ctx) {
  const cols = [
    ['competitors.topic', ''],
    ['competitors.mentions', 'num'],
    ['competitors.share', 'num'],
    ['competitors.positive', 'num'],
    ['competitors.negative', 'num'],
    ['competitors.net', 'num'],
    ['competitors.applause', 'num'],
    ['competitors.amplification', 'num'],
    ['competitors.conversation', 'num'],
    ['competitors.replyRate', 'num'],
    ['competitors.firstResponse', 'num'],
    ['competitors.cases', 'num'],
  ];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data', id: 'sov-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map(([key, cls]) => h('th', { class: cls, scope: 'col' }, t(key))),
        ),
      ),
      h(
        'tbody',
        {},
        rows.flatMap((r) => {
          const slot = h('td', { colspan: String(cols.length) });
          const detail = h('tr', { class: 'public-care-rows', hidden: true }, slot);
          const toggle = h(
            'button',
            {
              type: 'button',
              class: 'link',
              title: t('competitors.casesTitle'),
              onclick: () => {
                detail.hidden = !detail.hidden;
                if (!detail.hidden) void loadCases(slot, r, ctx);
              },
            },
            fmt.count(r.publicCare.cases),
          );
          const mentionsHref = href('mentions', {
            ...p,
            topic: r.topic.id,
            range: 'custom',
            from: range.from.toISOString(),
            to: range.to.toISOString(),
          });
          return [
            h(
              'tr',
              { dataset: { topic: r.topic.id, role: r.topic.role } },
              h(
                'th',
                { scope: 'row' },
                r.topic.name,
                ' ',
                h('span', { class: ['badge', `role-${r.topic.role}`] }, t(`competitors.role.${r.topic.role}`)),
              ),
              h('td', { class: 'num' }, h('a', { href: mentionsHref }, fmt.count(r.mentions))),
              h('td', { class: 'num sov-share' }, pct(r.share)),
              h('td', { class: 'num' }, pct(r.positiveShare)),
              h('td', { class: 'num' }, pct(r.negativeShare)),
              h('td', { class: 'num' }, fmt.score(r.netSentiment)),
              h('td', { class: 'num' }, fmt.decimal(r.engagement.applauseRate, 1)),
              h('td', { class: 'num' }, fmt.decimal(r.engagement.amplificationRate, 1)),
              h('td', { class: 'num' }, fmt.decimal(r.engagement.conversationRate, 1)),
              h('td', { class: 'num sov-reply-rate' }, pct(r.publicCare.replyRate)),
              h('td', { class: 'num' }, fmt.duration(r.publicCare.firstResponse.median)),
              h('td', { class: 'num' }, toggle),
            ),
            detail,
          ];
        }),
      ),
    ),
  );
}

export async function renderCompetitors(main, ctx) {
  const p = ctx.params;
  const range = resolveRange(p);
  const interval = (range.to - range.from) / 3600_000 <= 48 ? 'hour' : intervalFor(range.from, range.to) === 'hour' ? 'hour' : 'day';
  const query = { platform: p.platform, from: range.from.toISOString(), to: range.to.toISOString(), tz: range.tz };
  main.append(h('div', { class: 'view-head' }, h('h1', {}, t('competitors.title')), h('p', { class: 'muted' }, t('competitors.help'))));
  const [sov, series] = await Promise.all([
    api.get('/reports/share-of-voice', query),
    api.get('/reports/share-of-voice/timeseries', { ...query, interval }),
  ]);
  if (!ctx.alive()) return;
  if (!sov.topics.some((r) => r.topic.role === 'competitor'))
    main.append(h('p', { class: 'banner', id: 'no-competitors' }, t('competitors.none')));
  const canvas = h('div', { class: 'chart-canvas' });
  main.append(
    h('figure', { class: 'chart', id: 'sov-chart' }, h('figcaption', {}, t('competitors.chart')), canvas),
    h('section', {}, h('h2', {}, t('competitors.tableTitle')), sovTable(sov.topics, p, range, ctx)),
    h('p', { class: 'muted small' }, t('competitors.method')),
  );
  const def = {
    series: series.topics.map((tp, i) => ({ name: tp.name, type: 'line', color: COLOR_KEYS[i % COLOR_KEYS.length], kind: 'percent' })),
    axes: ['percent'],
  };
  const points = series.topics.map((tp) => series.points.map((pt) => ({ t: pt.t, value: pt.share[tp.id] })));
  if (points.length) drawChart(canvas, def, points, { interval, tz: range.tz, ends: [], onBucket: null });
}
