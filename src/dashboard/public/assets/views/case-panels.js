/**
 * The case view's side panels (notes with @mentions, history, the customer's identities on other
 * networks and other cases) and saved replies in the reply box.
 */
import { api } from '../api.js';
import { clear, h, select } from '../dom.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { agentName, href, PLATFORMS, workspace } from '../state.js';

const who = (id) => (id ? (agentName(id) ?? id) : '—');

function historyText(e) {
  if (e.type === 'status') return t('case.history.status', { from: t(`status.${e.from}`), to: t(`status.${e.to}`) });
  if (e.type === 'team') return t('case.history.team', { from: e.from ?? '—', to: e.to ?? '—' });
  return t(`case.history.${e.type}`, { from: who(e.from), to: who(e.to) });
}

/**
 * `@` then letters in the note box offers the teammates whose name starts with them; picking one
 * writes the full name (what the API resolves to the agent).
 */
function mentionPicker(input) {
  const list = h('ul', { class: 'mention-options', id: 'mention-options', role: 'listbox', hidden: true });
  const pending = () => {
    const upto = input.value.slice(0, input.selectionStart ?? input.value.length);
    return /(?:^|\s)@([\p{L}\p{N}_]*)$/u.exec(upto);
  };
  const pick = (agent) => {
    const m = pending();
    if (!m) return;
    const end = input.selectionStart ?? input.value.length;
    const start = end - m[1].length;
    input.value = `${input.value.slice(0, start)}${agent.name} ${input.value.slice(end)}`;
    list.hidden = true;
    input.focus();
  };
  input.addEventListener('input', () => {
    const m = pending();
    const q = m ? m[1].toLowerCase() : null;
    const found = q === null ? [] : workspace.agents.filter((a) => a.name.toLowerCase().startsWith(q)).slice(0, 6);
    clear(list).append(
      ...found.map((a) =>
        h(
          'li',
          { role: 'option' },
          h('button', { type: 'button', class: 'ghost', dataset: { agentId: a.id }, onclick: () => pick(a) }, a.name),
        ),
      ),
    );
    list.hidden = found.length === 0;
  });
  return list;
}

function notesPanel(c, ctx) {
  const list = h('ol', { class: 'notes', id: 'case-notes' });
  const draw = (notes) =>
    clear(list).append(
      ...(notes.length
        ? notes.map((n) =>
            h(
              'li',
              { class: 'note' },
              h('p', {}, n.text),
              h(
                'p',
                { class: 'meta muted' },
                n.authorId ? `${who(n.authorId)} · ` : '',
                h('time', { datetime: n.at }, fmt.dateTime(n.at)),
                n.mentions.length ? ` · ${t('case.notes.mentions', { names: n.mentions.map((m) => m.name).join(', ') })}` : '',
              ),
            ),
          )
        : [h('li', { class: 'muted' }, t('case.notes.none'))]),
    );
  const text = h('textarea', { id: 'note-text', rows: 2, maxlength: 5000, placeholder: t('case.notes.placeholder') });
  const author = h(
    'select',
    { id: 'note-author' },
    h('option', { value: '' }, '—'),
    ...workspace.agents.map((a) => h('option', { value: a.id }, a.name)),
  );
  if (c.assignee) author.value = c.assignee;
  const form = h(
    'form',
    { class: 'note-form', id: 'note-form' },
    h('label', { class: 'field grow' }, h('span', {}, t('case.notes.add')), text),
    mentionPicker(text),
    h(
      'div',
      { class: 'reply-row' },
      h('label', { class: 'field' }, h('span', {}, t('inbox.replyAgent')), author),
      h('button', { type: 'submit', class: 'primary', id: 'note-save' }, t('case.notes.save')),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    try {
      await api.post(`/cases/${encodeURIComponent(c.id)}/notes`, {
        text: text.value.trim(),
        ...(author.value ? { authorId: author.value } : {}),
      });
      text.value = '';
      draw(await api.get(`/cases/${encodeURIComponent(c.id)}/notes`));
      ctx.toast(t('case.notes.saved'));
    } catch (err) {
      ctx.showError(err);
    }
  });
  api
    .get(`/cases/${encodeURIComponent(c.id)}/notes`)
    .then((notes) => ctx.alive() && draw(notes))
    .catch((err) => ctx.alive() && ctx.showError(err));
  return h(
    'section',
    { class: 'case-panel', id: 'notes-panel' },
    h('h2', {}, t('case.notes')),
    h('p', { class: 'muted' }, t('case.notes.internal')),
    list,
    form,
  );
}

