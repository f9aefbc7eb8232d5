import { createHash } from 'node:crypto';
import type { DigestContent, DigestSectionBlock, KpiLine } from '../content';
import { formatChange, formatDateTime, formatPeriod, formatValue } from './format';
import { say } from './strings';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const C = {
  page: '#f4f5f7',
  card: '#ffffff',
  text: '#1a202c',
  muted: '#5a6472',
  line: '#e2e8f0',
  link: '#1f5fa8',
  good: '#18794e',
  bad: '#c0392b',
  late: '#8a5a00',
  lateBg: '#fff4d6',
};
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/**
 * Every style the email uses, by name. The email carries them inline (many clients drop <style>);
 * the dashboard's preview carries them as one fixed style sheet of classes (PREVIEW_STYLE), because
 * the dashboard's Content-Security-Policy allows no inline style, only that sheet, by its hash.
 */
const STYLES = {
  body: `margin:0;padding:0;background-color:${C.page}`,
  page: `background-color:${C.page}`,
  pageCell: 'padding:16px 8px',
  card: `width:100%;max-width:640px;background-color:${C.card}`,
  headCell: 'padding:24px 24px 8px',
  h1: `margin:0;${FONT};font-size:20px;color:${C.text}`,
  intro: `margin:6px 0 0;${FONT};font-size:14px;color:${C.muted}`,
  lateCell: 'padding:0 24px 8px',
  late: `margin:0;padding:8px 12px;background-color:${C.lateBg};color:${C.late};${FONT};font-size:13px`,
  scopeCell: 'padding:20px 24px 0',
  h2: `margin:0;${FONT};font-size:17px;color:${C.text}`,
  scopeLinks: `margin:4px 0 0;${FONT};font-size:13px`,
  link: `color:${C.link}`,
  sectionCell: 'padding:16px 24px 8px',
  h3: `margin:0 0 8px;${FONT};font-size:15px;color:${C.text}`,
  table: 'border-collapse:collapse',
  th: `padding:6px 8px;border-bottom:1px solid ${C.line};${FONT};font-size:11px;font-weight:600;color:${C.muted};text-transform:uppercase`,
  td: `padding:6px 8px;border-bottom:1px solid ${C.line};${FONT};font-size:13px`,
  text: `color:${C.text}`,
  muted: `color:${C.muted}`,
  good: `color:${C.good}`,
  bad: `color:${C.bad}`,
  met: `color:${C.good};font-weight:600`,
  missed: `color:${C.bad};font-weight:600`,
  chartBox: 'padding:12px 0 4px',
  chart: 'display:block;width:100%;max-width:600px;height:auto;border:0',
  itemsTitle: `margin:14px 0 6px;${FONT};font-size:13px;font-weight:600;color:${C.text}`,
  list: 'margin:0;padding-left:18px',
  item: `${FONT};font-size:13px;color:${C.text};margin:0 0 4px`,
  empty: `margin:0;${FONT};font-size:13px;color:${C.muted}`,
  footCell: 'padding:24px',
  foot: `margin:0;${FONT};font-size:12px;color:${C.muted}`,
} as const;
type StyleName = keyof typeof STYLES;

/**
 * Dark-mode overrides: clients that honour prefers-color-scheme get dark surfaces; the others keep
 * light ones with dark text, readable either way.
 */
const DARK =
  '@media (prefers-color-scheme: dark){' +
  '.d-bg{background-color:#111418 !important}' +
  '.d-card{background-color:#1c2128 !important;color:#e6edf3 !important}' +
  '.d-text{color:#e6edf3 !important}' +
  '.d-muted{color:#9da7b3 !important}' +
  '.d-line{border-color:#30363d !important}' +
  'a{color:#6cb6ff !important}}';

/** The preview's one style sheet: every style as a class, then the dark-mode overrides. */
export const PREVIEW_STYLE =
  Object.entries(STYLES)
    .map(([name, css]) => `.s-${name}{${css}}`)
    .join('') + DARK;

/** The CSP source that allows PREVIEW_STYLE (and no other <style>) in the dashboard. */
export const PREVIEW_STYLE_CSP_HASH = `'sha256-${createHash('sha256').update(PREVIEW_STYLE).digest('base64')}'`;

type Mode = 'email' | 'preview';
/** The attributes that style an element: inline in the email, classes in the preview. */
const styler =
  (mode: Mode) =>
  (name: StyleName, dark?: 'd-bg' | 'd-card' | 'd-text' | 'd-muted' | 'd-line'): string =>
    mode === 'email' ? `style="${STYLES[name]}"${dark ? ` class="${dark}"` : ''}` : `class="s-${name}${dark ? ` ${dark}` : ''}"`;
type Styler = ReturnType<typeof styler>;

/** Green when the change is good news for the KPI, red when bad, grey when neither (or unknown). */
function changeStyle(k: KpiLine): StyleName {
  const d = k.change.absolute;
  if (d === null || d === 0 || k.better === null) return 'muted';
  return d > 0 === (k.better === 'higher') ? 'good' : 'bad';
}

