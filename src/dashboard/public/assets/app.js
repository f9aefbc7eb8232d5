/** The dashboard's entry: sign-in, the shell (navigation and shared filters), and the hash router. */
import { api, ApiError, session } from './api.js';
import { disposeCharts } from './charts.js';
import { append, clear, h, select, toast } from './dom.js';
import * as fmt from './format.js';
import { getLang, LANGUAGES, setLang, t } from './i18n.js';
import {
  fromLocalInput,
  href,
  parseHash,
  PLATFORMS,
  PRESETS,
  resolveRange,
  setGlobals,
  timezone,
  toLocalInput,
  workspace,
} from './state.js';
import { renderAgents } from './views/agents.js';
import { renderAuthors } from './views/authors.js';
import { renderCompetitors } from './views/competitors.js';
import { renderAssignment } from './views/assignment.js';
import { renderDigests } from './views/digests.js';
import { renderForecast } from './views/forecast.js';
import { renderCase, renderInbox } from './views/inbox.js';
import { renderMentions } from './views/mentions.js';
import { renderOverview } from './views/overview.js';
import { renderRecords } from './views/records.js';
import { renderThemes } from './views/themes.js';

const root = document.getElementById('app');
const VIEWS = {
  overview: renderOverview,
  mentions: renderMentions,
  themes: renderThemes,
  competitors: renderCompetitors,
  authors: renderAuthors,
  inbox: renderInbox,
  case: renderCase,
  agents: renderAgents,
  assignment: renderAssignment,
  records: renderRecords,
  digests: renderDigests,
  forecast: renderForecast,
};
const NAV = [
  ['overview', 'nav.overview'],
  ['mentions', 'nav.mentions'],
  ['themes', 'nav.themes'],
  ['competitors', 'nav.competitors'],
  ['authors', 'nav.authors'],
  ['inbox', 'nav.inbox'],
  ['agents', 'nav.agents'],
  ['assignment', 'nav.assignment'],
  ['digests', 'nav.digests'],
  ['forecast', 'nav.forecast'],
];
/** Which tab is lit for views reached by drill-down. */
const NAV_OF = { case: 'inbox', records: 'overview' };

let shell = null;
let cleanup = null;
let renderSeq = 0;

/* ---------- errors and notices ---------- */

/** Shows the API's own message; a refused key sends the user back to sign-in. */
export function showError(err) {
  if (err instanceof ApiError && err.status === 401 && session.key) {
    signOut(t('error.signedOut') + ` (${err.message})`);
    return;
  }
  const slot = document.getElementById('banner');
  if (!slot) return;
  const message =
    err instanceof ApiError ? (err.status === 0 ? `${t('error.network')} ${err.message}` : err.message) : String(err?.message ?? err);
  const status = err instanceof ApiError && err.status ? `${err.status} · ` : '';
  clear(slot).append(
    h(
      'div',
      { class: 'banner error', role: 'alert' },
      h('div', {}, h('strong', {}, t('error.title')), h('p', { class: 'banner-message' }, status, message)),
      h('button', { type: 'button', class: 'ghost', onclick: () => clear(slot) }, t('common.dismiss')),
    ),
  );
}

/* ---------- sign-in ---------- */

async function loadWorkspace(key) {
  const info = await api.get('/workspaces/current', null, { key });
  const [topics, agents, teams] = await Promise.all([
    api.get('/topics', null, { key }),
    api.get('/agents', null, { key }),
    api.get('/teams', null, { key }),
  ]);
  Object.assign(workspace, { info, topics, agents, teams });
}

function renderSignIn(message) {
  shell = null;
  clear(root);
  const input = h('input', { type: 'password', name: 'key', id: 'api-key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = h('p', { class: 'form-error', role: 'alert' }, message ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
  const form = h(
    'form',
    { class: 'signin-card', id: 'signin' },
    h('h1', {}, t('app.title')),
    h('p', { class: 'muted' }, t('app.tagline')),
    h('label', { for: 'api-key' }, t('signin.key')),
    input,
    h('p', { class: 'help' }, t('signin.help')),
    button,
    error,
    langSwitch(() => renderSignIn()),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    button.textContent = t('signin.checking');
    try {
      await loadWorkspace(key);
      session.key = key;
      route();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 0 ? `${t('error.network')} ${err.message}` : err.message;
      button.disabled = false;
      button.textContent = t('signin.submit');
    }
  });
  root.append(h('main', { class: 'signin' }, form));
  input.focus();
}

function signOut(message) {
  session.key = null;
  cleanup?.();
  cleanup = null;
  disposeCharts();
  renderSignIn(message);
}

/* ---------- shell ---------- */

function langSwitch(rerender) {
  return h(
    'div',
    { class: 'lang-switch', role: 'group', 'aria-label': t('filters.lang') },
    LANGUAGES.map(([code, label]) =>
      h(
        'button',
        {
          type: 'button',
          class: code === getLang() ? 'active' : '',
          'aria-pressed': String(code === getLang()),
          dataset: { lang: code },
          onclick: () => (setLang(code), rerender()),
        },
        label,
      ),
    ),
  );
}

function timeZones(current) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const set = new Set([workspace.info?.timezone, current, 'UTC', ...zones].filter(Boolean));
  return [...set].map((z) => [z, z === workspace.info?.timezone ? `${z} ★` : z]);
}

