/** Agents: the per-agent, per-team and per-routing-keyword tables of the care report. */
import { api } from '../api.js';
import { h, select } from '../dom.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { href, navigate, reportParams, workspace } from '../state.js';

/** A number that opens the cases behind it, or plain text when there are none. */
function casesLink(value, params) {
  const text = fmt.count(value);
  if (!value) return text;
  return h('a', { href: href('inbox', { tab: 'cases', ...params }) }, text);
}

function table(id, columns, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data', id },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { class: c.num ? 'num' : '', scope: 'col' }, c.label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length
          ? rows.map((r) =>
              h(
                'tr',
                {},
                columns.map((c) =>
                  h(c.head ? 'th' : 'td', { class: c.num ? 'num' : '', scope: c.head ? 'row' : null, dataset: { col: c.key } }, c.cell(r)),
                ),
              ),
            )
          : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, t('common.none'))),
      ),
    ),
  );
}

export async function renderAgents(main, ctx) {
  const p = ctx.params;
  const q = reportParams(p);
  const setFilter = (patch) => navigate('agents', { ...p, ...patch }, { keepGlobals: false });
  main.append(
    h('div', { class: 'view-head' }, h('h1', {}, t('agents.title'))),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('filter.team')),
        select(
          { id: 'f-team', onchange: (e) => setFilter({ team: e.target.value || null }) },
          [['', t('common.all')], ...workspace.teams.map((tm) => [tm.name, tm.name])],
          p.team,
        ),
      ),
    ),
  );
  const report = await api.get('/reports/care', { ...q, team: p.team });
  if (!ctx.alive()) return;
  const opened = { opened: 'range' };
  const shared = [
    { key: 'casesHandled', label: t('agents.handled'), num: true },
    { key: 'casesClosed', label: t('agents.closed'), num: true },
    { key: 'meanHandleSeconds', label: t('agents.handle'), num: true, cell: (r) => fmt.duration(r.meanHandleSeconds) },
    { key: 'meanFirstResponseSeconds', label: t('agents.firstResponse'), num: true, cell: (r) => fmt.duration(r.meanFirstResponseSeconds) },
    { key: 'openCasesNow', label: t('agents.openNow'), num: true },
    { key: 'reassignments', label: t('agents.reassignments'), num: true, cell: (r) => fmt.count(r.reassignments) },
    { key: 'meanTimeToRerouteSeconds', label: t('agents.reroute'), num: true, cell: (r) => fmt.duration(r.meanTimeToRerouteSeconds) },
    { key: 'onlineSeconds', label: t('agents.online'), num: true, cell: (r) => fmt.duration(r.onlineSeconds) },
  ];
  const withLinks = (filter) =>
    shared.map((c) => {
      if (c.key === 'casesHandled') return { ...c, cell: (r) => casesLink(r.casesHandled, { ...filter(r), ...opened }) };
      if (c.key === 'casesClosed') return { ...c, cell: (r) => casesLink(r.casesClosed, { ...filter(r), ...opened, status: 'resolved' }) };
      if (c.key === 'openCasesNow') return { ...c, cell: (r) => casesLink(r.openCasesNow, { ...filter(r), status: 'open' }) };
      return c;
    });

  main.append(
    h('h2', {}, t('nav.agents')),
    table(
      'agents-table',
      [
        { key: 'name', label: t('agents.agent'), head: true, cell: (r) => r.name ?? r.agentId },
        { key: 'team', label: t('agents.team'), cell: (r) => r.team ?? fmt.MISSING },
        ...withLinks((r) => ({ assignee: r.agentId })),
      ],
      report.agents,
    ),
    h('h2', {}, t('agents.teams')),
    table(
      'teams-table',
      [{ key: 'team', label: t('agents.team'), head: true, cell: (r) => r.team }, ...withLinks((r) => ({ team: r.team }))],
      report.teams,
    ),
    h('h2', {}, t('agents.keywords')),
    table(
      'keywords-table',
      [
        { key: 'keyword', label: t('agents.keyword'), head: true, cell: (r) => r.keyword },
        { key: 'casesRouted', label: t('agents.routed'), num: true, cell: (r) => fmt.count(r.casesRouted) },
        { key: 'reroutes', label: t('agents.reroutes'), num: true, cell: (r) => fmt.count(r.reroutes) },
        { key: 'meanTimeToRerouteSeconds', label: t('agents.reroute'), num: true, cell: (r) => fmt.duration(r.meanTimeToRerouteSeconds) },
      ],
      report.routingKeywords,
    ),
  );
}
