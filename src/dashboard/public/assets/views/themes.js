/**
 * Themes (issue #19): the period's top and emerging key phrases with their change against the
 * previous period, each opening the mentions list filtered by it, and the recent spike alerts with
 * the themes that explain them.
 */
import { api } from '../api.js';
import { h } from '../dom.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { href, resolveRange } from '../state.js';

const pct = (v) => (v === null || v === undefined ? fmt.MISSING : `${fmt.decimal(v, 1)}%`);

/** ▲ / ▼ / = with the change in %, or "new" when the previous period had none. */
function changeArrow(theme) {
  if (theme.change === null) return h('span', { class: 'theme-change up', title: t('themes.newTitle') }, `▲ ${t('themes.new')}`);
  if (theme.change > 0) return h('span', { class: 'theme-change up' }, `▲ ${fmt.decimal(theme.change, 0)}%`);
  if (theme.change < 0) return h('span', { class: 'theme-change down' }, `▼ ${fmt.decimal(Math.abs(theme.change), 0)}%`);
  return h('span', { class: 'theme-change flat' }, '= 0%');
}

/** The mentions page filtered by the phrase, over the same period and scope. */
function mentionsHref(phrase, p, range) {
  return href('mentions', {
    ...p,
    phrase,
    range: 'custom',
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  });
}

function themeTable(id, themes, p, range) {
  if (!themes.length) return h('p', { class: 'muted empty', id }, t('common.none'));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data themes-table', id },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            [t('themes.phrase'), ''],
            [t('themes.mentions'), 'num'],
            [t('themes.share'), 'num'],
            [t('themes.previous'), 'num'],
            [t('themes.change'), 'num'],
            [t('themes.sentiment'), ''],
            [t('themes.intents'), ''],
            [t('themes.example'), ''],
          ].map(([label, cls]) => h('th', { class: cls, scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        themes.map((th) =>
          h(
            'tr',
            { dataset: { phrase: th.phrase } },
            h(
              'th',
              { scope: 'row' },
              h('a', { class: 'theme-link', href: mentionsHref(th.phrase, p, range), title: t('themes.open') }, th.phrase),
              th.emerging ? h('span', { class: 'badge emerging', title: `z = ${fmt.decimal(th.z, 1)}` }, t('themes.emerging')) : null,
              th.variants.length ? h('div', { class: 'muted small' }, th.variants.join(' · ')) : null,
            ),
            h('td', { class: 'num' }, fmt.count(th.mentions)),
            h('td', { class: 'num' }, pct(th.share)),
            h('td', { class: 'num' }, fmt.count(th.previous.mentions)),
            h('td', { class: 'num' }, changeArrow(th)),
            h(
              'td',
              {},
              ['positive', 'neutral', 'negative']
                .filter((s) => th.sentiment[s] > 0)
                .map((s) => h('span', { class: ['badge', `sentiment-${s}`] }, `${t(`sentiment.${s}`)} ${fmt.count(th.sentiment[s])}`)),
            ),
            h(
              'td',
              {},
              th.topIntents.map((i) => h('span', { class: ['badge', 'intent', `intent-${i.intent}`] }, t(`intent.${i.intent}`))),
            ),
            h('td', { class: 'theme-example' }, th.examples[0]?.text ?? ''),
          ),
        ),
      ),
    ),
  );
}

/** One spike alert with the themes whose share grew most in its hour. */
function spikeCard(alert, p, tz) {
  const grew = alert.details?.themes?.grew ?? [];
  const at = new Date(alert.at);
  const range = { from: at, to: new Date(at.getTime() + 3600_000) };
  return h(
    'article',
    { class: 'card spike-alert', dataset: { id: alert.id } },
    h(
      'header',
      {},
      h('strong', {}, t(`themes.alert.${alert.type}`)),
      ' ',
      h('time', { class: 'muted', datetime: alert.at }, fmt.dateTime(alert.at, tz)),
    ),
    h('p', {}, alert.message),
    grew.length
      ? h(
          'ol',
          { class: 'spike-themes' },
          grew.map((g) =>
            h(
              'li',
              {},
              h('a', { class: 'theme-link', href: mentionsHref(g.phrase, { ...p, topic: alert.topicId ?? p.topic }, range) }, g.phrase),
              ' ',
              h(
                'span',
                { class: 'muted' },
                t('themes.explained', {
                  now: fmt.count(g.window.mentions),
                  share: pct(g.window.share),
                  before: pct(g.baseline.share),
                  points: fmt.decimal(g.shareChange, 1),
                }),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('themes.noExplanation')),
  );
}

export async function renderThemes(main, ctx) {
  const p = ctx.params;
  const range = resolveRange(p);
  const query = {
    topic: p.topic,
    platform: p.platform,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    tz: range.tz,
    limit: 20,
  };
  main.append(h('div', { class: 'view-head' }, h('h1', {}, t('themes.title')), h('p', { class: 'muted' }, t('themes.help'))));
  const [themes, volume, negative] = await Promise.all([
    api.get('/reports/themes', query),
    api.get('/alerts', { type: 'volume_spike', from: query.from, to: query.to, limit: 10 }),
    api.get('/alerts', { type: 'negative_share_spike', from: query.from, to: query.to, limit: 10 }),
  ]);
  if (!ctx.alive()) return;
  const spikes = [...volume.data, ...negative.data]
    .filter((a) => !p.topic || a.topicId === p.topic)
    .sort((a, b) => (a.at < b.at ? 1 : -1))
    .slice(0, 10);
  main.append(
    h(
      'p',
      { class: 'muted', id: 'themes-total' },
      t('themes.total', { n: fmt.count(themes.mentions), before: fmt.count(themes.previous.mentions) }),
    ),
    h('section', {}, h('h2', {}, t('themes.emergingTitle')), themeTable('themes-emerging', themes.emerging, p, range)),
    h('section', {}, h('h2', {}, t('themes.topTitle')), themeTable('themes-top', themes.themes, p, range)),
    h(
      'section',
      { id: 'themes-spikes' },
      h('h2', {}, t('themes.spikesTitle')),
      spikes.length ? spikes.map((a) => spikeCard(a, p, range.tz)) : h('p', { class: 'muted empty' }, t('themes.noSpikes')),
    ),
    h('p', { class: 'muted small' }, t('themes.method')),
  );
}
