/** Mentions: the filtered list, newest first, with new ones arriving live over server-sent events. */
import { api, followStream } from '../api.js';
import { correctableLabels } from '../corrections.js';
import { h, select } from '../dom.js';
import { exportLink } from '../exports.js';
import * as fmt from '../format.js';
import { t } from '../i18n.js';
import { navigate, PLATFORMS, resolveRange } from '../state.js';

export const SENTIMENTS = ['positive', 'neutral', 'negative'];
export const INTENTS = ['support', 'complaint', 'question', 'lead', 'praise', 'other'];
/** docs/KPIS.md (`support.inbound`): inbound support = intent support, complaint or question. */
export const SUPPORT_GROUP = 'support-all';
const SUPPORT_INTENTS = ['support', 'complaint', 'question'];
const PAGE = 50;

const newestFirst = (a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);

/**
 * Pages through `/mentions` for one or several intents at once: the API filters one intent per
 * call, so the support group reads three cursors and merges them newest first.
 */
class MentionFeed {
  constructor(params, intents) {
    this.sources = intents.map((intent) => ({ params: { ...params, intent }, buffer: [], cursor: undefined, done: false }));
  }

  async fill(src) {
    if (src.buffer.length || src.done) return;
    const page = await api.get('/mentions', { ...src.params, cursor: src.cursor, limit: PAGE });
    src.buffer.push(...page.data);
    src.cursor = page.nextCursor ?? undefined;
    src.done = !page.nextCursor;
  }

  async next(n) {
    const out = [];
    while (out.length < n) {
      await Promise.all(this.sources.map((s) => this.fill(s)));
      const ready = this.sources.filter((s) => s.buffer.length);
      if (!ready.length) break;
      ready.sort((a, b) => newestFirst(a.buffer[0], b.buffer[0]));
      out.push(ready[0].buffer.shift());
    }
    return out;
  }

  get done() {
    return this.sources.every((s) => s.done && !s.buffer.length);
  }
}

