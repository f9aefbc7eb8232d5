/**
 * Agents correct the model: a mention's sentiment and intent badges open a picker that saves the
 * agent's label (PATCH /mentions/:id), and the Model quality panel shows how often the model agreed.
 */
import { api } from './api.js';
import { clear, h, select } from './dom.js';
import { exportLink } from './exports.js';
import * as fmt from './format.js';
import { t } from './i18n.js';

const CHOICES = {
  sentiment: ['positive', 'neutral', 'negative'],
  intent: ['support', 'complaint', 'question', 'lead', 'praise', 'other'],
};
/** The API's order of the labels in the confusion matrices. */
const MATRIX_ORDER = {
  sentiment: ['negative', 'neutral', 'positive'],
  intent: CHOICES.intent,
};

const labelOf = (m, field) => (field === 'sentiment' ? m.sentiment?.label : m.intent);

/**
 * The two badges of a mention (`{ id, sentiment: { label }, intent, correction }`), each a button
 * that opens a picker; `onSaved(updated)` runs after a correction is stored (a case view reloads,
 * since its case may have opened or closed).
 */
export function correctableLabels(mention, ctx, onSaved) {
  const box = h('span', { class: 'labels', dataset: { mentionId: mention.id } });

  const badge = (m, field) => {
    const value = labelOf(m, field);
    if (!value) return null;
    const review = m.correction?.[field];
    const changed = review && review.predicted !== review.label;
    const title = changed
      ? t('correct.changedFrom', { label: t(`${field}.${review.predicted}`) })
      : review
        ? t('correct.confirmed')
        : t('correct.hint');
    const cls = ['badge', 'correctable', field === 'intent' ? 'intent' : '', `${field}-${value}`, review ? 'is-reviewed' : ''];
    const button = h(
      'button',
      { type: 'button', class: cls, title, 'aria-haspopup': 'true', dataset: { field, label: value } },
      t(`${field}.${value}`),
      review ? ' ✓' : null,
    );
    button.addEventListener('click', (e) => {
      // a badge may sit inside a link or a clickable row
      e.preventDefault();
      e.stopPropagation();
      open(button, m, field);
    });
    return button;
  };

  const open = (button, m, field) => {
    const already = box.querySelector('.correct-picker');
    already?.remove();
    if (already?.dataset.field === field) return; // a second click closes it
    // The empty first option makes any choice a change, so choosing the model's label confirms it.
    const picker = select(
      { class: 'correct-select', 'aria-label': t(`correct.${field}`) },
      [
        ['', t('correct.choose')],
        ...CHOICES[field].map((c) => [c, c === labelOf(m, field) ? `${t(`${field}.${c}`)} ✓` : t(`${field}.${c}`)]),
      ],
      '',
    );
    const close = h('button', { type: 'button', class: 'ghost correct-close', 'aria-label': t('common.close') }, '×');
    const wrap = h('span', { class: 'correct-picker', dataset: { field } }, picker, close);
    close.addEventListener('click', () => wrap.remove());
    picker.addEventListener('change', async () => {
      if (!picker.value) return;
      picker.disabled = true;
      try {
        const updated = await api.patch(`/mentions/${encodeURIComponent(m.id)}`, { [field]: picker.value });
        ctx.toast(t('correct.saved', { label: t(`${field}.${picker.value}`) }));
        draw(updated);
        onSaved?.(updated);
      } catch (err) {
        picker.disabled = false;
        ctx.showError(err);
      }
    });
    button.after(wrap);
    picker.focus();
  };

  const draw = (m) => clear(box).append(...[badge(m, 'sentiment'), badge(m, 'intent')].filter(Boolean));
  draw(mention);
  return box;
}

/** Labels of some mentions (a case's messages), by id; an empty map when there are none. */
export async function labelsOf(ids) {
  const unique = [...new Set(ids.filter(Boolean))].slice(0, 200);
  if (!unique.length) return new Map();
  const rows = await api.get('/mentions/labels', { ids: unique.join(',') });
  return new Map(rows.map((r) => [r.id, r]));
}

function matrix(field, quality) {
  const order = MATRIX_ORDER[field];
  return h(
    'div',
    { class: 'matrix-wrap' },
    h(
      'table',
      { class: 'data confusion', dataset: { field } },
      h('caption', { class: 'muted' }, t('quality.matrixCaption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('quality.modelSays')),
          order.map((c) => h('th', { scope: 'col', class: 'num' }, t(`${field}.${c}`))),
        ),
      ),
      h(
        'tbody',
        {},
        order.map((p) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, t(`${field}.${p}`)),
            order.map((c) => {
              const n = quality.confusion[p]?.[c] ?? 0;
              return h(
                'td',
                { class: ['num', p === c ? 'diagonal' : '', n ? '' : 'muted'], dataset: { predicted: p, corrected: c } },
                fmt.count(n),
              );
            }),
          ),
        ),
      ),
    ),
  );
}

function qualityCard(field, quality) {
  const stat = (key, text) =>
    h('div', { class: 'quality-stat', dataset: { stat: key } }, h('span', { class: 'label' }, t(`quality.${key}`)), h('strong', {}, text));
  return h(
    'article',
    { class: 'quality-card', dataset: { field } },
    h('h3', {}, t(`quality.${field}`)),
    h(
      'div',
      { class: 'quality-stats' },
      stat('corrections', fmt.count(quality.corrections)),
      stat('changed', fmt.count(quality.changed)),
      stat('macroF1', fmt.decimal(quality.macroF1, 2)),
      stat('accuracy', fmt.percent(quality.accuracy === null ? null : quality.accuracy * 100)),
    ),
    matrix(field, quality),
  );
}

/** The Model quality panel: the reviews agents made in the report's period. */
export async function renderModelQuality(container, range, ctx) {
  const params = { from: range.from, to: range.to };
  const status = h('p', { class: 'muted' }, t('common.loading'));
  container.append(
    h(
      'h2',
      {},
      t('quality.title'),
      exportLink('corrections', params, { class: 'tile-csv quality-csv', title: t('common.exportCsv') }, t('common.csv')),
    ),
    h('p', { class: 'muted quality-help' }, t('quality.help')),
    status,
  );
  try {
    const q = await api.get('/reports/model-quality', params);
    if (!ctx.alive()) return;
    status.replaceWith(h('div', { class: 'quality-cards' }, qualityCard('sentiment', q.sentiment), qualityCard('intent', q.intent)));
    container.classList.add('is-loaded');
  } catch (err) {
    if (!ctx.alive()) return;
    status.textContent = t('overview.chartError', { message: err.message });
  }
}