function historyPanel(c, ctx) {
  const list = h('ol', { class: 'history', id: 'case-history' });
  api
    .get(`/cases/${encodeURIComponent(c.id)}/history`)
    .then((events) => {
      if (!ctx.alive()) return;
      clear(list).append(
        ...(events.length
          ? events.map((e) =>
              h('li', { dataset: { type: e.type } }, h('time', { datetime: e.at }, fmt.dateTime(e.at)), ' · ', historyText(e)),
            )
          : [h('li', { class: 'muted' }, t('case.history.none'))]),
      );
    })
    .catch((err) => ctx.alive() && ctx.showError(err));
  return h('section', { class: 'case-panel', id: 'history-panel' }, h('h2', {}, t('case.history')), list);
}

const networkName = (platform) => PLATFORMS.find(([v]) => v === platform)?.[1] ?? platform;
const handleOf = (a) => (a.handle ? (a.handle.startsWith('@') ? a.handle : `@${a.handle}`) : a.authorId);

function otherCasesPanel(c, ctx) {
  const list = h('ul', { class: 'other-cases', id: 'other-cases' });
  const load = () =>
    api
      .get(`/cases/${encodeURIComponent(c.id)}/other-cases`)
      .then((cases) => {
        if (!ctx.alive()) return;
        clear(list).append(
          ...(cases.length
            ? cases.map((o) =>
                h(
                  'li',
                  { dataset: { platform: o.platform } },
                  h('a', { href: href('case', {}, { id: o.id }) }, fmt.dateTime(o.openedAt)),
                  ' · ',
                  h('span', { class: 'badge network' }, networkName(o.platform)),
                  o.platform !== c.platform && o.customer ? h('span', { class: 'muted' }, ` ${handleOf(o.customer)} `) : ' ',
                  h('span', { class: ['badge', 'status', `status-${o.status}`] }, t(`status.${o.status}`)),
                ),
              )
            : [h('li', { class: 'muted' }, t('case.others.none'))]),
        );
      })
      .catch((err) => ctx.alive() && ctx.showError(err));
  load();
  return { panel: h('section', { class: 'case-panel', id: 'others-panel' }, h('h2', {}, t('case.others')), list), reload: load };
}

/**
 * The customer's identities on other networks (POST /people links them): listed with an unlink
 * button, and a form to link one more by network and handle. A change reloads the other cases.
 */