function matches(m, p) {
  if (p.sentiment && m.sentiment?.label !== p.sentiment) return false;
  if (p.intent === SUPPORT_GROUP ? !SUPPORT_INTENTS.includes(m.intent) : p.intent && m.intent !== p.intent) return false;
  if (p.lang && m.lang !== p.lang) return false;
  if (p.platform && m.platform !== p.platform) return false;
  if (p.q && !(m.text ?? '').toLowerCase().includes(p.q.toLowerCase())) return false;
  // A theme's words, accents and case aside (the API also merges plurals; a live one may be missed).
  if (p.phrase && !fold(m.text ?? '').includes(fold(p.phrase).replace(/^#/, ''))) return false;
  return true;
}

const fold = (s) =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}#]+/gu, ' ');

export function sentimentBadge(label, score) {
  if (!label) return null;
  const title = score === undefined || score === null ? undefined : `${fmt.decimal(score, 2)}`;
  return h('span', { class: ['badge', `sentiment-${label}`], title }, t(`sentiment.${label}`));
}

export function intentBadge(intent) {
  return intent ? h('span', { class: ['badge', 'intent', `intent-${intent}`] }, t(`intent.${intent}`)) : null;
}

/** Only web links leave the page: a stored URL is data, and a `javascript:` one must never become a link. */
function webUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function mentionCard(m, tz, isNew, ctx) {
  const platform = PLATFORMS.find(([id]) => id === m.platform)?.[1] ?? m.platform;
  const url = m.url ? webUrl(m.url) : null;
  return h(
    'article',
    { class: ['mention', isNew ? 'is-new' : ''], dataset: { id: m.id } },
    h(
      'header',
      {},
      h('strong', { class: 'author' }, m.author?.name || m.author?.handle || '?'),
      m.author?.handle ? h('span', { class: 'muted handle' }, `@${m.author.handle}`) : null,
      h('time', { class: 'muted', datetime: m.createdAt }, fmt.dateTime(m.createdAt, tz)),
    ),
    h('p', { class: 'mention-text', lang: m.lang || undefined }, m.text),
    h(
      'footer',
      {},
      correctableLabels(m, ctx),
      m.lang ? h('span', { class: 'badge lang' }, m.lang) : null,
      m.routing?.team ? h('span', { class: 'badge team' }, m.routing.team) : null,
      url
        ? h('a', { class: 'external', href: url, target: '_blank', rel: 'noopener noreferrer' }, t('mentions.open', { platform }), ' ↗')
        : null,
    ),
  );
}

export async function renderMentions(main, ctx) {
  const p = ctx.params;
  const range = resolveRange(p);
  const listParams = {
    topic: p.topic,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    sentiment: p.sentiment,
    lang: p.lang,
    platform: p.platform,
    q: p.q,
    phrase: p.phrase,
  };
  const intents = p.intent === SUPPORT_GROUP ? SUPPORT_INTENTS : [p.intent || undefined];
  const setFilter = (patch) => navigate('mentions', { ...p, ...patch }, { keepGlobals: false });

  const search = h('input', { type: 'search', id: 'mentions-q', placeholder: t('common.search'), value: p.q ?? '' });
  search.addEventListener('change', () => setFilter({ q: search.value.trim() || null }));
  const csvParams = p.intent === SUPPORT_GROUP ? null : { ...listParams, intent: p.intent };
  const liveState = h(
    'span',
    { class: 'live-state', id: 'live-state' },
    range.live ? t('mentions.connecting') : t('mentions.pausedCustom'),
  );
  const newCount = h('span', { class: 'chip new-count', hidden: true });
  const list = h('div', { class: 'mention-list', id: 'mention-list' });
  const more = h('button', { type: 'button', class: 'ghost load-more', hidden: true }, t('common.loadMore'));

  main.append(
    h(
      'div',
      { class: 'view-head' },
      h('h1', {}, t('mentions.title')),
      p.phrase
        ? h(
            'span',
            { class: 'chip theme-filter', id: 'mentions-phrase' },
            t('mentions.theme', { phrase: p.phrase }),
            ' ',
            h(
              'button',
              { type: 'button', class: 'ghost', title: t('mentions.clearTheme'), onclick: () => setFilter({ phrase: null }) },
              '✕',
            ),
          )
        : null,
      liveState,
      newCount,
      csvParams ? exportLink('mentions', csvParams, { class: 'button ghost' }, t('common.exportCsv')) : null,
    ),
    h(
      'div',
      { class: 'toolbar' },
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
        h('span', {}, t('filter.intent')),
        select(
          { id: 'f-intent', onchange: (e) => setFilter({ intent: e.target.value || null }) },
          [['', t('common.all')], [SUPPORT_GROUP, t('mentions.supportAll')], ...INTENTS.map((i) => [i, t(`intent.${i}`)])],
          p.intent,
        ),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('filter.lang')),
        select(
          { id: 'f-lang', onchange: (e) => setFilter({ lang: e.target.value || null }) },
          [
            ['', t('common.all')],
            ['pt', 'pt'],
            ['en', 'en'],
            ['es', 'es'],
          ],
          p.lang,
        ),
      ),
      h('label', { class: 'field grow' }, h('span', {}, t('common.search')), search),
    ),
    list,
    more,
  );

  const seen = new Set();
  const feed = new MentionFeed(listParams, intents);
  const loadPage = async () => {
    more.disabled = true;
    const page = await feed.next(PAGE);
    if (!ctx.alive()) return;
    for (const m of page) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      list.append(mentionCard(m, range.tz, false, ctx));
    }
    if (!list.children.length) list.append(h('p', { class: 'muted empty' }, t('common.none')));
    more.hidden = feed.done;
    more.disabled = false;
  };
  more.addEventListener('click', () => loadPage().catch(ctx.showError));
  await loadPage();

  if (!range.live || !ctx.alive()) return undefined;
  // New mentions arrive over SSE, read with the key in a header (followStream reconnects after a drop).
  const abort = new AbortController();
  let fresh = 0;
  followStream(
    '/mentions/stream',
    { topic: p.topic },
    {
      signal: abort.signal,
      onOpen: () => {
        liveState.textContent = `● ${t('mentions.live')}`;
        liveState.classList.add('on');
      },
      onError: () => {
        liveState.textContent = t('mentions.offline');
        liveState.classList.remove('on');
      },
      onEvent: (type, m) => {
        if (type !== 'mention' || !m?.id || seen.has(m.id) || !matches(m, p)) return;
        seen.add(m.id);
        list.querySelector('.empty')?.remove();
        list.prepend(mentionCard(m, range.tz, true, ctx));
        fresh += 1;
        newCount.hidden = false;
        newCount.textContent = t('mentions.newCount', { n: fmt.count(fresh) });
      },
    },
  );
  return () => abort.abort();
}
