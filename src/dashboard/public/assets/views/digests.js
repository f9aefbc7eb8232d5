/** Digests: schedule the week's numbers by email and Slack, preview them, send one now, see each run's recipients. */
import { api } from '../api.js';
import { clear, h, select } from '../dom.js';
import * as fmt from '../format.js';
import { getLang, t } from '../i18n.js';
import { PLATFORMS, workspace } from '../state.js';

/** The sections GET/POST /digests accept (src/digests/sections.ts). */
const SECTIONS = ['listening', 'engagement', 'leads', 'deflection', 'care', 'surveys', 'themes', 'shareOfVoice', 'forecast'];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

function weekdayName(n) {
  // 2024-01-01 was a Monday
  return new Intl.DateTimeFormat(getLang() === 'pt' ? 'pt-BR' : 'en-US', { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, n));
}

function cadence(d) {
  if (d.frequency === 'weekly') return t('digests.cadence.weekly', { day: weekdayName(d.weekday), time: d.time });
  if (d.frequency === 'monthly') return t('digests.cadence.monthly', { day: d.monthDay, time: d.time });
  return t('digests.cadence.daily', { time: d.time });
}

function checkboxes(name, options, checked) {
  return h(
    'div',
    { class: 'digest-checks', role: 'group' },
    options.map(([value, label]) =>
      h('label', { class: 'digest-check' }, h('input', { type: 'checkbox', name, value, checked: checked.includes(value) }), ' ', label),
    ),
  );
}

function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