function kpiRow(k: KpiLine, c: DigestContent, s: Styler): string {
  const cell = s('td', 'd-line');
  const status =
    k.status === null
      ? '—'
      : `<span ${s(k.status)}>${esc(say(c.lang, k.status))}</span> <span ${s('muted', 'd-muted')}>(${esc(formatValue(k.target!.value, k.display, c.lang, c.currency))})</span>`;
  const csv = k.csvUrl ? `<a href="${esc(k.csvUrl)}" ${s('link')}>${esc(say(c.lang, 'csv'))}</a>` : '';
  return (
    `<tr data-kpi="${esc(k.name)}">` +
    `<td ${cell}><span ${s('text', 'd-text')}>${esc(k.label)}</span></td>` +
    `<td ${cell} align="right" data-value="${k.value ?? ''}"><strong ${s('text', 'd-text')}>${esc(formatValue(k.value, k.display, c.lang, c.currency))}</strong></td>` +
    `<td ${cell} align="right"><span ${s('muted', 'd-muted')}>${esc(formatValue(k.previous, k.display, c.lang, c.currency))}</span></td>` +
    `<td ${cell} align="right"><span ${s(changeStyle(k))}>${esc(formatChange(k.change, k.display, c.lang, c.currency))}</span></td>` +
    `<td ${cell}>${status}</td>` +
    `<td ${cell} align="right">${csv}</td>` +
    `</tr>`
  );
}

function section(b: DigestSectionBlock, c: DigestContent, s: Styler, imageSrc: (cid: string) => string): string {
  const head = (label: string, align = 'left') => `<th align="${align}" ${s('th', 'd-line')}>${esc(label)}</th>`;
  const kpis = b.kpis.length
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" ${s('table')}>` +
      `<tr>${head(say(c.lang, 'kpi'))}${head(say(c.lang, 'value'), 'right')}${head(say(c.lang, 'previous'), 'right')}${head(say(c.lang, 'change'), 'right')}${head(say(c.lang, 'target'))}${head('', 'right')}</tr>` +
      b.kpis.map((k) => kpiRow(k, c, s)).join('') +
      `</table>`
    : '';
  const chart = b.chartCid ? c.charts.find((ch) => ch.cid === b.chartCid) : null;
  const img = chart
    ? `<div ${s('chartBox')}><img src="${esc(imageSrc(chart.cid))}" width="600" alt="${esc(chart.title)}" ${s('chart')}></div>`
    : '';
  const items = b.itemsTitle
    ? `<p ${s('itemsTitle', 'd-text')}>${esc(b.itemsTitle)}</p>` +
      (b.items.length
        ? `<ul ${s('list')}>` +
          b.items
            .map(
              (i) =>
                `<li ${s('item', 'd-text')}>` +
                (i.url ? `<a href="${esc(i.url)}" ${s('link')}>${esc(i.title)}</a>` : esc(i.title)) +
                ` <span ${s('muted', 'd-muted')}>· ${esc(i.detail)}</span></li>`,
            )
            .join('') +
          `</ul>`
        : `<p ${s('empty', 'd-muted')}>${esc(b.emptyNote ?? '')}</p>`)
    : '';
  return (
    `<tr><td ${s('sectionCell')} data-section="${esc(b.id)}">` +
    `<h3 ${s('h3', 'd-text')}>${esc(b.title)}</h3>` +
    kpis +
    img +
    items +
    `</td></tr>`
  );
}

/**
 * The digest as an HTML email: table layout, a 640 px column that shrinks on phones, styles inline
 * (`email`) or as PREVIEW_STYLE's classes (`preview`). `imageSrc` maps a chart's content-id to its
 * `src`: `cid:…` in the email, a data URI in the preview.
 */
export function renderHtml(
  c: DigestContent,
  subject: string,
  imageSrc: (cid: string) => string = (cid) => `cid:${cid}`,
  mode: Mode = 'email',
): string {
  const s = styler(mode);
  const period = formatPeriod(c.from, c.to, c.tz, c.lang);
  const intro = say(c.lang, 'intro', { frequency: say(c.lang, c.frequency), workspace: c.workspace, period, tz: c.tz });
  const late = c.late
    ? `<tr><td ${s('lateCell')}><p data-late="true" ${s('late')}>${esc(say(c.lang, 'late', { due: formatDateTime(c.dueAt, c.tz, c.lang) }))}</p></td></tr>`
    : '';
  const scopes = c.scopes
    .map(
      (scope) =>
        `<tr><td ${s('scopeCell')}><h2 ${s('h2', 'd-text')}>${esc(scope.label)}</h2>` +
        `<p ${s('scopeLinks')}><a href="${esc(scope.dashboardUrl)}" ${s('link')}>${esc(say(c.lang, 'openDashboard'))}</a></p></td></tr>` +
        scope.sections.map((b) => section(b, c, s, imageSrc)).join(''),
    )
    .join('');
  return (
    `<!doctype html><html lang="${c.lang === 'pt' ? 'pt-BR' : 'en'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">` +
    `<title>${esc(subject)}</title><style>${mode === 'email' ? DARK : PREVIEW_STYLE}</style></head>` +
    `<body ${s('body', 'd-bg')}>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${C.page}" ${s('page', 'd-bg')}><tr><td align="center" ${s('pageCell')}>` +
    `<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" bgcolor="${C.card}" ${s('card', 'd-card')}>` +
    `<tr><td ${s('headCell')}><h1 ${s('h1', 'd-text')}>${esc(c.name)}</h1>` +
    `<p ${s('intro', 'd-muted')}>${esc(intro)}</p></td></tr>` +
    late +
    scopes +
    `<tr><td ${s('footCell')}><p ${s('foot', 'd-muted')}>` +
    `<a href="${esc(c.dashboardUrl)}" ${s('link')}>${esc(say(c.lang, 'openDashboard'))}</a> · ${esc(say(c.lang, 'footer'))}</p></td></tr>` +
    `</table></td></tr></table></body></html>`
  );
}
