import { deflectionKpis } from './deflection';
import { SupportContactRow, TrafficRow } from './rows';
import { at, caseRow } from './row-builders-spec';

const range = { from: at('2024-03-01T00:00:00Z'), to: at('2024-03-08T00:00:00Z') };

const contact = (periodStart: string, channel: string, contacts: number): SupportContactRow => ({
  periodStart: at(periodStart),
  granularity: 'day',
  channel,
  contacts,
});
const traffic = (periodStart: string, sessions: number): TrafficRow => ({ periodStart: at(periodStart), granularity: 'day', sessions });

describe('deflection KPIs', () => {
  const contacts = [
    contact('2024-03-01T00:00:00Z', 'phone', 300),
    contact('2024-03-02T00:00:00Z', 'email', 100),
    contact('2024-03-07T00:00:00Z', 'chat', 50),
    contact('2024-03-08T00:00:00Z', 'phone', 999), // out of range
  ];
  const sessions = [traffic('2024-03-01T00:00:00Z', 90_000), traffic('2024-03-05T00:00:00Z', 45_000), traffic('2024-02-29T00:00:00Z', 1)];
  const resolved = (id: string, resolvedAt: string, extra = {}) =>
    caseRow(id, '2024-03-01T10:00:00Z', { status: 'resolved', resolvedAt: at(resolvedAt), resolutions: [at(resolvedAt)], ...extra });
  const cases = [
    resolved('c1', '2024-03-02T00:00:00Z'),
    resolved('c2', '2024-03-03T00:00:00Z'),
    // reopened and resolved again: once
    resolved('c3', '2024-03-05T00:00:00Z', { resolutions: [at('2024-03-02T00:00:00Z'), at('2024-03-05T00:00:00Z')], reopenCount: 1 }),
    resolved('c4', '2024-03-09T00:00:00Z'), // resolved after the range
    caseRow('c5', '2024-03-02T00:00:00Z'), // open
    caseRow('c6', '2024-03-02T00:00:00Z', { status: 'abandoned', abandonedAt: at('2024-03-03T00:00:00Z') }),
  ];

  it('weighs assisted contacts against traffic and social resolutions', () => {
    const kpis = deflectionKpis({ contacts, traffic: sessions, cases }, range);
    expect(kpis.assistedContacts).toBe(450); // 300 + 100 + 50
    expect(kpis.websiteSessions).toBe(135_000); // 90000 + 45000
    expect(kpis.contactRatePer1kSessions).toBeCloseTo((450 / 135_000) * 1000, 12); // 3.33
    expect(kpis.selfServiceScore).toBe(300); // 135000 / 450
    expect(kpis.socialDeflectionRate).toBeCloseTo((3 / (3 + 450)) * 100, 12); // 0.66
    expect(kpis.estimatedSavings).toBe(33); // 3 × (12 − 1)
  });

  it('uses the workspace’s costs', () => {
    // 3 × (10 − 2) = 24
    expect(
      deflectionKpis({ contacts, traffic: sessions, cases }, range, { costPerCall: 10, costPerSocialInteraction: 2 }).estimatedSavings,
    ).toBe(24);
  });

  it('is null, never NaN or Infinity, on zero denominators', () => {
    expect(deflectionKpis({ contacts: [], traffic: [], cases: [] }, range)).toEqual({
      assistedContacts: 0,
      websiteSessions: 0,
      contactRatePer1kSessions: null,
      selfServiceScore: null,
      socialDeflectionRate: null,
      estimatedSavings: 0,
    });
    // social resolutions with no assisted contacts: everything was deflected
    expect(deflectionKpis({ contacts: [], traffic: sessions, cases }, range).socialDeflectionRate).toBe(100);
  });
});
