import type { DigestContent } from '../content';
import { formatChange, formatDateTime, formatPeriod, formatValue } from './format';
import { say } from './strings';

/** Slack's limits: 50 blocks a message, 3000 characters a text object. */
const MAX_BLOCKS = 50;
const MAX_TEXT = 3000;

type Block = Record<string, unknown>;

/** Slack's mrkdwn needs only these three escaped. */
const mrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

/**
 * The digest as a Slack (Block Kit) message: the same numbers and links as the email. Charts are
 * left out: an image block needs a public URL, and the digest's images are only attachments.
 */
export function renderSlack(c: DigestContent, subject: string): { text: string; blocks: Block[] } {
  const period = formatPeriod(c.from, c.to, c.tz, c.lang);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(c.name).slice(0, 150) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: mrkdwn(say(c.lang, 'intro', { frequency: say(c.lang, c.frequency), workspace: c.workspace, period, tz: c.tz })),
        },
      ],
    },
  ];
  if (c.late)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `:warning: ${mrkdwn(say(c.lang, 'late', { due: formatDateTime(c.dueAt, c.tz, c.lang) }))}` },
    });
  for (const scope of c.scopes) {
    blocks.push({ type: 'divider' });
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${mrkdwn(scope.label)}* · <${scope.dashboardUrl}|${mrkdwn(say(c.lang, 'openDashboard'))}>` },
    });
    for (const s of scope.sections) {
      const lines = s.kpis.map((k) => {
        const status = k.status === 'met' ? ' :white_check_mark:' : k.status === 'missed' ? ' :x:' : '';
        const csv = k.csvUrl ? ` <${k.csvUrl}|${say(c.lang, 'csv')}>` : '';
        return `${mrkdwn(k.label)}: *${formatValue(k.value, k.display, c.lang, c.currency)}* (${formatChange(k.change, k.display, c.lang, c.currency)})${status}${csv}`;
      });
      if (s.itemsTitle) {
        lines.push(`_${mrkdwn(s.itemsTitle)}_`);
        if (!s.items.length) lines.push(mrkdwn(s.emptyNote ?? ''));
        for (const i of s.items) lines.push(`• ${i.url ? `<${i.url}|${mrkdwn(i.title)}>` : mrkdwn(i.title)} · ${mrkdwn(i.detail)}`);
      }
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${mrkdwn(s.title)}*\n${lines.join('\n')}`) } });
    }
  }
  if (blocks.length > MAX_BLOCKS) {
    blocks.splice(MAX_BLOCKS - 1);
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${c.dashboardUrl}|${mrkdwn(say(c.lang, 'openDashboard'))}>` }] });
  }
  return { text: subject, blocks };
}
