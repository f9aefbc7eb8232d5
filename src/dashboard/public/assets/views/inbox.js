/** The triage inbox (unanswered and filtered cases, with SLA countdowns and actions) and the case view. */
import { api, ApiError } from '../api.js';
import { correctableLabels, labelsOf } from '../corrections.js';
import { clear, h, select } from '../dom.js';
import { exportLink } from '../exports.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { agentName, href, navigate, PLATFORMS, resolveRange, workspace } from '../state.js';
import { casePanels, savedReplies } from './case-panels.js';
import { casePresence, meSelect, myAgentId } from './case-live.js';
import { bindShortcuts, currentRow, moveCurrent, nextInQueue, rememberQueue } from './shortcuts.js';
import { INTENTS, intentBadge, sentimentBadge, SENTIMENTS } from './mentions.js';

const STATUSES = ['open', 'pending', 'resolved', 'abandoned', 'not_support'];
/** Statuses that need no answer: no SLA clock, and a reopen button instead of resolve. */
const CLOSED = ['resolved', 'abandoned', 'not_support'];
const SORTS = [
  ['waiting', 'inbox.sortWaiting'],
  ['due', 'inbox.sortDue'],
  ['newest', 'inbox.sortNewest'],
];
/** The triage list's sorts (GET /cases/unanswered). */
const TRIAGE_SORTS = [
  ['priority', 'inbox.sortPriority'],
  ['waiting', 'inbox.sortWaiting'],
  ['due', 'inbox.sortDue'],
];
const PAGE = 50;
const MAX_ROWS = 200;
const SOON_SECONDS = 30 * 60;

const customerOf = (c) => c.customer?.name || (c.customer?.handle ? `@${c.customer.handle}` : c.id);

/* ---------- live clocks ---------- */

