/**
 * Keyboard shortcuts for the inbox and the case view, and the help overlay `?` opens. Keys never
 * fire while the user types in a field (Esc there only leaves the field), nor with Ctrl, Alt or
 * Meta held, so the browser's own shortcuts keep working.
 */
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** What the overlay lists, in order: [keys, i18n key of what they do]. */
export const SHORTCUTS = {
  list: [
    [['j', '↓'], 'keys.next'],
    [['k', '↑'], 'keys.previous'],
    [['Enter'], 'keys.open'],
    [['a'], 'keys.assignMe'],
    [['e', 'r'], 'keys.resolve'],
    [['n'], 'keys.nextCase'],
  ],
  case: [
    [['a'], 'keys.assignMe'],
    [['e', 'r'], 'keys.resolve'],
    [['/', 's'], 'keys.savedReply'],
    [['n'], 'keys.nextCase'],
    [['Esc'], 'keys.back'],
  ],
  any: [[['?'], 'keys.help']],
};

const QUEUE_STORAGE = 'ouvidor.queue';

/** The triage list's order, kept so `n` in a case goes to the case after it. */
export function rememberQueue(ids) {
  sessionStorage.setItem(QUEUE_STORAGE, JSON.stringify(ids));
}

/** The case after `id` in the last triage list seen, or null at its end (or when `id` is not in it). */
export function nextInQueue(id) {
  let ids;
  try {
    ids = JSON.parse(sessionStorage.getItem(QUEUE_STORAGE) ?? '[]');
  } catch {
    ids = [];
  }
  const i = ids.indexOf(id);
  return i >= 0 && i + 1 < ids.length ? ids[i + 1] : null;
}

function isTyping(target) {
  const el = target instanceof Element ? target : null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

function keyLabel(key) {
  return h('kbd', {}, key);
}

/** The overlay listing the shortcuts of `scope` ('list' or 'case'); a second `?` or Esc closes it. */
function helpOverlay(scope, close) {
  const section = (title, rows) =>
    h(
      'section',
      {},
      h('h3', {}, t(title)),
      h(
        'dl',
        { class: 'shortcut-list' },
        rows.map(([keys, what]) => [
          h(
            'dt',
            {},
            keys.map((k, i) => [i ? ` ${t('keys.or')} ` : '', keyLabel(k)]),
          ),
          h('dd', {}, t(what)),
        ]),
      ),
    );
  return h(
    'div',
    {
      class: 'shortcuts-overlay',
      id: 'shortcuts-help',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'shortcuts-title',
      onclick: (e) => e.target === e.currentTarget && close(),
    },
    h(
      'div',
      { class: 'shortcuts-card' },
      h('h2', { id: 'shortcuts-title' }, t('keys.title')),
      // this page's keys first, then the other page's, so the whole set is learnt in one place
      ...(scope === 'case'
        ? [section('keys.inCase', SHORTCUTS.case), section('keys.inList', SHORTCUTS.list)]
        : [section('keys.inList', SHORTCUTS.list), section('keys.inCase', SHORTCUTS.case)]),
      section('keys.anywhere', SHORTCUTS.any),
      h('p', { class: 'muted' }, t('keys.notInFields')),
      h('button', { type: 'button', class: 'ghost', id: 'shortcuts-close', onclick: () => close() }, t('common.dismiss')),
    ),
  );
}

/**
 * Listens for the shortcuts of `scope`: `actions` maps a shortcut's first key (`j`, `k`, `Enter`,
 * `a`, `e`, `/`, `n`, `Esc`) to what it does. Returns the function that stops listening.
 */
export function bindShortcuts(scope, actions) {
  let overlay = null;
  const closeHelp = () => {
    overlay?.remove();
    overlay = null;
  };
  const openHelp = () => {
    if (overlay) return closeHelp();
    overlay = helpOverlay(scope, closeHelp);
    document.body.append(overlay);
    overlay.querySelector('#shortcuts-close')?.focus();
  };
  const aliases = { ArrowDown: 'j', ArrowUp: 'k', r: 'e', s: '/', Escape: 'Esc' };
  const onKey = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (isTyping(e.target)) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    // Enter on a focused link or button is that control's own
    if (e.key === 'Enter' && e.target instanceof Element && e.target.closest('a, button')) return;
    if (e.key === '?') {
      e.preventDefault();
      openHelp();
      return;
    }
    const key = aliases[e.key] ?? e.key;
    if (overlay) {
      if (key === 'Esc') closeHelp();
      return;
    }
    const action = actions[key];
    if (!action) return;
    e.preventDefault();
    action();
  };
  document.addEventListener('keydown', onKey);
  return () => {
    document.removeEventListener('keydown', onKey);
    closeHelp();
  };
}

/** Moves the list's current row by `step` (1 down, -1 up) and shows it; returns the row. */
export function moveCurrent(list, step) {
  const rows = [...list.querySelectorAll('.case-row')];
  if (rows.length === 0) return null;
  const at = rows.findIndex((r) => r.classList.contains('is-current'));
  const next = rows[at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + step))];
  for (const r of rows) r.classList.toggle('is-current', r === next);
  for (const r of rows) r.removeAttribute('aria-current');
  next.setAttribute('aria-current', 'true');
  next.scrollIntoView({ block: 'nearest' });
  return next;
}

export function currentRow(list) {
  return list.querySelector('.case-row.is-current');
}
