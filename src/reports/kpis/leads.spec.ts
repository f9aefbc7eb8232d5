import { isSocialLead, isSocialSource, leadKpis } from './leads';
import { LeadRow, TrafficRow } from './rows';
import { rollup } from './row-builders-spec';

const range = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-08T00:00:00Z') };

function lead(leadId: string, values: Partial<LeadRow> = {}): LeadRow {
  return { leadId, createdAt: new Date('2024-03-02T12:00:00Z'), utmSource: null, utmMedium: null, mentionId: null, ...values };
}

const traffic = (periodStart: string, sessions: number, socialSessions?: number | null): TrafficRow => ({
  periodStart: new Date(periodStart),
  granularity: 'day',
  sessions,
  socialSessions,
});

describe('lead KPIs', () => {
  const leads = [
    lead('l1', { utmMedium: 'Social' }),
    lead('l2', { utmMedium: 'paid_social' }),
    lead('l3', { utmSource: 'l.facebook.com', utmMedium: 'referral' }),
    lead('l4', { utmSource: 'newsletter', utmMedium: 'email' }),
    lead('l5', { mentionId: 'm1' }),
    lead('l6', { utmSource: 'X' }),
    lead('l7', { utmSource: 'xerox' }),
    lead('l8', { utmMedium: 'social', createdAt: new Date('2024-03-08T00:00:00Z') }), // out of range
  ];
  const rollups = [
    rollup('2024-03-02T10:00:00Z', { count: 200, lead: 3 }),
    rollup('2024-03-03T10:00:00Z', { count: 50, lead: 2 }),
    rollup('2024-02-29T10:00:00Z', { count: 1000, lead: 40 }), // out of range
  ];
  const sessions = [
    traffic('2024-03-01T00:00:00Z', 5000, 100),
    traffic('2024-03-02T00:00:00Z', 4000, 150),
    traffic('2024-03-03T00:00:00Z', 3000, null), // social share not recorded: not counted as 0
    traffic('2024-03-08T00:00:00Z', 3000, 9999), // out of range
  ];

  it('attributes leads to social and rates them', () => {
    const kpis = leadKpis({ leads, mentionRollups: rollups, traffic: sessions }, range);
    expect(kpis.social).toBe(5); // l1, l2, l3, l5, l6
    expect(kpis.intentMentions).toBe(5); // 3 + 2
    expect(kpis.conversionRate).toBeCloseTo((5 / (100 + 150)) * 100, 12); // 2
    expect(kpis.per1kMentions).toBeCloseTo((5 / (200 + 50)) * 1000, 12); // 20
  });

  it('uses the workspace’s own social mediums instead of the defaults', () => {
    expect(isSocialLead(lead('a', { utmMedium: 'social' }), { socialMediums: ['influencer'] })).toBe(false);
    expect(isSocialLead(lead('b', { utmMedium: 'Influencer' }), { socialMediums: ['influencer'] })).toBe(true);
    expect(isSocialLead(lead('c', { utmSource: 'instagram' }), { socialMediums: ['influencer'] })).toBe(true);
  });

  it('recognises platform sources by name or domain', () => {
    for (const source of [
      'twitter',
      't.co',
      'https://www.instagram.com/p/1',
      'm.youtube.com',
      'WhatsApp',
      'lnkd.in',
      'bsky.app',
      'TikTok',
    ]) {
      expect(isSocialSource(source)).toBe(true);
    }
    for (const source of ['google', 'notfacebook.com', 'xerox', '', null]) {
      expect(isSocialSource(source)).toBe(false);
    }
  });

  it('is null, never NaN, without social sessions or mentions', () => {
    const kpis = leadKpis({ leads, mentionRollups: [], traffic: [traffic('2024-03-01T00:00:00Z', 5000)] }, range);
    expect(kpis.social).toBe(5);
    expect(kpis.intentMentions).toBe(0);
    expect(kpis.conversionRate).toBeNull();
    expect(kpis.per1kMentions).toBeNull();
    expect(leadKpis({ leads, mentionRollups: [], traffic: [traffic('2024-03-01T00:00:00Z', 5000, 0)] }, range).conversionRate).toBeNull();
  });
});