function createForm(onCreated, ctx) {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const frequency = select(
    { name: 'frequency', id: 'digest-frequency' },
    ['daily', 'weekly', 'monthly'].map((f) => [f, t(`digests.freq.${f}`)]),
    'weekly',
  );
  const weekday = h(
    'label',
    { class: 'field', id: 'digest-weekday-field' },
    h('span', {}, t('digests.weekday')),
    select(
      { name: 'weekday' },
      WEEKDAYS.map((d) => [d, weekdayName(d)]),
      1,
    ),
  );
  const monthDay = h(
    'label',
    { class: 'field', id: 'digest-monthday-field', hidden: true },
    h('span', {}, t('digests.monthDay')),
    h('input', { type: 'number', name: 'monthDay', min: 1, max: 31, value: 1 }),
  );
  const sync = () => {
    weekday.hidden = frequency.value !== 'weekly';
    monthDay.hidden = frequency.value !== 'monthly';
  };
  frequency.addEventListener('change', sync);
  const form = h(
    'form',
    { class: 'card digest-form', id: 'digest-form' },
    h('h2', {}, t('digests.new')),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('digests.name')),
        h('input', { name: 'name', id: 'digest-name', required: true, maxlength: 120 }),
      ),
      h('label', { class: 'field' }, h('span', {}, t('digests.frequency')), frequency),
      weekday,
      monthDay,
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('digests.time')),
        h('input', { type: 'time', name: 'time', value: '08:00', required: true }),
      ),
      h('label', { class: 'field' }, h('span', {}, t('filters.tz')), h('input', { name: 'tz', value: workspace.info?.timezone ?? 'UTC' })),
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('filters.lang')),
        select(
          { name: 'language' },
          [
            ['pt', 'Português'],
            ['en', 'English'],
          ],
          getLang(),
        ),
      ),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('digests.emails')),
      h('textarea', { name: 'emails', id: 'digest-emails', rows: 2, placeholder: 'ana@example.com, bruno@example.com' }),
    ),
    h('label', { class: 'digest-check' }, h('input', { type: 'checkbox', name: 'slack' }), ' ', t('digests.slack')),
    h('p', { class: 'help muted' }, t('digests.slackHelp')),
    h('h3', {}, t('digests.sections')),
    checkboxes(
      'sections',
      SECTIONS.map((s) => [s, t(`digests.section.${s}`)]),
      ['listening', 'care'],
    ),
    workspace.topics.length
      ? [
          h('h3', {}, t('filters.topic')),
          checkboxes(
            'topics',
            workspace.topics.map((tp) => [tp.id, tp.name]),
            [],
          ),
        ]
      : null,
    h('h3', {}, t('filters.platform')),
    checkboxes('networks', PLATFORMS, []),
    h('p', { class: 'help muted' }, t('digests.scopeHelp')),
    h('button', { type: 'submit', class: 'primary', id: 'digest-create' }, t('digests.create')),
    error,
  );
  sync();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const f = new FormData(form);
    const body = {
      name: String(f.get('name') ?? '').trim(),
      recipients: {
        emails: String(f.get('emails') ?? '')
          .split(/[\s,;]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        slack: f.get('slack') === 'on',
      },
      frequency: frequency.value,
      time: String(f.get('time')),
      tz: String(f.get('tz') ?? '').trim() || undefined,
      language: String(f.get('language')),
      sections: checkedValues(form, 'sections'),
      topics: checkedValues(form, 'topics'),
      networks: checkedValues(form, 'networks'),
    };
    if (body.frequency === 'weekly') body.weekday = Number(f.get('weekday'));
    if (body.frequency === 'monthly') body.monthDay = Number(f.get('monthDay'));
    try {
      await api.post('/digests', body);
      ctx.toast(t('digests.created'));
      form.reset();
      sync();
      await onCreated();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return form;
}

function runsTable(runs, tz) {
  if (!runs.length) return h('p', { class: 'muted' }, t('digests.noRuns'));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data', id: 'digest-runs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [t('digests.period'), t('digests.status'), t('digests.recipients')].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        runs.map((r) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              `${fmt.dateTime(r.from, tz)} – ${fmt.dateTime(r.to, tz)}`,
              r.late ? h('span', { class: 'chip' }, t('digests.late')) : null,
              r.manual ? h('span', { class: 'chip' }, t('digests.manual')) : null,
            ),
            h('td', {}, h('span', { class: ['badge', `run-${r.status}`] }, t(`digests.run.${r.status}`))),
            h(
              'td',
              {},
              r.recipients.map((p) =>
                h(
                  'div',
                  { dataset: { recipient: p.address, status: p.status } },
                  `${p.kind === 'slack' ? 'Slack' : p.address}: ${t(`digests.recipient.${p.status}`)}`,
                  p.error ? h('span', { class: 'muted' }, ` (${p.error})`) : null,
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function renderDigests(main, ctx) {
  const list = h('div', { id: 'digest-list' });
  const panel = h('section', { id: 'digest-panel', 'aria-live': 'polite' });

  const showPreview = async (d) => {
    clear(panel).append(h('p', { class: 'muted' }, t('common.loading')));
    const p = await api.post(`/digests/${d.id}/preview`);
    if (!ctx.alive()) return;
    // sandbox="" : the digest's HTML runs no script, submits nothing and gets an opaque origin
    clear(panel).append(
      h(
        'div',
        { class: 'card' },
        h('h2', {}, t('digests.preview'), ': ', p.subject),
        h('iframe', { id: 'digest-preview', sandbox: '', title: p.subject, srcdoc: p.html, width: '100%', height: '720' }),
      ),
    );
  };
  const showRuns = async (d) => {
    const runs = await api.get(`/digests/${d.id}/runs`);
    if (!ctx.alive()) return;
    clear(panel).append(h('div', { class: 'card' }, h('h2', {}, t('digests.runs'), ': ', d.name), runsTable(runs, d.tz)));
  };
  const act = (fn) => async () => {
    try {
      await fn();
    } catch (err) {
      ctx.showError(err);
    }
  };

  const load = async () => {
    const digests = await api.get('/digests');
    if (!ctx.alive()) return;
    clear(list).append(
      digests.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'data', id: 'digests' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  [t('digests.name'), t('digests.when'), t('digests.next'), t('digests.recipients'), ''].map((c) =>
                    h('th', { scope: 'col' }, c),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                digests.map((d) =>
                  h(
                    'tr',
                    { dataset: { digest: d.id } },
                    h('th', { scope: 'row' }, d.name, d.enabled ? null : h('span', { class: 'chip' }, t('digests.paused'))),
                    h('td', {}, cadence(d), ' · ', d.tz, ' · ', d.language),
                    h('td', {}, d.nextRunAt ? fmt.dateTime(d.nextRunAt, d.tz) : '—'),
                    h('td', {}, [...d.recipients.emails, ...(d.recipients.slack ? ['Slack'] : [])].join(', ')),
                    h(
                      'td',
                      { class: 'case-actions' },
                      h(
                        'button',
                        { type: 'button', class: 'ghost', dataset: { action: 'preview' }, onclick: act(() => showPreview(d)) },
                        t('digests.preview'),
                      ),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'ghost',
                          dataset: { action: 'send' },
                          onclick: act(async () => {
                            await api.post(`/digests/${d.id}/send-now`);
                            ctx.toast(t('digests.queued'));
                            await showRuns(d);
                          }),
                        },
                        t('digests.sendNow'),
                      ),
                      h(
                        'button',
                        { type: 'button', class: 'ghost', dataset: { action: 'runs' }, onclick: act(() => showRuns(d)) },
                        t('digests.runs'),
                      ),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'ghost',
                          dataset: { action: 'delete' },
                          onclick: act(async () => {
                            if (!confirm(t('digests.confirmDelete', { name: d.name }))) return;
                            await api.delete(`/digests/${d.id}`);
                            clear(panel);
                            await load();
                          }),
                        },
                        t('digests.delete'),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted empty' }, t('digests.none')),
    );
  };

  main.append(
    h('div', { class: 'view-head' }, h('h1', {}, t('digests.title'))),
    h('p', { class: 'muted' }, t('digests.help')),
    list,
    panel,
    createForm(load, ctx),
  );
  await load();
}
