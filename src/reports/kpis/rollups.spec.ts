import { listeningKpis } from './listening';
import { hourlyRollups } from './rollups';
import { MentionCounterRow } from './rows';

const counter = (hour: string, sentiment: string, intent: string, count: number, scoreSum: number): MentionCounterRow => ({
  hour: new Date(hour),
  sentiment,
  intent,
  count,
  scoreSum,
});

describe('hourlyRollups', () => {
  const counters = [
    counter('2024-03-11T10:00:00Z', 'positive', 'praise', 4, 2.4),
    counter('2024-03-11T10:00:00Z', 'negative', 'complaint', 3, -1.5),
    counter('2024-03-11T10:00:00Z', 'negative', 'support', 1, -0.2), // another language or platform, same hour
    counter('2024-03-11T11:00:00Z', 'neutral', 'question', 2, 0),
    counter('2024-03-11T11:00:00Z', 'mixed', 'unknown', 1, 0), // unknown label and intent: counted, not labelled
  ];

  it('folds counters into one row per hour', () => {
    expect(hourlyRollups(counters)).toEqual([
      { hour: new Date('2024-03-11T10:00:00Z'), count: 8, positive: 4, negative: 4, neutral: 0, scoreSum: 2.4 - 1.5 - 0.2, support: 1, complaint: 3, question: 0, lead: 0, praise: 4, other: 0 },
      { hour: new Date('2024-03-11T11:00:00Z'), count: 3, positive: 0, negative: 0, neutral: 2, scoreSum: 0, support: 0, complaint: 0, question: 2, lead: 0, praise: 0, other: 0 },
    ]);
  });

  it('feeds the listening KPIs', () => {
    const kpis = listeningKpis(hourlyRollups(counters), { from: new Date('2024-03-11T00:00:00Z'), to: new Date('2024-03-12T00:00:00Z') }, 'UTC');
    expect(kpis.volume.mentions).toBe(11); // 8 + 3
    expect(kpis.sentiment.net).toBe(0); // (4 − 4) / (4 + 4) × 100
    expect(kpis.support).toEqual({ inbound: 6, peakHour: { hour: '2024-03-11T10:00:00.000Z', count: 4 } }); // 1 + 3 at 10:00; 2 at 11:00
  });
});
