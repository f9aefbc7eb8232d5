/**
 * Influential authors (issue #19): GET /reports/authors sorted by reach, engagement or mentions,
 * with their open case and a button that marks or unmarks them as VIP (the inbox's VIP list).
 */
import { api } from '../api.js';
import { h, select } from '../dom.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { href, navigate, PLATFORMS, resolveRange } from '../state.js';

const SORTS = ['reach', 'engagement', 'mentions'];
const platformName = (id) => PLATFORMS.find(([p]) => p === id)?.[1] ?? id;

function vipButton(author, ctx) {
  const button = h('button', { type: 'button', class: author.vip ? 'vip-on' : 'ghost', 'aria-pressed': String(author.vip) });
  const paint = () => {
    button.textContent = author.vip ? t('authors.vip') : t('authors.markVip');
    button.className = author.vip ? 'vip-on' : 'ghost';
    button.setAttribute('aria-pressed', String(author.vip));
  };
  paint();
  button.onclick = async () => {
    const path = `/authors/${encodeURIComponent(author.platform)}/${encodeURIComponent(author.authorId)}/vip`;
    button.disabled = true;
    try {
      const res = author.vip ? await api.delete(path) : await api.put(path);
      author.vip = res?.vip ?? !author.vip;
      paint();
    } catch (err) {
      if (ctx.alive()) ctx.showError(err);
    } finally {
      button.disabled = false;
    }
  };
  return button;
}

export async function renderAuthors(main, ctx) {
  const p = ctx.params;
  const range = resolveRange(p);
  const sort = SORTS.includes(p.sort) ? p.sort : 'reach';
  const res = await api.get('/reports/authors', {
    topic: p.topic,
    platform: p.platform,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    tz: range.tz,
    sort,
    limit: 100,
  });
  if (!ctx.alive()) return;
  main.append(
    h(
      'div',
      { class: 'view-head' },
      h('h1', {}, t('authors.title')),
      h('p', { class: 'muted' }, t('authors.help')),
      h(
        'label',
        {},
        t('authors.sort'),
        ' ',
        select(
          { id: 'authors-sort', onchange: (e) => navigate('authors', { ...p, sort: e.target.value }) },
          SORTS.map((s) => [s, t(`authors.sort.${s}`)]),
          sort,
        ),
      ),
    ),
  );
  if (res.authors.length === 0) {
    main.append(h('p', { class: 'muted empty' }, t('common.none')));
    return;
  }
  const cols = [
    ['authors.author', ''],
    ['authors.network', ''],
    ['authors.followers', 'num'],
    ['authors.mentions', 'num'],
    ['authors.engagement', 'num'],
    ['authors.sentiment', ''],
    ['authors.openCase', ''],
    ['authors.vipCol', ''],
  ];
  main.append(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'authors-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            cols.map(([key, cls]) => h('th', { class: cls, scope: 'col' }, t(key))),
          ),
        ),
        h(
          'tbody',
          {},
          res.authors.map((a) =>
            h(
              'tr',
              { dataset: { author: `${a.platform}:${a.authorId}` } },
              h('th', { scope: 'row' }, `@${a.handle}`, a.name ? h('div', { class: 'muted small' }, a.name) : null),
              h('td', {}, platformName(a.platform)),
              h('td', { class: 'num' }, a.followers === null ? fmt.MISSING : fmt.count(a.followers)),
              h('td', { class: 'num' }, fmt.count(a.mentions)),
              h('td', { class: 'num' }, fmt.count(a.engagement)),
              h(
                'td',
                {},
                ['positive', 'neutral', 'negative']
                  .filter((s) => a.sentiment[s] > 0)
                  .map((s) => h('span', { class: ['badge', `sentiment-${s}`] }, `${t(`sentiment.${s}`)} ${fmt.count(a.sentiment[s])}`)),
              ),
              h('td', {}, a.openCaseId ? h('a', { href: href('case', {}, { id: a.openCaseId }) }, t('authors.openCaseLink')) : fmt.MISSING),
              h('td', {}, vipButton(a, ctx)),
            ),
          ),
        ),
      ),
    ),
  );
}
