import { SurveyResponseRow } from './rows';
import { csatKpis, npsKpis, surveyKpis } from './surveys';

const range = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-11T00:00:00Z') };

let n = 0;
function response(kind: 'csat' | 'nps', score: number, respondedAt = '2024-03-05T12:00:00Z', sentAt?: string): SurveyResponseRow {
  n += 1;
  return { responseId: `${kind}${n}`, kind, score, respondedAt: new Date(respondedAt), sentAt: sentAt ? new Date(sentAt) : null };
}

describe('CSAT', () => {
  const rows = [
    response('csat', 5),
    response('csat', 4),
    response('csat', 3),
    response('csat', 5),
    response('csat', 1),
    response('csat', 2),
    response('csat', 4, '2024-03-05T12:00:00Z', '2024-03-01T12:00:00Z'), // sent before the range
    response('csat', 5, '2024-03-11T00:00:00Z'), // answered at `to`: out
    response('csat', 6), // off the scale: not counted
    response('nps', 10), // another survey
  ];

  it('scores the share of 4 and 5 and flags 3 or less', () => {
    const csat = csatKpis(rows, range, 20);
    expect(csat.responses).toBe(7);
    expect(csat.score).toBeCloseTo((4 / 7) * 100, 12); // 5, 4, 5, 4 of 7: 57.14
    expect(csat.mean).toBeCloseTo((5 + 4 + 3 + 5 + 1 + 2 + 4) / 7, 12); // 24 / 7 = 3.43
    expect(csat.followUps).toEqual([rows[2].responseId, rows[4].responseId, rows[5].responseId]); // 3, 1, 2
    // 6 of the 7 were sent in range: 6 / 20 × 100
    expect(csat.responseRate).toBe(30);
  });

  it('is null without responses or recorded sends', () => {
    expect(csatKpis([], range, 0)).toEqual({ score: null, mean: null, responses: 0, followUps: [], responseRate: null });
    expect(csatKpis(rows, range).responseRate).toBeNull();
  });
});

describe('NPS', () => {
  const rows = [10, 9, 8, 7, 6, 10, 10, 3].map((score) => response('nps', score));

  it('subtracts the share of detractors from the share of promoters', () => {
    expect(npsKpis(rows, range, 40)).toEqual({
      score: 25, // (4 promoters − 2 detractors) / 8 × 100
      promoters: 4, // 10, 9, 10, 10
      passives: 2, // 8, 7
      detractors: 2, // 6, 3
      responses: 8,
      responseRate: 20, // 8 / 40 × 100
    });
  });

  it('spans −100 … 100', () => {
    expect(npsKpis([response('nps', 0), response('nps', 6)], range).score).toBe(-100);
    expect(npsKpis([response('nps', 9)], range).score).toBe(100);
  });

  it('is null without responses', () => {
    expect(surveyKpis([], range, { nps: 10 }).nps).toEqual({
      score: null,
      promoters: 0,
      passives: 0,
      detractors: 0,
      responses: 0,
      responseRate: 0,
    });
  });
});
