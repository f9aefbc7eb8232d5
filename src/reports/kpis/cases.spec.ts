import { isSupportCase, openedInRange } from './cases';
import { caseRow } from './row-builders-spec';
import { serviceKpis } from './care';

describe('care cases an agent found need no answer', () => {
  const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };
  const now = new Date('2026-03-03T00:00:00Z');
  const cases = [
    caseRow('answered', '2026-03-01T10:00:00Z', { firstResponseAt: new Date('2026-03-01T10:30:00Z'), outboundCount: 1 }),
    caseRow('praise', '2026-03-01T11:00:00Z', { status: 'not_support' }),
  ];

  it('leave the cases counted as opened', () => {
    expect(isSupportCase(cases[1])).toBe(false);
    expect(openedInRange(cases, range).map((c) => c.caseId)).toEqual(['answered']);
  });

  it('leave the service KPIs: one case opened, answered in 30 min, SLA met for 1 of 1', () => {
    const service = serviceKpis(cases, range, now, { firstResponseTargetSeconds: 3600 });
    expect(service.casesOpened).toBe(1);
    expect(service.firstResponse.mean).toBe(1800);
    expect(service.slaCompliance).toBe(100);
  });
});
