import type { DigestContent } from '../content';
import { renderDigest, renderPreviewHtml } from './index';
import { PREVIEW_STYLE } from './html';

const content = (over: Partial<DigestContent> = {}): DigestContent => ({
  workspace: 'Lumi <BR>',
  name: 'Weekly & more',
  frequency: 'weekly',
  lang: 'en',
  tz: 'America/Sao_Paulo',
  currency: 'BRL',
  from: new Date('2026-11-23T03:00:00Z'),
  to: new Date('2026-11-30T03:00:00Z'),
  dueAt: new Date('2026-11-30T11:00:00Z'),
  late: false,
  dashboardUrl: 'https://ouvidor.example/#/overview',
  charts: [{ cid: 'chart-1@ouvidor', title: 'Mentions', png: Buffer.from('png') }],
  scopes: [
    {
      label: 'Whole workspace · all networks',
      topic: null,
      platform: null,
      dashboardUrl: 'https://ouvidor.example/#/overview?range=custom',
      sections: [
        {
          id: 'listening',
          title: 'Listening',
          chartCid: 'chart-1@ouvidor',
          itemsTitle: null,
          emptyNote: null,
          items: [],
          kpis: [
            {
              name: 'sentiment.negative',
              label: 'Negative',
              display: 'count',
              better: 'lower',
              value: 12,
              previous: 8,
              change: { absolute: 4, percent: 50 },
              target: { value: 10, direction: 'lower' },
              status: 'missed',
              csvUrl: 'https://ouvidor.example/api/v1/exports/mentions.csv?sentiment=negative',
            },
          ],
        },
      ],
    },
  ],
  ...over,
});

describe('renderDigest', () => {
  const d = renderDigest(content());

  it('names the digest and the period in the subject', () => {
    expect(d.subject).toBe('Weekly & more: Nov 23 – Nov 29, 2026');
  });

  it('writes every KPI with its value, previous value, change and target status, escaping what it shows', () => {
    expect(d.html).toContain('<tr data-kpi="sentiment.negative">');
    expect(d.html).toContain('data-value="12"');
    expect(d.html).toContain('Lumi &lt;BR&gt;');
    expect(d.html).not.toContain('Lumi <BR>');
    // a rise of a KPI whose better direction is lower is bad news: red
    expect(d.html).toMatch(/style="color:#c0392b">\+50%/);
    expect(d.html).toContain('missed');
    expect(d.html).toContain('src="cid:chart-1@ouvidor"');
    expect(d.text).toContain('Negative: 12 (previous 8, +50%; Target missed)');
  });

  it('keeps every style inline in the email, with dark-mode overrides as the only sheet', () => {
    expect(d.html).not.toContain('class="s-');
    expect(d.html).toContain('@media (prefers-color-scheme: dark)');
  });

  it('sends the chart as an image part with the content-id the HTML names', () => {
    expect(d.images).toEqual([{ cid: 'chart-1@ouvidor', png: Buffer.from('png'), name: 'chart-1.png' }]);
  });

  it('makes a Slack message of the same numbers, escaping mrkdwn', () => {
    expect(d.slack.text).toBe(d.subject);
    const texts = d.slack.blocks.map((b) => JSON.stringify(b)).join('\n');
    expect(texts).toContain('Negative: *12* (+50%) :x:');
    expect(texts).toContain('Lumi &lt;BR&gt;');
  });

  it('says a late digest is late', () => {
    const late = renderDigest(content({ late: true }));
    expect(late.html).toContain('data-late="true"');
    expect(late.text).toContain('Sent late');
  });
});

describe('renderPreviewHtml', () => {
  it('uses classes of the one fixed style sheet instead of inline styles, and inlines the images', () => {
    const p = renderPreviewHtml(content());
    expect(p.html).not.toMatch(/ style="/);
    expect(p.html).toContain(`<style>${PREVIEW_STYLE}</style>`);
    expect(p.html).toContain(`src="data:image/png;base64,${Buffer.from('png').toString('base64')}"`);
  });
});
