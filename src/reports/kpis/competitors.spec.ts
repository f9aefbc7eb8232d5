import { ownPostsEngagement, shareOfVoice, shareOfVoiceSeries } from './competitors';
import { bucketOf } from './buckets';
import type { MentionRollupRow } from './rows';

const row = (iso: string, count: number, positive = 0, negative = 0, support = 0): MentionRollupRow => ({
  hour: new Date(iso),
  count,
  positive,
  negative,
  neutral: count - positive - negative,
  scoreSum: 0,
  support,
  complaint: 0,
  question: 0,
  lead: 0,
});
const range = { from: new Date('2026-03-02T03:00:00Z'), to: new Date('2026-03-04T03:00:00Z') };

describe('share of voice', () => {
  const rows = new Map([
    ['brand', [row('2026-03-02T12:00:00Z', 40, 20, 5, 8), row('2026-03-03T12:00:00Z', 20, 0, 5, 2)]],
    ['nuvia', [row('2026-03-02T12:15:00Z', 30, 3, 12, 9)]],
    ['orbi', [row('2026-03-03T13:00:00Z', 10, 5, 5), row('2026-03-05T13:00:00Z', 99)]], // the second is out of range
  ]);

  it('gives each topic its mentions over every topic compared, summing to 100 % (hand-computed)', () => {
    const sov = shareOfVoice(rows, range);
    expect(sov.get('brand')).toEqual({
      mentions: 60,
      share: 60,
      positiveShare: 2000 / 60, // 33.3 %
      negativeShare: 1000 / 60, // 16.7 %
      netSentiment: ((20 - 10) * 100) / (20 + 10), // 33.3
      supportMentions: 10,
    });
    expect(sov.get('nuvia')!.share).toBe(30);
    expect(sov.get('nuvia')!.netSentiment).toBe(-60); // (3 − 12) / 15
    expect(sov.get('orbi')!.share).toBe(10);
    expect(sov.get('orbi')!.netSentiment).toBe(0);
    expect([...sov.values()].reduce((s, v) => s + v.share!, 0)).toBe(100);
  });

  it('is null, not 0, when no topic had a mention', () => {
    const sov = shareOfVoice(
      new Map([
        ['brand', []],
        ['nuvia', []],
      ]),
      range,
    );
    expect(sov.get('brand')).toMatchObject({ mentions: 0, share: null, positiveShare: null, netSentiment: null });
  });

  it('is a series of local days whose shares sum to 100 % in each (São Paulo, UTC−3)', () => {
    const points = shareOfVoiceSeries(rows, range, 'day', 'America/Sao_Paulo');
    expect(points.map((p) => p.t)).toEqual(['2026-03-02T03:00:00.000Z', '2026-03-03T03:00:00.000Z']);
    expect(points[0].mentions).toEqual({ brand: 40, nuvia: 30, orbi: 0 });
    expect(points[0].share.brand).toBeCloseTo((40 / 70) * 100, 10);
    expect(points[1].share).toEqual({ brand: 2000 / 30, nuvia: 0, orbi: 1000 / 30 });
  });

  it.each<['hour' | 'day', string]>([
    ['hour', 'America/New_York'],
    ['day', 'America/New_York'],
    ['day', 'Asia/Kolkata'],
  ])('puts each slot in the local bucket bucketOf names, across a DST change (%s, %s)', (interval, tz) => {
    // slots every 15 minutes over 3 days around New York's spring-forward (2026-03-08), cut at odd instants
    const dstRange = { from: new Date('2026-03-07T01:10:00Z'), to: new Date('2026-03-10T02:50:00Z') };
    const slots = Array.from({ length: 3 * 96 + 12 }, (_, i) =>
      row(new Date(Date.parse('2026-03-07T00:00:00Z') + i * 900_000).toISOString(), 1 + (i % 7)),
    );
    const byTopic = new Map([
      ['brand', slots],
      ['nuvia', slots.filter((_, i) => i % 3 === 0)],
    ]);
    const points = shareOfVoiceSeries(byTopic, dstRange, interval, tz);
    for (const p of points) {
      const inIt = (rows: MentionRollupRow[]) =>
        rows
          .filter((r) => r.hour >= dstRange.from && r.hour < dstRange.to && bucketOf(r.hour, interval, tz).toISOString() === p.t)
          .reduce((n, r) => n + r.count, 0);
      expect(p.mentions).toEqual({ brand: inIt(byTopic.get('brand')!), nuvia: inIt(byTopic.get('nuvia')!) });
    }
    expect(points.reduce((n, p) => n + p.mentions.brand, 0)).toBeGreaterThan(0);
  });

  it('reuses the engagement KPIs on the topic own posts (hand-computed)', () => {
    const post = (likes: number, reposts: number | null, quotes: number, replies: number, impressions: number | null) => ({
      postId: String(likes),
      accountId: 'a',
      publishedAt: new Date('2026-03-02T15:00:00Z'),
      likes,
      reposts,
      quotes,
      replies,
      impressions,
    });
    const e = ownPostsEngagement([post(30, 4, 1, 5, 1000), post(10, 2, 0, 1, null)], [], range);
    expect(e).toEqual({
      posts: 2,
      applauseRate: 20, // (30 + 10) / 2
      amplificationRate: 3.5, // (4 + 1 + 2 + 0) / 2
      conversationRate: 3, // (5 + 1) / 2
      engagementRate: 4, // (30 + 5 + 5) / 1000 × 100, the post without impressions left out
    });
  });
});