function renderFilters(container, { params }) {
  const r = resolveRange(params);
  const tz = timezone(params);
  const custom = r.preset === 'custom';
  const from = h('input', { type: 'datetime-local', id: 'range-from', value: toLocalInput(r.from, tz) });
  const to = h('input', { type: 'datetime-local', id: 'range-to', value: toLocalInput(r.to, tz) });
  const applyCustom = () => {
    const f = fromLocalInput(from.value, tz);
    const e = fromLocalInput(to.value, tz);
    if (!f || !e || f >= e) return showError(new Error(t('range.invalid')));
    setGlobals({ range: 'custom', from: f.toISOString(), to: e.toISOString() });
  };
  append(clear(container), [
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('filters.topic')),
      select(
        { id: 'topic', onchange: (e) => setGlobals({ topic: e.target.value || null }) },
        [['', t('filters.allTopics')], ...workspace.topics.map((tp) => [tp.id, tp.name])],
        params.topic,
      ),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('filters.platform')),
      select(
        { id: 'platform', onchange: (e) => setGlobals({ platform: e.target.value || null }) },
        [['', t('filters.allPlatforms')], ...PLATFORMS],
        params.platform,
      ),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('filters.range')),
      select(
        {
          id: 'range',
          onchange: (e) => {
            const v = e.target.value;
            if (v === 'custom') setGlobals({ range: 'custom', from: r.from.toISOString(), to: r.to.toISOString() });
            else setGlobals({ range: v, from: null, to: null });
          },
        },
        [...Object.keys(PRESETS).map((p) => [p, t(`range.${p}`)]), ['custom', t('range.custom')]],
        r.preset,
      ),
    ),
    custom
      ? h(
          'div',
          { class: 'custom-range' },
          h('label', { class: 'field' }, h('span', {}, t('filters.from')), from),
          h('label', { class: 'field' }, h('span', {}, t('filters.to')), to),
          h('button', { type: 'button', id: 'range-apply', onclick: applyCustom }, t('filters.apply')),
        )
      : null,
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('filters.tz')),
      select(
        { id: 'tz', onchange: (e) => setGlobals({ tz: e.target.value === workspace.info?.timezone ? null : e.target.value }) },
        timeZones(tz),
        tz,
      ),
    ),
    h(
      'button',
      { type: 'button', class: 'ghost refresh', onclick: () => route(), title: t('filters.refresh') },
      '↻ ',
      t('filters.refresh'),
    ),
  ]);
}

function renderShell(current) {
  const active = NAV_OF[current.view] ?? current.view;
  clear(root).append(
    h(
      'header',
      { class: 'topbar' },
      h(
        'a',
        { class: 'brand', href: href('overview') },
        h('img', { src: '/assets/favicon.svg', alt: '', width: 24, height: 24 }),
        h('span', {}, t('app.title')),
      ),
      h('span', { class: 'workspace-name' }, workspace.info?.name ?? ''),
      h(
        'nav',
        { class: 'tabs' },
        NAV.map(([view, label]) =>
          h(
            'a',
            {
              href: href(view),
              class: view === active ? 'active' : '',
              'aria-current': view === active ? 'page' : null,
              dataset: { nav: view },
            },
            t(label),
          ),
        ),
      ),
      h(
        'div',
        { class: 'session' },
        h('span', { class: 'collection-status', id: 'collection-status', role: 'status' }),
        langSwitch(() => route()),
        h('button', { type: 'button', class: 'ghost', id: 'signout', onclick: () => signOut() }, t('signin.out')),
      ),
    ),
    h('section', { class: 'filters', id: 'filters', 'aria-label': t('filters.range') }),
    h('div', { id: 'banner' }),
    h('main', { id: 'view', class: 'view' }),
    h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' }),
  );
  shell = { filters: document.getElementById('filters'), main: document.getElementById('view') };
  void showCollectionStatus(document.getElementById('collection-status'));
}

/**
 * When the workspace's topics were last collected, and whether collection is failing (a topic's
 * last failure is newer than its last success), from GET /collectors/status. Keys without access
 * (agents) see nothing.
 */
async function showCollectionStatus(slot) {
  let status;
  try {
    status = await api.get('/collectors/status');
  } catch {
    return;
  }
  if (!slot.isConnected) return;
  const active = status.topics.filter((tp) => tp.active);
  const failing = active.filter((tp) => tp.lastFailedAt && (!tp.lastSucceededAt || tp.lastFailedAt > tp.lastSucceededAt));
  const last = active
    .map((tp) => tp.lastSucceededAt)
    .filter(Boolean)
    .sort()
    .pop();
  const networks = status.networks.filter((n) => n.configured).map((n) => PLATFORMS.find(([id]) => id === n.platform)?.[1] ?? n.platform);
  const text = failing.length ? t('collection.failing') : last ? t('collection.ok', { ago: fmt.ago(last) }) : t('collection.never');
  const detail = [
    t('collection.networks', { list: networks.join(', ') || t('collection.none') }),
    ...failing.map((tp) => `${tp.name}: ${tp.lastError}`),
  ].join('\n');
  clear(slot).append(h('span', { class: ['dot', failing.length ? 'is-bad' : last ? 'is-good' : ''] }), text);
  slot.title = detail;
  slot.dataset.state = failing.length ? 'failing' : last ? 'ok' : 'never';
}

/* ---------- router ---------- */

async function route() {
  if (!session.key) return renderSignIn();
  if (!workspace.info) {
    try {
      await loadWorkspace(session.key);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return signOut(t('error.signedOut') + ` (${err.message})`);
      renderSignIn(err.message);
      return;
    }
  }
  const current = parseHash();
  if (!VIEWS[current.view]) current.view = 'overview';
  cleanup?.();
  cleanup = null;
  disposeCharts();
  renderShell(current);
  renderFilters(shell.filters, current);
  const seq = ++renderSeq;
  const ctx = { ...current, alive: () => seq === renderSeq, showError, toast };
  try {
    cleanup = (await VIEWS[current.view](shell.main, ctx)) ?? null;
  } catch (err) {
    if (ctx.alive()) showError(err);
  }
}

window.addEventListener('hashchange', () => route());
route();
