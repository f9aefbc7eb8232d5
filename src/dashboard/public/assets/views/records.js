/** The rows behind the numbers that have no richer view: leads, website sessions, assisted contacts, surveys, outlier cases. */
import { api } from '../api.js';
import { append, h, select } from '../dom.js';
import { exportLink } from '../exports.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { href, navigate, reportParams, resolveRange, workspace } from '../state.js';

const yesNo = (v) => (v === null || v === undefined ? fmt.MISSING : v ? t('yes') : t('no'));

/** Each kind: its endpoint, whether it pages with a cursor, its filters and its columns. */
const KINDS = {
  leads: {
    title: 'records.leads',
    path: '/leads',
    cursor: true,
    csv: 'leads',
    filters: (p) => ({ social: p.social }),
    toolbar: (p, set) => [
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('filter.social')),
        select(
          { id: 'f-social', onchange: (e) => set({ social: e.target.value || null }) },
          [
            ['', t('common.all')],
            ['true', t('records.social')],
            ['false', t('records.notSocial')],
          ],
          p.social,
        ),
      ),
    ],
    columns: (tz) => [
      [t('col.when'), (r) => fmt.dateTime(r.occurredAt, tz)],
      [t('col.source'), (r) => r.utmSource ?? fmt.MISSING],
      [t('col.medium'), (r) => r.utmMedium ?? fmt.MISSING],
      [t('col.campaign'), (r) => r.utmCampaign ?? fmt.MISSING],
      [t('col.value'), (r) => fmt.money(r.value, workspace.info?.currency), true],
      [t('col.social'), (r) => yesNo(r.social)],
    ],
  },
  traffic: {
    title: 'records.traffic',
    path: '/traffic',
    columns: (tz) => [
      [t('col.period'), (r) => fmt.dateTime(r.periodStart, tz)],
      [t('col.granularity'), (r) => r.granularity],
      [t('col.sessions'), (r) => fmt.count(r.sessions), true],
      [t('col.socialSessions'), (r) => fmt.count(r.socialSessions), true],
      [t('col.helpCenter'), (r) => fmt.count(r.helpCenterSessions), true],
    ],
  },
  contacts: {
    title: 'records.contacts',
    path: '/support-contacts',
    filters: (p) => ({ channel: p.channel }),
    columns: (tz) => [
      [t('col.period'), (r) => fmt.dateTime(r.periodStart, tz)],
      [t('col.granularity'), (r) => r.granularity],
      [t('col.channel'), (r) => r.channel],
      [t('col.count'), (r) => fmt.count(r.count), true],
    ],
  },
  surveys: {
    title: 'records.surveys',
    path: '/surveys/responses',
    cursor: true,
    filters: (p) => ({ type: p.type, followUp: p.followUp }),
    toolbar: (p, set) => [
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('filter.type')),
        select(
          { id: 'f-type', onchange: (e) => set({ type: e.target.value || null }) },
          [
            ['', t('common.all')],
            ['csat', 'CSAT'],
            ['nps', 'NPS'],
          ],
          p.type,
        ),
      ),
      h(
        'label',
        { class: 'field check' },
        h('input', {
          type: 'checkbox',
          id: 'f-followup',
          checked: p.followUp === 'true',
          onchange: (e) => set({ followUp: e.target.checked ? 'true' : null }),
        }),
        h('span', {}, t('filter.followUp')),
      ),
    ],
    columns: (tz) => [
      [t('col.when'), (r) => fmt.dateTime(r.respondedAt, tz)],
      [t('col.type'), (r) => r.type.toUpperCase()],
      [t('col.score'), (r) => fmt.count(r.score), true],
      [t('col.followUp'), (r) => yesNo(r.followUp)],
      [t('col.case'), (r) => (r.caseId ? h('a', { href: href('case', {}, { id: r.caseId }) }, '↗') : fmt.MISSING)],
      [t('col.comment'), (r) => r.comment ?? ''],
    ],
  },
  outliers: {
    title: 'agents.outliers',
    columns: () => [
      [t('col.case'), (r) => h('a', { href: href('case', {}, { id: r.caseId }) }, r.caseId)],
      [t('agents.reasons'), (r) => (r.reasons ?? []).map((x) => t(`reason.${x}`)).join(', ')],
      [t('col.firstResponse'), (r) => fmt.duration(r.firstResponseWorkingSeconds), true],
      [t('agents.reassignments'), (r) => fmt.count(r.reassignments), true],
    ],
  },
};

export async function renderRecords(main, ctx) {
  const kind = KINDS[ctx.id] ?? KINDS.leads;
  const p = ctx.params;
  const range = resolveRange(p);
  const set = (patch) => navigate('records', { ...p, ...patch }, { id: ctx.id, keepGlobals: false });
  const base = { from: range.from.toISOString(), to: range.to.toISOString(), ...(kind.filters ? kind.filters(p) : {}) };

  const tbody = h('tbody', {});
  const more = h('button', { type: 'button', class: 'ghost load-more', hidden: true }, t('common.loadMore'));
  const columns = kind.columns(range.tz);
  append(main, [
    h('a', { class: 'back', href: href('overview', { social: null, type: null, followUp: null, channel: null }) }, '← ', t('nav.overview')),
    h(
      'div',
      { class: 'view-head' },
      h('h1', {}, t(kind.title)),
      h('span', { class: 'muted' }, `${fmt.dateTime(range.from, range.tz)} → ${fmt.dateTime(range.to, range.tz)}`),
      kind.csv ? exportLink(kind.csv, base, { class: 'button ghost' }, t('common.exportCsv')) : null,
    ),
    kind.toolbar ? h('div', { class: 'toolbar' }, kind.toolbar(p, set)) : null,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'records-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            columns.map(([label, , num]) => h('th', { class: num ? 'num' : '', scope: 'col' }, label)),
          ),
        ),
        tbody,
      ),
    ),
    more,
  ]);
  const addRows = (rows) => {
    for (const r of rows)
      tbody.append(
        h(
          'tr',
          {},
          columns.map(([, cell, num]) => h('td', { class: num ? 'num' : '' }, cell(r))),
        ),
      );
    if (!tbody.children.length) tbody.append(h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, t('common.none'))));
  };

  if (ctx.id === 'outliers') {
    const report = await api.get('/reports/care', reportParams(p));
    if (ctx.alive()) addRows(report.service.outliers ?? []);
    return;
  }
  let cursor;
  const load = async () => {
    const page = await api.get(kind.path, { ...base, cursor, limit: kind.cursor ? 100 : undefined });
    if (!ctx.alive()) return;
    addRows(page.data);
    cursor = page.nextCursor ?? undefined;
    more.hidden = !kind.cursor || !cursor;
  };
  more.addEventListener('click', () => load().catch(ctx.showError));
  await load();
}
