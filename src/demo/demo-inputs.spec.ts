import { DEMO_INPUT_DAYS, demoInputRecords } from './demo-inputs';

describe('demoInputRecords', () => {
  const now = new Date('2026-11-24T15:30:00Z');
  const r = demoInputRecords('America/Sao_Paulo', now);

  it('is the same on every start', () => {
    expect(demoInputRecords('America/Sao_Paulo', now)).toEqual(r);
  });

  it('covers the last local days, with nothing after now', () => {
    expect(r.traffic).toHaveLength(DEMO_INPUT_DAYS);
    expect(r.traffic[DEMO_INPUT_DAYS - 1].periodStart).toBe('2026-11-24');
    expect(r.contacts).toHaveLength(DEMO_INPUT_DAYS * 3);
    const instants = [
      ...r.leads.map((l) => l.occurredAt),
      ...r.surveySends.map((s) => s.sentAt),
      ...r.surveyResponses.map((s) => s.respondedAt),
    ];
    expect(instants.length).toBeGreaterThan(0);
    for (const at of instants) expect(new Date(at as string).getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it('has scores on their scales, social leads, and unique ids', () => {
    for (const s of r.surveyResponses) {
      if (s.type === 'csat') expect(s.score).toBeGreaterThanOrEqual(1);
      expect(s.score).toBeLessThanOrEqual(s.type === 'csat' ? 5 : 10);
    }
    const social = r.leads.filter((l) => l.utmMedium === 'social').length;
    expect(social / r.leads.length).toBeGreaterThan(0.3);
    const ids = [...r.leads, ...r.surveyResponses, ...r.surveySends].map((x) => x.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of r.traffic) expect(t.socialSessions as number).toBeLessThanOrEqual(t.sessions as number);
  });
});
