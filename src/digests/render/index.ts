import type { DigestContent } from '../content';
import { formatPeriod } from './format';
import { renderHtml } from './html';
import { renderSlack } from './slack';
import { say } from './strings';
import { renderText } from './text';

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
  slack: { text: string; blocks: Record<string, unknown>[] };
  images: { cid: string; png: Buffer; name: string }[];
}

/** The digest in every form it is sent in: HTML email (+ images by content-id), plain text, Slack. */
export function renderDigest(c: DigestContent): RenderedDigest {
  const subject = say(c.lang, 'subject', { name: c.name, period: formatPeriod(c.from, c.to, c.tz, c.lang) });
  return {
    subject,
    html: renderHtml(c, subject),
    text: renderText(c),
    slack: renderSlack(c, subject),
    images: c.charts.map((ch, i) => ({ cid: ch.cid, png: ch.png, name: `chart-${i + 1}.png` })),
  };
}

/** The HTML with its images inline (data URIs), for a preview in the browser. */
export function renderPreviewHtml(c: DigestContent): { subject: string; html: string; text: string } {
  const subject = say(c.lang, 'subject', { name: c.name, period: formatPeriod(c.from, c.to, c.tz, c.lang) });
  const byCid = new Map(c.charts.map((ch) => [ch.cid, ch.png]));
  const html = renderHtml(c, subject, (cid) => `data:image/png;base64,${byCid.get(cid)?.toString('base64') ?? ''}`, 'preview');
  return { subject, html, text: renderText(c) };
}