/** SLA countdowns and waiting times tick every second without asking the API again. */
function startClocks(scope) {
  const tick = () => {
    const now = Date.now();
    for (const el of scope.querySelectorAll('[data-due]')) {
      const left = (new Date(el.dataset.due).getTime() - now) / 1000;
      el.textContent = left >= 0 ? t('inbox.dueIn', { time: fmt.duration(left) }) : t('inbox.overdue', { time: fmt.duration(-left) });
      el.classList.toggle('overdue', left < 0);
      el.classList.toggle('soon', left >= 0 && left < SOON_SECONDS);
      el.classList.toggle('ok', left >= SOON_SECONDS);
    }
    for (const el of scope.querySelectorAll('[data-since]')) {
      el.textContent = fmt.duration((now - new Date(el.dataset.since).getTime()) / 1000);
    }
    for (const el of scope.querySelectorAll('[data-window-closes]')) {
      const left = (new Date(el.dataset.windowCloses).getTime() - now) / 1000;
      el.textContent = left > 0 ? t('inbox.windowOpen', { time: fmt.duration(left) }) : t('inbox.windowClosed');
      el.classList.toggle('overdue', left <= 0);
      el.classList.toggle('soon', left > 0 && left < 2 * 3600);
      el.classList.toggle('ok', left >= 2 * 3600);
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}

/** WhatsApp's free-form answers are allowed for 24 hours after the customer's last message. */
const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;

/** The 24-hour service window of a WhatsApp case, ticking (null on other networks). */
function windowElement(c) {
  if (c.platform !== 'whatsapp' || !c.lastInboundAt) return null;
  const closes = new Date(new Date(c.lastInboundAt).getTime() + WHATSAPP_WINDOW_MS).toISOString();
  return h('span', { class: 'sla service-window', dataset: { windowCloses: closes }, title: t('inbox.windowHelp') });
}

function slaElement(c) {
  if (c.firstResponseAt) {
    const took = (new Date(c.firstResponseAt) - new Date(c.openedAt)) / 1000;
    const late = c.firstResponseDueAt && new Date(c.firstResponseAt) > new Date(c.firstResponseDueAt);
    return h('span', { class: ['sla', late ? 'late' : 'met'] }, t('inbox.answeredIn', { time: fmt.duration(took) }));
  }
  if (!c.firstResponseDueAt || CLOSED.includes(c.status)) return h('span', { class: 'sla muted' }, fmt.MISSING);
  return h('span', { class: 'sla', dataset: { due: c.firstResponseDueAt } });
}

/* ---------- actions ---------- */

function agentOptions() {
  return [['', t('inbox.unassigned')], ...workspace.agents.map((a) => [a.id, a.team ? `${a.name} (${a.team})` : a.name])];
}

function teamOptions() {
  return [['', t('inbox.noTeam')], ...workspace.teams.map((tm) => [tm.name, tm.name])];
}

async function updateCase(c, patch, ctx) {
  const updated = await api.patch(`/cases/${encodeURIComponent(c.id)}`, patch);
  const customer = customerOf(updated);
  if ('assigneeId' in patch) {
    ctx.toast(
      patch.assigneeId ? t('inbox.assigned', { customer, agent: agentName(patch.assigneeId) }) : t('inbox.unassignedDone', { customer }),
    );
  } else if ('team' in patch) {
    ctx.toast(t('inbox.teamSet', { customer, team: patch.team ?? t('inbox.noTeam') }));
  } else if (patch.status) {
    ctx.toast(t('inbox.statusSet', { customer, status: t(`status.${updated.status}`) }));
  }
  return updated;
}

/** Assignee and team pickers and status buttons; `onChange(updated)` redraws whatever shows the case. */
function caseControls(c, ctx, onChange) {
  const run = (patch) => updateCase(c, patch, ctx).then(onChange, ctx.showError);
  const assignee = select(
    {
      class: 'assign',
      'aria-label': t('inbox.assignee'),
      dataset: { caseId: c.id },
      onchange: (e) => run({ assigneeId: e.target.value || null }),
    },
    agentOptions(),
    c.assignee ?? '',
  );
  const team = select(
    { class: 'team', 'aria-label': t('inbox.team'), onchange: (e) => run({ team: e.target.value || null }) },
    teamOptions(),
    c.team ?? '',
  );
  const closed = CLOSED.includes(c.status);
  const buttons = closed
    ? [h('button', { type: 'button', class: 'ghost', onclick: () => run({ status: 'open' }) }, t('inbox.reopen'))]
    : [
        h('button', { type: 'button', class: 'resolve', onclick: () => run({ status: 'resolved' }) }, t('inbox.resolve')),
        c.status !== 'pending'
          ? h('button', { type: 'button', class: 'ghost', onclick: () => run({ status: 'pending' }) }, t('inbox.pending'))
          : null,
      ];
  return { assignee, team, buttons };
}

/* ---------- the inbox ---------- */

const networkName = (platform) => PLATFORMS.find(([v]) => v === platform)?.[1] ?? platform;

/** The latest customer message (two lines), its network and post link, why it waits and its priority. */
function triageLine(c) {
  if (!c.latestMessage && !c.priority) return null;
  const m = c.latestMessage;
  const link = m ? messageLink({ url: m.url }, c.platform) : null;
  const reasons = (c.priority?.reasons ?? []).map((r) => t(`priority.reason.${r}`)).join(' · ');
  return h(
    'div',
    { class: 'case-msg' },
    c.priority
      ? h(
          'span',
          { class: ['badge', 'priority', `priority-${c.priority.level}`], title: reasons || t('priority.noReasons') },
          t(`priority.${c.priority.level}`),
        )
      : null,
    c.waitReason ? h('span', { class: ['badge', 'wait-reason', `wait-${c.waitReason}`] }, t(`inbox.waitReason.${c.waitReason}`)) : null,
    c.vip ? h('span', { class: 'badge vip' }, 'VIP') : null,
    h('span', { class: 'badge network' }, networkName(c.platform)),
    m ? h('span', { class: 'message-text' }, m.text) : null,
    link ? h('a', { class: 'post-link', href: link, target: '_blank', rel: 'noopener noreferrer' }, t('inbox.viewPost')) : null,
  );
}

function caseRow(c, ctx, selection) {
  const row = h('article', { class: ['case-row', `status-${c.status}`, c.breached ? 'is-breached' : ''], dataset: { caseId: c.id } });
  const draw = (cur) => {
    const controls = caseControls(cur, ctx, (updated) => {
      draw(updated);
      row.classList.add('flash');
    });
    clear(row).append(
      h(
        'div',
        { class: 'case-who' },
        selection
          ? h('input', {
              type: 'checkbox',
              class: 'pick',
              'aria-label': t('inbox.select', { customer: customerOf(cur) }),
              checked: selection.has(cur.id),
              onchange: (e) => selection.toggle(cur.id, e.target.checked),
            })
          : null,
        h('a', { class: 'customer', href: href('case', {}, { id: cur.id }) }, customerOf(cur)),
        cur.customer?.handle ? h('span', { class: 'muted handle' }, `@${cur.customer.handle}`) : null,
        h(
          'div',
          { class: 'badges' },
          intentBadge(cur.intent),
          sentimentBadge(cur.sentiment),
          h('span', { class: ['badge', 'status', `status-${cur.status}`] }, t(`status.${cur.status}`)),
          cur.breached ? h('span', { class: 'badge breached' }, t('inbox.breached')) : null,
        ),
      ),
      h(
        'div',
        { class: 'case-wait' },
        h('span', { class: 'label' }, t('inbox.waiting')),
        (cur.waitingSince ?? cur.awaitingReplySince) && cur.status !== 'resolved'
          ? h('span', { class: 'waiting', dataset: { since: cur.waitingSince ?? cur.awaitingReplySince } })
          : h('span', { class: 'muted' }, fmt.MISSING),
      ),
      h('div', { class: 'case-sla' }, h('span', { class: 'label' }, t('inbox.sla')), slaElement(cur), windowElement(cur)),
      h('div', { class: 'case-assign' }, h('span', { class: 'label' }, t('inbox.assignee')), controls.assignee),
      h('div', { class: 'case-team' }, h('span', { class: 'label' }, t('inbox.team')), controls.team),
      h(
        'div',
        { class: 'case-actions' },
        h('a', { class: 'button ghost', href: href('case', {}, { id: cur.id }) }, t('inbox.open')),
        controls.buttons[0],
      ),
      // the triage fields stay from the list: an update answers with the case, not its triage line
      triageLine({ ...cur, latestMessage: c.latestMessage, waitReason: c.waitReason, priority: c.priority, vip: c.vip }),
    );
  };
  draw(c);
  return row;
}

/** Checked rows of the triage list and the bar that acts on them all (POST /cases/bulk). */
function bulkBar(ctx, reload) {
  const ids = new Set();
  const count = h('span', { class: 'muted', id: 'bulk-count' });
  const bar = h('div', { class: 'toolbar bulk-bar', id: 'bulk-bar', hidden: true });
  const refresh = () => {
    bar.hidden = ids.size === 0;
    count.textContent = t('inbox.selected', { n: fmt.count(ids.size) });
  };
  const run = async (body) => {
    const res = await api.post('/cases/bulk', { ids: [...ids], ...body });
    const failed = res.results.filter((r) => !r.ok);
    ctx.toast(t('inbox.bulkDone', { ok: fmt.count(res.results.length - failed.length), failed: fmt.count(failed.length) }));
    reload();
  };
  const act = (body) => () => run(body).catch(ctx.showError);
  bar.append(
    count,
    select(
      {
        id: 'bulk-assign',
        'aria-label': t('inbox.assignee'),
        onchange: (e) => e.target.value && act({ action: 'assign', assigneeId: e.target.value })(),
      },
      [['', t('inbox.bulkAssign')], ...workspace.agents.map((a) => [a.id, a.name])],
      '',
    ),
    select(
      {
        id: 'bulk-team',
        'aria-label': t('inbox.team'),
        onchange: (e) => e.target.value && act({ action: 'team', team: e.target.value })(),
      },
      [['', t('inbox.bulkTeam')], ...workspace.teams.map((tm) => [tm.name, tm.name])],
      '',
    ),
    h('button', { type: 'button', class: 'resolve', id: 'bulk-resolve', onclick: act({ action: 'resolve' }) }, t('inbox.resolve')),
    h('button', { type: 'button', class: 'ghost', id: 'bulk-not-support', onclick: act({ action: 'not_support' }) }, t('inbox.notSupport')),
  );
  const selection = {
    has: (id) => ids.has(id),
    toggle: (id, on) => {
      if (on) ids.add(id);
      else ids.delete(id);
      refresh();
    },
  };
  return { bar, selection };
}

export async function renderInbox(main, ctx) {
  const p = ctx.params;
  const tab = p.tab === 'cases' ? 'cases' : 'unanswered';
  const range = resolveRange(p);
  const setFilter = (patch) => navigate('inbox', { ...p, ...patch, offset: null }, { keepGlobals: false });
  const listParams = {
    topic: p.topic,
    platform: p.platform,
    status: p.status,
    team: p.team,
    assignee: p.assignee,
    intent: p.intent,
    sentiment: p.sentiment,
    breached: p.breached,
    sort: p.sort || 'waiting',
    ...(p.opened === 'range' ? { from: range.from.toISOString(), to: range.to.toISOString() } : {}),
  };

  const tabs = h(
    'nav',
    { class: 'subtabs' },
    h(
      'a',
      { href: href('inbox', { tab: 'unanswered' }), class: tab === 'unanswered' ? 'active' : '', id: 'tab-unanswered' },
      t('inbox.unanswered'),
    ),
    h(
      'a',
      { href: href('inbox', { tab: 'cases', status: 'open' }), class: tab === 'cases' ? 'active' : '', id: 'tab-cases' },
      t('inbox.cases'),
    ),
  );
  const summary = h('span', { class: 'muted summary' });
  const csvParams = tab === 'cases' ? listParams : { topic: p.topic, status: 'open' };
  main.append(
    h(
      'div',
      { class: 'view-head' },
      h('h1', {}, t('inbox.title')),
      tabs,
      summary,
      meSelect(),
      exportLink('cases', csvParams, { class: 'button ghost' }, t('common.exportCsv')),
    ),
  );

  const field = (label, control) => h('label', { class: 'field' }, h('span', {}, t(label)), control);
  const all = (options) => [['', t('common.all')], ...options];
  if (tab === 'unanswered') {
    main.append(
      h(
        'div',
        { class: 'toolbar', id: 'triage-filters' },
        field(
          'filter.team',
          select(
            { id: 'f-team', onchange: (e) => setFilter({ team: e.target.value || null }) },
            all(workspace.teams.map((tm) => [tm.name, tm.name])),
            p.team,
          ),
        ),
        field(
          'filter.assignee',
          select(
            { id: 'f-assignee', onchange: (e) => setFilter({ assignee: e.target.value || null }) },
            all([['none', t('inbox.unassigned')], ...workspace.agents.map((a) => [a.id, a.name])]),
            p.assignee,
          ),
        ),
        field(
          'filter.intent',
          select(
            { id: 'f-intent', onchange: (e) => setFilter({ intent: e.target.value || null }) },
            all(INTENTS.map((i) => [i, t(`intent.${i}`)])),
            p.intent,
          ),
        ),
        field(
          'filter.sentiment',
          select(
            { id: 'f-sentiment', onchange: (e) => setFilter({ sentiment: e.target.value || null }) },
            all(SENTIMENTS.map((x) => [x, t(`sentiment.${x}`)])),
            p.sentiment,
          ),
        ),
        field(
          'filter.lang',
          select(
            { id: 'f-lang', onchange: (e) => setFilter({ lang: e.target.value || null }) },
            all([
              ['pt', 'pt'],
              ['en', 'en'],
              ['es', 'es'],
            ]),
            p.lang,
          ),
        ),
        field(
          'filter.sort',
          select(
            { id: 'f-sort', onchange: (e) => setFilter({ sort: e.target.value }) },
            TRIAGE_SORTS.map(([v, k]) => [v, t(k)]),
            p.sort || 'priority',
          ),
        ),
        h(
          'label',
          { class: 'field check' },
          h('input', {
            type: 'checkbox',
            id: 'f-vip',
            checked: p.vip === 'true',
            onchange: (e) => setFilter({ vip: e.target.checked ? 'true' : null }),
          }),
          h('span', {}, t('filter.vip')),
        ),
        h(
          'label',
          { class: 'field check' },
          h('input', {
            type: 'checkbox',
            id: 'f-breached',
            checked: p.breached === 'true',
            onchange: (e) => setFilter({ breached: e.target.checked ? 'true' : null }),
          }),
          h('span', {}, t('filter.breached')),
        ),
      ),
    );
  }
  if (tab === 'cases') {
    main.append(
      h(
        'div',
        { class: 'toolbar' },
        h(
          'label',
          { class: 'field' },
          h('span', {}, t('filter.status')),
          select(
            { id: 'f-status', onchange: (e) => setFilter({ status: e.target.value || null }) },
            [['', t('common.all')], ...STATUSES.map((s) => [s, t(`status.${s}`)])],
            p.status,
          ),
        ),
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
        h(
          'label',
          { class: 'field' },
          h('span', {}, t('filter.assignee')),
          select(
            { id: 'f-assignee', onchange: (e) => setFilter({ assignee: e.target.value || null }) },
            [['', t('common.all')], ['none', t('inbox.unassigned')], ...workspace.agents.map((a) => [a.id, a.name])],
            p.assignee,
          ),
        ),
        h(
          'label',
          { class: 'field' },
          h('span', {}, t('filter.intent')),
          select(
            { id: 'f-intent', onchange: (e) => setFilter({ intent: e.target.value || null }) },
            [['', t('common.all')], ...INTENTS.map((i) => [i, t(`intent.${i}`)])],
            p.intent,
          ),
        ),
        h(
          'label',
          { class: 'field' },
          h('span', {}, t('filter.sentiment')),
          select(
            { id: 'f-sentiment', onchange: (e) => setFilter({ sentiment: e.target.value || null }) },
            [['', t('common.all')], ...SENTIMENTS.map((s) => [s, t(`sentiment.${s}`)])],
            p.sentiment,
          ),
        ),
        h(
          'label',
          { class: 'field' },
          h('span', {}, t('filter.sort')),
          select(
            { id: 'f-sort', onchange: (e) => setFilter({ sort: e.target.value }) },
            SORTS.map(([v, k]) => [v, t(k)]),
            listParams.sort,
          ),
        ),
        h(
          'label',
          { class: 'field check' },
          h('input', {
            type: 'checkbox',
            id: 'f-breached',
            checked: p.breached === 'true',
            onchange: (e) => setFilter({ breached: e.target.checked ? 'true' : null }),
          }),
          h('span', {}, t('filter.breached')),
        ),
        p.opened === 'range'
          ? h(
              'span',
              { class: 'chip' },
              `${t('inbox.opened', { time: '' })} ${fmt.dateTime(range.from, range.tz)} → ${fmt.dateTime(range.to, range.tz)}`,
            )
          : null,
      ),
    );
  }

  const head = h(
    'div',
    { class: 'case-head', 'aria-hidden': 'true' },
    h('span', {}, t('inbox.customer')),
    h('span', {}, t('inbox.waiting')),
    h('span', {}, t('inbox.sla')),
    h('span', {}, t('inbox.assignee')),
    h('span', {}, t('inbox.team')),
    h('span', {}),
  );
  const list = h('div', { class: 'case-list', id: 'case-list' }, head);
  const bulk = tab === 'unanswered' ? bulkBar(ctx, () => navigate('inbox', { ...p }, { keepGlobals: false })) : null;
  if (bulk) main.append(bulk.bar);
  main.append(list);

  let rows;
  let total;
  if (tab === 'unanswered') {
    const q = {
      platform: p.platform,
      team: p.team,
      assignee: p.assignee,
      intent: p.intent,
      sentiment: p.sentiment,
      lang: p.lang,
      vip: p.vip,
      breached: p.breached,
      sort: p.sort && TRIAGE_SORTS.some(([v]) => v === p.sort) ? p.sort : 'priority',
    };
    rows = await api.get('/cases/unanswered', Object.fromEntries(Object.entries(q).filter(([, v]) => v)));
    if (p.topic) rows = rows.filter((c) => (c.topicIds ?? []).includes(p.topic));
    total = rows.length;
  } else {
    const offset = Number(p.offset) || 0;
    const page = await api.get('/cases', { ...listParams, limit: PAGE, offset });
    rows = page.data;
    total = page.total;
    if (offset + rows.length < total || offset > 0) {
      main.append(
        h(
          'div',
          { class: 'pager' },
          offset > 0
            ? h(
                'a',
                { class: 'button ghost', href: href('inbox', { ...p, offset: Math.max(0, offset - PAGE) }) },
                '← ',
                String(Math.max(0, offset - PAGE) + 1),
                '–',
                String(offset),
              )
            : null,
          offset + rows.length < total
            ? h(
                'a',
                { class: 'button ghost', href: href('inbox', { ...p, offset: offset + PAGE }) },
                `${offset + PAGE + 1}–${Math.min(total, offset + 2 * PAGE)} →`,
              )
            : null,
        ),
      );
    }
  }
  if (!ctx.alive()) return undefined;
  summary.textContent = t('common.total', { n: fmt.count(total) });
  if (!rows.length) list.append(h('p', { class: 'muted empty' }, t('common.none')));
  // The unanswered queue comes whole; the longest waits are the ones to act on.
  for (const c of rows.slice(0, MAX_ROWS)) list.append(caseRow(c, ctx, bulk?.selection));
  if (rows.length > MAX_ROWS) list.append(h('p', { class: 'muted empty' }, t('common.showing', { n: fmt.count(MAX_ROWS) })));
  rememberQueue(rows.slice(0, MAX_ROWS).map((c) => c.id));
  const stopClocks = startClocks(main);
  const unbind = bindShortcuts('list', listShortcuts(list, ctx));
  return () => {
    stopClocks();
    unbind();
  };
}

/** The list's shortcuts act on the current row (j/k move it) through the row's own controls. */
function listShortcuts(list, ctx) {
  const row = () => currentRow(list) ?? moveCurrent(list, 0);
  const open = (r) => r && navigate('case', {}, { id: r.dataset.caseId });
  return {
    j: () => moveCurrent(list, 1),
    k: () => moveCurrent(list, -1),
    Enter: () => open(currentRow(list)),
    n: () => open(currentRow(list) ? moveCurrent(list, 1) : moveCurrent(list, 0)),
    a: () => assignToMe(row()?.querySelector('select.assign'), ctx),
    e: () => row()?.querySelector('button.resolve')?.click(),
  };
}

/** `a`: the case's assignee picker set to the agent this browser works as. */
function assignToMe(picker, ctx) {
  const me = myAgentId();
  if (!me) return ctx.toast(t('live.chooseMe'));
  if (!picker || picker.value === me) return undefined;
  picker.value = me;
  picker.dispatchEvent(new Event('change'));
  return undefined;
}

/* ---------- one case ---------- */

/** Networks whose replies Ouvidor sends itself (POST /cases/:id/replies with send: true). */
const SENDS_FROM_HERE = new Set(['bluesky', 'mastodon', 'facebook', 'instagram', 'whatsapp', 'reddit', 'youtube']);

function messageLink(m, platform) {
  // only web links: a stored url is shown as a link only when it is http(s)
  if (m.url && /^https?:\/\//.test(m.url)) return m.url;
  if (!m.externalId) return null;
  if (platform === 'x') return `https://x.com/i/web/status/${encodeURIComponent(m.externalId)}`;
  // a Bluesky post's id is its at-uri: at://<did>/app.bsky.feed.post/<rkey>
  const at =
    platform === 'bluesky' ? /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._:~-]+)$/.exec(m.externalId) : null;
  return at ? `https://bsky.app/profile/${at[1]}/post/${at[2]}` : null;
}

export async function renderCase(main, ctx) {
  const c = await api.get(`/cases/${encodeURIComponent(ctx.id)}`);
  if (!ctx.alive()) return undefined;
  const tz = resolveRange(ctx.params).tz;
  const page = h('div', { class: 'case-view', id: 'case-view', dataset: { caseId: c.id } });
  main.append(page);
  const live = casePresence(c.id, ctx);

  const draw = (cur) => {
    const controls = caseControls(cur, ctx, draw);
    const text = h('textarea', { id: 'reply-text', rows: 3, required: true, maxlength: 10000 });
    live.watchTyping(text);
    const agent = select(
      { id: 'reply-agent' },
      [['', '—'], ...workspace.agents.map((a) => [a.id, a.name])],
      myAgentId() ?? cur.assignee ?? '',
    );
    const saved = savedReplies(text, agent, cur, ctx);
    // a reply refused because a colleague is answering the same message says who, beside the box
    const conflict = h('p', { class: 'form-error reply-conflict', id: 'reply-conflict', role: 'alert', hidden: true });
    const form = h(
      'form',
      { class: 'reply-form', id: 'reply-form' },
      h('h2', {}, SENDS_FROM_HERE.has(cur.platform) ? t('inbox.reply') : t('inbox.recordReply')),
      h('label', { class: 'field grow' }, h('span', {}, t('inbox.replyText')), text),
      conflict,
      saved.list,
      h('p', { class: 'muted hint' }, t('case.savedReplyHint')),
      h(
        'div',
        { class: 'reply-row' },
        h('label', { class: 'field' }, h('span', {}, t('inbox.replyAgent')), agent),
        // Bluesky, Mastodon, Facebook, Instagram, WhatsApp, Reddit and YouTube replies can be sent from here; X's are sent on X and recorded
        SENDS_FROM_HERE.has(cur.platform)
          ? h(
              'button',
              { type: 'submit', class: 'primary', id: 'reply-send', value: 'send' },
              t('inbox.replySend', { network: networkName(cur.platform) }),
            )
          : null,
        h(
          'button',
          { type: 'submit', class: SENDS_FROM_HERE.has(cur.platform) ? 'ghost' : 'primary', id: 'reply-record', value: 'record' },
          t('inbox.replySave'),
        ),
      ),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      const send = e.submitter?.value === 'send';
      for (const b of form.querySelectorAll('button')) b.disabled = true;
      conflict.hidden = true;
      try {
        const updated = await api.post(`/cases/${encodeURIComponent(cur.id)}/replies`, {
          text: text.value.trim(),
          ...(agent.value ? { agentId: agent.value } : {}),
          ...(send ? { send: true } : {}),
          ...(saved.savedReplyId() ? { savedReplyId: saved.savedReplyId() } : {}),
        });
        ctx.toast(send ? t('inbox.replySent', { network: networkName(cur.platform) }) : t('inbox.replyRecorded'));
        live.doneTyping();
        draw(updated);
      } catch (err) {
        for (const b of form.querySelectorAll('button')) b.disabled = false;
        if (err instanceof ApiError && err.status === 409) {
          // the API names the colleague in English; the page says it in its own language
          const name = /^(.+) is already replying to this message$/.exec(err.message)?.[1];
          conflict.textContent = name ? t('live.alreadyReplying', { name }) : t('live.replyConflict', { message: err.message });
          conflict.hidden = false;
        } else ctx.showError(err);
      }
    });
    clear(page).append(
      h(
        'div',
        { class: 'case-top' },
        h('a', { class: 'back', href: href('inbox') }, '← ', t('nav.inbox')),
        live.bar,
        meSelect(() => live.meChanged()),
        h('button', { type: 'button', class: 'ghost keys-hint', title: t('keys.title'), onclick: () => showHelp() }, '?'),
      ),
      h(
        'header',
        { class: 'case-header' },
        h(
          'div',
          {},
          h('h1', {}, customerOf(cur), cur.customer?.handle ? h('span', { class: 'muted handle' }, ` @${cur.customer.handle}`) : null),
          h(
            'p',
            { class: 'muted' },
            t('inbox.opened', { time: fmt.dateTime(cur.openedAt, tz) }),
            ' · ',
            t('inbox.counts', { in: fmt.count(cur.inboundCount), out: fmt.count(cur.outboundCount) }),
            cur.routingKeyword ? ` · ${t('inbox.routedBy', { keyword: cur.routingKeyword })}` : '',
          ),
        ),
        h(
          'div',
          { class: 'badges' },
          h('span', { class: ['badge', 'status', `status-${cur.status}`], id: 'case-status' }, t(`status.${cur.status}`)),
          intentBadge(cur.intent),
          sentimentBadge(cur.sentiment),
          cur.breached ? h('span', { class: 'badge breached' }, t('inbox.breached')) : null,
        ),
      ),
      h(
        'div',
        { class: 'case-controls' },
        h('div', { class: 'case-sla' }, h('span', { class: 'label' }, t('inbox.sla')), slaElement(cur)),
        cur.platform === 'whatsapp'
          ? h('div', { class: 'case-window' }, h('span', { class: 'label' }, t('inbox.window')), windowElement(cur))
          : null,
        h('label', { class: 'field' }, h('span', {}, t('inbox.assignee')), controls.assignee),
        h('label', { class: 'field' }, h('span', {}, t('inbox.team')), controls.team),
        h('div', { class: 'buttons' }, controls.buttons),
      ),
      h('h2', {}, t('inbox.messages')),
      h(
        'ol',
        { class: 'thread' },
        (cur.messages ?? []).map((m) => {
          const link = messageLink(m, cur.platform);
          return h(
            'li',
            { class: ['message', m.direction] },
            h('div', { class: 'bubble' }, h('p', {}, m.text)),
            h(
              'p',
              { class: 'meta muted' },
              m.direction === 'outbound'
                ? m.agentId
                  ? agentName(m.agentId)
                  : t('inbox.outbound')
                : m.authorHandle
                  ? `@${m.authorHandle}`
                  : t('inbox.inbound'),
              ' · ',
              h('time', { datetime: m.at }, fmt.dateTime(m.at, tz)),
              link ? [' · ', h('a', { href: link, target: '_blank', rel: 'noopener noreferrer' }, '↗')] : null,
              m.delivery
                ? [
                    ' · ',
                    h(
                      'span',
                      { class: ['delivery', `delivery-${m.delivery.status}`], title: m.delivery.error ?? '' },
                      t(`inbox.delivery.${m.delivery.status}`),
                    ),
                  ]
                : null,
              m.direction === 'inbound' && m.mentionId ? h('span', { class: 'message-labels', dataset: { mentionId: m.mentionId } }) : null,
            ),
          );
        }),
      ),
      form,
      casePanels(cur, ctx),
    );
    showMessageLabels(page, cur, ctx, draw);
  };
  draw(c);
  const stopClocks = startClocks(page);
  const unbind = bindShortcuts('case', caseShortcuts(page, c.id, ctx));
  return () => {
    stopClocks();
    unbind();
    live.stop();
  };
}

