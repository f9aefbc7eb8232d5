/**
 * Assignment rules (issue 18): per team, how new cases reach its agents (manual, round-robin,
 * least-loaded among the online ones), the most open cases an agent may hold, and how long an
 * agent may stay offline before their cases go to others; with the team's agents and their
 * presence. Reads GET /teams, /agents, /teams/:team/assignment; saves with PUT (admin keys).
 */
import { api } from '../api.js';
import { h, select } from '../dom.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';

const MODES = ['manual', 'round_robin', 'least_loaded'];

function agentRow(a) {
  return h(
    'li',
    { class: ['agent-presence', a.active ? '' : 'inactive'], dataset: { agentId: a.id, presence: a.presence } },
    h('span', { class: ['dot', a.presence === 'online' ? 'is-good' : a.presence === 'away' ? 'is-warn' : ''] }),
    h('span', { class: 'name' }, a.name),
    ' ',
    h('span', { class: ['badge', 'presence', `presence-${a.presence}`] }, t(`assign.presence.${a.presence}`)),
    a.presenceSince ? h('span', { class: 'muted' }, ` ${t('assign.since', { time: fmt.ago(a.presenceSince) })}`) : null,
    a.active ? null : h('span', { class: 'muted' }, ` · ${t('assign.inactive')}`),
  );
}

function teamCard(team, rule, agents, ctx) {
  const mode = select(
    { name: 'mode', id: `mode-${team.id}` },
    MODES.map((m) => [m, t(`assign.mode.${m}`)]),
    rule.mode,
  );
  const max = h('input', {
    type: 'number',
    name: 'maxOpenPerAgent',
    id: `max-${team.id}`,
    min: 1,
    max: 10000,
    step: 1,
    placeholder: t('assign.noCap'),
    value: rule.maxOpenPerAgent ?? '',
  });
  const grace = h('input', {
    type: 'number',
    name: 'offlineGraceMinutes',
    id: `grace-${team.id}`,
    min: 0,
    max: 10080,
    step: 1,
    required: true,
    value: rule.offlineGraceMinutes,
  });
  const form = h(
    'form',
    { class: 'assignment-form', dataset: { team: team.name } },
    h('label', { class: 'field' }, h('span', {}, t('assign.mode')), mode),
    h('label', { class: 'field' }, h('span', {}, t('assign.max')), max),
    h('label', { class: 'field' }, h('span', {}, t('assign.grace')), grace),
    h('button', { type: 'submit', class: 'primary' }, t('assign.save')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      mode: mode.value,
      maxOpenPerAgent: max.value === '' ? null : Number(max.value),
      offlineGraceMinutes: Number(grace.value),
    };
    try {
      await api.put(`/teams/${encodeURIComponent(team.name)}/assignment`, body);
      ctx.toast(t('assign.saved', { team: team.name }));
    } catch (err) {
      ctx.showError(err);
    }
  });
  const members = agents.filter((a) => a.team === team.name);
  const online = members.filter((a) => a.active && a.presence === 'online').length;
  return h(
    'section',
    { class: 'card team-rule', dataset: { team: team.name } },
    h('h2', {}, team.name),
    h('p', { class: 'muted' }, t('assign.onlineCount', { online: fmt.count(online), total: fmt.count(members.length) })),
    form,
    h('h3', {}, t('assign.agents')),
    h('ul', { class: 'team-agents' }, members.length ? members.map(agentRow) : h('li', { class: 'muted' }, t('assign.noAgents'))),
  );
}

export async function renderAssignment(main, ctx) {
  const [teams, agents] = await Promise.all([api.get('/teams'), api.get('/agents')]);
  if (!ctx.alive()) return;
  const rules = await Promise.all(teams.map((tm) => api.get(`/teams/${encodeURIComponent(tm.name)}/assignment`)));
  if (!ctx.alive()) return;
  main.append(
    h('div', { class: 'view-head' }, h('h1', {}, t('assign.title'))),
    h('p', { class: 'muted' }, t('assign.help'), ' ', t('assign.adminOnly')),
    teams.length
      ? h(
          'div',
          { class: 'team-rules', id: 'team-rules' },
          teams.map((tm, i) => teamCard(tm, rules[i], agents, ctx)),
        )
      : h('p', { class: 'muted empty' }, t('assign.noTeams')),
  );
  const loose = agents.filter((a) => !a.team);
  if (loose.length) {
    main.append(h('section', { class: 'card' }, h('h2', {}, t('assign.noTeam')), h('ul', { class: 'team-agents' }, loose.map(agentRow))));
  }
}
