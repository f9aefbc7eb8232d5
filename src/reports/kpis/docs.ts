import { computedByPath, KPI_CHARTS, KPI_SECTIONS, KpiDefinition, KpiSection, KPIS, SECTION_LABELS } from './catalogue';

/**
 * docs/KPIS.md, rendered from the catalogue (`npm run docs:kpis`); a spec fails when the file and
 * the catalogue differ. The prose around the tables is here; every row comes from ./catalogue.ts.
 */

export const KPIS_DOC_PATH = 'docs/KPIS.md';

const INTRO = `# KPI definitions

<!-- Generated from src/reports/kpis/catalogue.ts by \`npm run docs:kpis\`; do not edit by hand. -->

Every KPI is computed for one workspace over a half-open time range \`[from, to)\`, optionally
narrowed to a topic and a platform, and bucketed by \`hour | day | week\` in the workspace's IANA
timezone (query \`tz\` overrides it). A ratio whose denominator is 0 is \`null\`, never \`NaN\`, \`0\` or
\`Infinity\`. Durations are reported in seconds. Percentages are reported as numbers from 0 to 100
with full precision (round only for display). The API name of a KPI is its dotted path in the
report JSON (\`GET /api/v1/reports/overview\`); \`GET /api/v1/reports/kpis\` serves this catalogue
with labels in Portuguese and English.

Times are the platform's own (\`created_at\` of the post), never the time we collected it.

Columns: **unit** (count, percent, seconds, currency, ratio); **better**, which way a change is
good news; **target**, whether the KPI can have a target (\`PUT /api/v1/targets\`) and so has a
trend (previous period, change, target status) in the overview; **series**, whether
\`GET /api/v1/reports/timeseries?metric=<name>\` serves it. Only a number that is a function of the
range has a trend, a target and a series: a live value, the peak hour and a list of records do not.
`;

const SECTION_NOTES: Record<KpiSection, string> = {
  listening: `Mentions are posts by others: posts of the topic's owned accounts are never mentions.

Sentiment label: the scorer yields a normalised score in −1 … 1 and a label: \`positive\` when
score ≥ +0.05, \`negative\` when ≤ −0.05, else \`neutral\` (configurable thresholds).`,
  engagement: `Counted over own posts published in range; their metrics are the latest collected values. The
brand's replies to others are responses (they feed the care metrics), not posts here. Social-media
rates are per post (Avinash Kaushik).`,
  leads: `Social mediums default to \`social\`, \`social-media\`, \`sm\`, \`organic-social\` and \`paid-social\`
(a workspace setting).`,
  deflection: `Inputs: website (or help-centre) sessions per hour or day, and assisted contacts (phone calls,
e-mails, chats, tickets) per hour or day, pushed through the API or imported from CSV. Periods
count when they start in range.`,
  care: `A **case** is a support conversation: the first support-intent mention from an author opens one;
later messages from the same author on the same platform join it while it is open (or while in the
same platform conversation). Brand replies to any message of the case are its responses. With
business hours on, only working time counts toward every duration and window.

Per agent and per team (\`GET /api/v1/reports/agents\`): cases handled, cases closed, mean handle time
(assigned → resolved), mean first response time, open cases now, reassignments, online time (from
presence events), saved replies used (replies recorded or sent with a saved reply's id), and per routing keyword: cases routed, reroutes, mean time to reroute.`,
  surveys: `CSAT is on a 1-5 scale, NPS on 0-10. Response rates need the surveys sent to be recorded.`,
  competitors: `\`GET /api/v1/reports/share-of-voice\` gives one row per topic, the brand's then its competitors'
(a topic's \`role\`), each KPI below at its API name without \`shareOfVoice.\`; its rows are the topic's
mentions and own posts, and \`drillDown.publicCare\` lists the cases behind public care. A mention
matched by two topics counts for each. \`GET /api/v1/reports/share-of-voice/timeseries\` gives
\`share\` per topic per local hour or day.

Public care: a competitor's topic opens no case in the inbox; its public cases are built as its
mentions and replies are collected, from its support, complaint and question mentions and its own
accounts' replies with the inbox's case rules (a request opens a case or joins the customer's case
still open on the network; a reply to a message of the case is a response). The one assumption: nobody resolves a competitor's case for us to see,
so an answered case counts as resolved at its latest reply, and a new request in the same
conversation within 7 days reopens it. Durations are wall-clock for every topic, the brand's too.
The brand's figures are read from its care rollups, which keep each answered case's wall-clock
first response exactly, and from the cases of the slots a range cuts at its ends: the same figures
as \`publicCareKpis\` over its case rows (\`competitors.ts#publicCareFromCareRollups\`).`,
};

const OUTRO = `## Targets, trends, alerts

- Each KPI whose **target** column says yes may have a target (value and direction) per workspace;
  the overview's \`trends\` gives its value, the previous period's value (same length, just before),
  the change, and the target status.
- Spike alert: in each hour, volume or negative share above the trailing 7-day hourly mean plus
  k × standard deviation (default k = 3) raises an alert once; SLA breaches raise alerts too.
  Alerts go to the API, the live stream and an optional webhook (Slack-compatible JSON).
`;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const yes = (b: boolean) => (b ? 'yes' : '—');

function row(k: KpiDefinition): string {
  const name = k.live ? `\`${k.name}\` (live)` : `\`${k.name}\``;
  return `| ${cell(k.label.en)} | ${name} | ${k.unit} | ${k.better ?? '—'} | ${yes(k.target)} | ${yes(k.timeseries)} | ${cell(k.formula)} | \`${computedByPath(k).replace('src/reports/kpis/', '')}\` |`;
}

function sectionDoc(id: KpiSection): string {
  const charts = KPI_CHARTS.filter((c) => c.section === id);
  return [
    `## ${SECTION_LABELS[id].en}`,
    '',
    SECTION_NOTES[id],
    '',
    '| KPI | API name | unit | better | target | series | definition | computed by |',
    '|---|---|---|---|---|---|---|---|',
    ...KPIS.filter((k) => k.section === id).map(row),
    '',
    ...(charts.length > 0
      ? [`Charts: ${charts.map((c) => `${c.label.en} (${c.series.map((s) => `\`${s.kpi}\``).join(', ')})`).join('; ')}.`, '']
      : []),
  ].join('\n');
}

export function renderKpisDoc(): string {
  return [INTRO, ...KPI_SECTIONS.map(sectionDoc), OUTRO].join('\n');
}