/** Opens the shortcuts overlay as `?` does. */
function showHelp() {
  document.dispatchEvent(new KeyboardEvent('keydown', { key: '?' }));
}

/** The case view's shortcuts, through the page's own controls. */
function caseShortcuts(page, id, ctx) {
  return {
    a: () => assignToMe(page.querySelector('.case-controls select.assign'), ctx),
    e: () => page.querySelector('.case-controls button.resolve')?.click(),
    '/': () => {
      const text = page.querySelector('#reply-text');
      if (!text) return;
      text.focus();
      if (!text.value) {
        text.value = '/';
        text.dispatchEvent(new Event('input'));
      }
    },
    n: () => {
      const next = nextInQueue(id);
      if (next) navigate('case', {}, { id: next });
      else navigate('inbox', {});
    },
    Esc: () => navigate('inbox', {}),
  };
}

/**
 * The customer messages' sentiment and intent, correctable in place. A correction can open, join
 * or close the case (not_support), so the case is read again after one.
 */
async function showMessageLabels(page, c, ctx, draw) {
  const slots = [...page.querySelectorAll('.message-labels')];
  if (!slots.length) return;
  try {
    const labels = await labelsOf(slots.map((s) => s.dataset.mentionId));
    if (!ctx.alive()) return;
    const reload = async () => draw(await api.get(`/cases/${encodeURIComponent(c.id)}`));
    for (const slot of slots) {
      const l = labels.get(slot.dataset.mentionId);
      if (l)
        slot.append(
          ' · ',
          correctableLabels(l, ctx, () => reload().catch(ctx.showError)),
        );
    }
  } catch (err) {
    if (ctx.alive()) ctx.showError(err);
  }
}
