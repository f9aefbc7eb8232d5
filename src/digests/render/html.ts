import type { DigestContent, DigestSectionBlock, KpiLine } from '../content';
import { formatChange, formatDateTime, formatPeriod, formatValue } from './format';
import { say } from './strings';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The one style sheet of the email: dark-mode overrides only. Everything a client needs to lay out
 * and colour the message is inline (many clients drop <style>); clients that honour
 * prefers-color-scheme get dark surfaces, the others keep light ones with dark text, readable
 * either way. The dashboard's preview allows exactly this sheet by its hash (DASHBOARD_CSP).
 */
export const DIGEST_STYLE =
  '@media (prefers-color-scheme: dark){' +
  '.d-bg{background-color:#111418 !important}' +
  '.d-card{background-color:#1c2128 !important;color:#e6edf3 !important}' +
  '.d-text{color:#e6edf3 !important}' +
  '.d-muted{color:#9da7b3 !important}' +
  '.d-line{border-color:#30363d !important}' +
  'a{color:#6cb6ff !important}}';

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

/** Green when the change is good news for the KPI, red when bad, grey when neither (or unknown). */
function changeColor(k: KpiLine): string {
  const d = k.change.absolute;
  if (d === null || d === 0 || k.better === null) return C.muted;
  return d > 0 === (k.better === 'higher') ? C.good : C.bad;
}

function kpiRow(k: KpiLine, c: DigestContent): string {
  const cell = `style="padding:6px 8px;border-bottom:1px solid ${C.line};${FONT};font-size:13px;" class="d-line"`;
  const status =
    k.status === null
      ? '—'
      : `<span style="color:${k.status === 'met' ? C.good : C.bad};font-weight:600">${esc(say(c.lang, k.status))}</span> <span class="d-muted" style="color:${C.muted}">(${esc(formatValue(k.target!.value, k.display, c.lang, c.currency))})</span>`;
  const csv = k.csvUrl ? `<a href="${esc(k.csvUrl)}" style="color:${C.link}">${esc(say(c.lang, 'csv'))}</a>` : '';
  return (
    `<tr data-kpi="${esc(k.name)}">` +
    `<td ${cell}><span class="d-text" style="color:${C.text}">${esc(k.label)}</span></td>` +
    `<td ${cell} align="right" data-value="${k.value ?? ''}"><strong class="d-text" style="color:${C.text}">${esc(formatValue(k.value, k.display, c.lang, c.currency))}</strong></td>` +
    `<td ${cell} align="right"><span class="d-muted" style="color:${C.muted}">${esc(formatValue(k.previous, k.display, c.lang, c.currency))}</span></td>` +
    `<td ${cell} align="right"><span style="color:${changeColor(k)}">${esc(formatChange(k.change, k.display, c.lang, c.currency))}</span></td>` +
    `<td ${cell}>${status}</td>` +
    `<td ${cell} align="right">${csv}</td>` +
    `</tr>`
  );
}

function section(s: DigestSectionBlock, c: DigestContent, imageSrc: (cid: string) => string): string {
  const head = (label: string, align = 'left') =>
    `<th align="${align}" class="d-muted d-line" style="padding:6px 8px;border-bottom:1px solid ${C.line};${FONT};font-size:11px;font-weight:600;color:${C.muted};text-transform:uppercase">${esc(label)}</th>`;
  const kpis = s.kpis.length
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse">` +
      `<tr>${head(say(c.lang, 'kpi'))}${head(say(c.lang, 'value'), 'right')}${head(say(c.lang, 'previous'), 'right')}${head(say(c.lang, 'change'), 'right')}${head(say(c.lang, 'target'))}${head('', 'right')}</tr>` +
      s.kpis.map((k) => kpiRow(k, c)).join('') +
      `</table>`
    : '';
  const chart = s.chartCid ? c.charts.find((ch) => ch.cid === s.chartCid) : null;
  const img = chart
    ? `<div style="padding:12px 0 4px"><img src="${esc(imageSrc(chart.cid))}" width="600" alt="${esc(chart.title)}" style="display:block;width:100%;max-width:600px;height:auto;border:0"></div>`
    : '';
  const items = s.itemsTitle
    ? `<p class="d-text" style="margin:14px 0 6px;${FONT};font-size:13px;font-weight:600;color:${C.text}">${esc(s.itemsTitle)}</p>` +
      (s.items.length
        ? `<ul style="margin:0;padding-left:18px">` +
          s.items
            .map(
              (i) =>
                `<li class="d-text" style="${FONT};font-size:13px;color:${C.text};margin:0 0 4px">` +
                (i.url ? `<a href="${esc(i.url)}" style="color:${C.link}">${esc(i.title)}</a>` : esc(i.title)) +
                ` <span class="d-muted" style="color:${C.muted}">· ${esc(i.detail)}</span></li>`,
            )
            .join('') +
          `</ul>`
        : `<p class="d-muted" style="margin:0;${FONT};font-size:13px;color:${C.muted}">${esc(s.emptyNote ?? '')}</p>`)
    : '';
  return (
    `<tr><td style="padding:16px 24px 8px" data-section="${esc(s.id)}">` +
    `<h3 class="d-text" style="margin:0 0 8px;${FONT};font-size:15px;color:${C.text}">${esc(s.title)}</h3>` +
    kpis +
    img +
    items +
    `</td></tr>`
  );
}