function identitiesPanel(c, ctx, onChange) {
  const list = h('ul', { class: 'identities', id: 'case-identities' });
  const self = { platform: c.platform, authorId: c.customer.externalId };
  let person = null;
  const draw = () => {
    const others = (person?.authors ?? []).filter((a) => !(a.platform === self.platform && a.authorId === self.authorId));
    clear(list).append(
      ...(others.length
        ? others.map((a) =>
            h(
              'li',
              { dataset: { platform: a.platform, authorId: a.authorId } },
              h('span', { class: 'badge network' }, networkName(a.platform)),
              ` ${handleOf(a)}`,
              a.name ? h('span', { class: 'muted' }, ` (${a.name})`) : null,
              ' ',
              h(
                'button',
                {
                  type: 'button',
                  class: 'ghost unlink',
                  onclick: () => change(() => api.delete(`/people/${person.id}/authors/${a.platform}/${encodeURIComponent(a.authorId)}`)),
                },
                t('people.unlink'),
              ),
            ),
          )
        : [h('li', { class: 'muted' }, t('people.none'))]),
    );
  };
  const load = async () => {
    person = (await api.get(`/cases/${encodeURIComponent(c.id)}/person`)).person;
    if (ctx.alive()) draw();
  };
  const change = async (call) => {
    try {
      await call();
      await load();
      ctx.toast(t('people.saved'));
      onChange();
    } catch (err) {
      ctx.showError(err);
    }
  };
  const platform = select(
    { id: 'link-platform', 'aria-label': t('filters.platform') },
    PLATFORMS.filter(([v]) => v !== c.platform),
    PLATFORMS.find(([v]) => v !== c.platform)?.[0],
  );
  const handle = h('input', { id: 'link-handle', type: 'text', maxlength: 120, placeholder: t('people.handle'), autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'link-form', id: 'link-form' },
    h('label', { class: 'field' }, h('span', {}, t('people.link')), platform),
    h('label', { class: 'field grow' }, h('span', {}, t('people.handle')), handle),
    h('button', { type: 'submit', class: 'ghost', id: 'link-save' }, t('people.linkSave')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const ref = { platform: platform.value, handle: handle.value.trim() };
    if (!ref.handle) return;
    void change(async () => {
      if (person) await api.post(`/people/${person.id}/authors`, ref);
      else await api.post('/people', { authors: [self, ref] });
      handle.value = '';
    });
  });
  load().catch((err) => ctx.alive() && ctx.showError(err));
  return h(
    'section',
    { class: 'case-panel', id: 'identities-panel' },
    h('h2', {}, t('people.title')),
    h('p', { class: 'muted' }, t('people.help')),
    list,
    form,
  );
}

/** Notes, history, the customer's identities on other networks and other cases, side by side under the conversation. */
export function casePanels(c, ctx) {
  const others = otherCasesPanel(c, ctx);
  return h('div', { class: 'case-panels' }, notesPanel(c, ctx), historyPanel(c, ctx), identitiesPanel(c, ctx, others.reload), others.panel);
}

/**
 * Typing `/` and a shortcut in the reply box offers the saved replies that match; Enter or a
 * click puts the reply, rendered for this case and the selected agent, in the box, and the reply
 * then carries the saved reply's id (its use is counted). `savedReplyId()` gives it while the
 * text still starts from the rendered reply.
 */
export function savedReplies(text, agentSelect, c, ctx) {
  const list = h('ul', { class: 'saved-reply-options', id: 'saved-reply-options', role: 'listbox', hidden: true });
  let chosen = null;
  let seq = 0;
  const insert = async (r) => {
    try {
      const rendered = await api.post(`/saved-replies/${encodeURIComponent(r.id)}/render`, {
        caseId: c.id,
        ...(agentSelect.value ? { agentId: agentSelect.value } : {}),
      });
      text.value = rendered.text;
      chosen = { id: r.id, text: rendered.text };
      list.hidden = true;
      text.focus();
    } catch (err) {
      ctx.showError(err);
    }
  };
  text.addEventListener('input', async () => {
    const m = /^\/([\w-]*)$/.exec(text.value.trim());
    if (!m) {
      list.hidden = true;
      return;
    }
    const mine = ++seq;
    try {
      const found = await api.get('/saved-replies', { q: `/${m[1]}` });
      if (mine !== seq || !ctx.alive()) return;
      clear(list).append(
        ...found
          .slice(0, 8)
          .map((r) =>
            h(
              'li',
              { role: 'option' },
              h(
                'button',
                { type: 'button', class: 'ghost', dataset: { shortcut: r.shortcut }, onclick: () => insert(r) },
                h('strong', {}, r.shortcut),
                ` ${r.title} (${r.language})`,
              ),
            ),
          ),
      );
      list.hidden = found.length === 0;
    } catch (err) {
      ctx.showError(err);
    }
  });
  text.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || list.hidden) return;
    const first = list.querySelector('button');
    if (!first) return;
    e.preventDefault();
    first.click();
  });
  return { list, savedReplyId: () => (chosen && text.value.trim().length > 0 ? chosen.id : undefined) };
}