/**
 * The digest as an HTML email: table layout, inline CSS, a 640 px column that shrinks on phones.
 * `imageSrc` maps a chart's content-id to its `src`: `cid:…` in the email, a data URI in the preview.
 */
export function renderHtml(c: DigestContent, subject: string, imageSrc: (cid: string) => string = (cid) => `cid:${cid}`): string {
  const period = formatPeriod(c.from, c.to, c.tz, c.lang);
  const intro = say(c.lang, 'intro', { frequency: say(c.lang, c.frequency), workspace: c.workspace, period, tz: c.tz });
  const late = c.late
    ? `<tr><td style="padding:0 24px 8px"><p data-late="true" style="margin:0;padding:8px 12px;background-color:${C.lateBg};color:${C.late};${FONT};font-size:13px">${esc(say(c.lang, 'late', { due: formatDateTime(c.dueAt, c.tz, c.lang) }))}</p></td></tr>`
    : '';
  const scopes = c.scopes
    .map(
      (s) =>
        `<tr><td style="padding:20px 24px 0"><h2 class="d-text" style="margin:0;${FONT};font-size:17px;color:${C.text}">${esc(s.label)}</h2>` +
        `<p style="margin:4px 0 0;${FONT};font-size:13px"><a href="${esc(s.dashboardUrl)}" style="color:${C.link}">${esc(say(c.lang, 'openDashboard'))}</a></p></td></tr>` +
        s.sections.map((sec) => section(sec, c, imageSrc)).join(''),
    )
    .join('');
  return (
    `<!doctype html><html lang="${c.lang === 'pt' ? 'pt-BR' : 'en'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">` +
    `<title>${esc(subject)}</title><style>${DIGEST_STYLE}</style></head>` +
    `<body class="d-bg" style="margin:0;padding:0;background-color:${C.page}">` +
    `<table role="presentation" class="d-bg" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${C.page}" style="background-color:${C.page}"><tr><td align="center" style="padding:16px 8px">` +
    `<table role="presentation" class="d-card" width="640" cellpadding="0" cellspacing="0" border="0" bgcolor="${C.card}" style="width:100%;max-width:640px;background-color:${C.card}">` +
    `<tr><td style="padding:24px 24px 8px"><h1 class="d-text" style="margin:0;${FONT};font-size:20px;color:${C.text}">${esc(c.name)}</h1>` +
    `<p class="d-muted" style="margin:6px 0 0;${FONT};font-size:14px;color:${C.muted}">${esc(intro)}</p></td></tr>` +
    late +
    scopes +
    `<tr><td style="padding:24px"><p class="d-muted" style="margin:0;${FONT};font-size:12px;color:${C.muted}">` +
    `<a href="${esc(c.dashboardUrl)}" style="color:${C.link}">${esc(say(c.lang, 'openDashboard'))}</a> · ${esc(say(c.lang, 'footer'))}</p></td></tr>` +
    `</table></td></tr></table></body></html>`
  );
}
