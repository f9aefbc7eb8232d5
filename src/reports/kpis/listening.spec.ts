import { listeningKpis, netSentiment, peakSupportHour } from './listening';
import { rollup } from './row-builders-spec';

const range = { from: new Date('2024-03-11T00:00:00Z'), to: new Date('2024-03-12T00:00:00Z') };

describe('listening KPIs', () => {
  const rows = [
    rollup('2024-03-11T10:00:00Z', { count: 10, positive: 6, negative: 2, neutral: 2, scoreSum: 2.5, support: 1, complaint: 2, lead: 1 }),
    rollup('2024-03-11T11:00:00Z', { count: 5, positive: 1, negative: 3, neutral: 1, scoreSum: -1, support: 2, complaint: 1, question: 1 }),
    // outside [from, to): ignored
    rollup('2024-03-12T00:00:00Z', { count: 100, positive: 100, scoreSum: 80, support: 50 }),
    rollup('2024-03-10T23:00:00Z', { count: 100, negative: 100, scoreSum: -80, support: 50 }),
  ];

  it('counts mentions, sentiment and inbound support in range', () => {
    const kpis = listeningKpis(rows, range, 'UTC');
    expect(kpis.volume.mentions).toBe(15); // 10 + 5
    expect(kpis.sentiment.positive).toBe(7); // 6 + 1
    expect(kpis.sentiment.negative).toBe(5); // 2 + 3
    expect(kpis.sentiment.neutral).toBe(3); // 2 + 1
    expect(kpis.sentiment.positiveShare).toBeCloseTo((7 / 15) * 100, 12); // 46.67
    expect(kpis.sentiment.net).toBeCloseTo(((7 - 5) / (7 + 5)) * 100, 12); // 16.67
    expect(kpis.sentiment.meanScore).toBeCloseTo((2.5 - 1) / 15, 12); // 0.1
    expect(kpis.support.inbound).toBe(7); // (1 + 2 + 0) + (2 + 1 + 1)
    expect(kpis.support.peakHour).toEqual({ hour: '2024-03-11T11:00:00.000Z', count: 4 });
  });

  it('splits mention volume by network, every network listed (volume.byPlatform)', () => {
    const split = [
      rollup('2024-03-11T10:00:00Z', { count: 10, byPlatform: { x: 7, bluesky: 3 } }),
      rollup('2024-03-11T10:15:00Z', { count: 4, byPlatform: { x: 1, mastodon: 3 } }),
      // outside the range, and a network the report does not list
      rollup('2024-03-12T00:00:00Z', { count: 9, byPlatform: { bluesky: 9 } }),
      rollup('2024-03-11T12:00:00Z', { count: 2, byPlatform: { youtube: 2 } }),
    ];
    const kpis = listeningKpis(split, range, 'UTC', ['x', 'bluesky', 'mastodon']);
    expect(kpis.volume.byPlatform).toEqual({ x: 8, bluesky: 3, mastodon: 3 }); // 7 + 1; 3; 3
    expect(listeningKpis([], range, 'UTC', ['x', 'bluesky']).volume.byPlatform).toEqual({ x: 0, bluesky: 0 });
  });

  it('counts private care messages (WhatsApp) as inbound support only', () => {
    const rows = [
      rollup('2024-03-11T10:00:00Z', {
        count: 4,
        positive: 1,
        negative: 3,
        scoreSum: -1,
        support: 1,
        complaint: 1,
        byPlatform: { x: 4 },
        privateInbound: 3,
      }),
      rollup('2024-03-11T11:00:00Z', { privateInbound: 2 }),
    ];
    const kpis = listeningKpis(rows, range, 'UTC', ['x']);
    expect(kpis.volume).toEqual({ mentions: 4, byPlatform: { x: 4 } });
    expect(kpis.sentiment.positiveShare).toBe(25); // 1 / 4: the 5 private messages are not in it
    expect(kpis.support.inbound).toBe(7); // (1 + 1 + 3) + 2
    expect(kpis.support.peakHour).toEqual({ hour: '2024-03-11T10:00:00.000Z', count: 5 });
  });

  it('is null, never NaN, with no mentions', () => {
    const kpis = listeningKpis([], range, 'UTC');
    expect(kpis.volume.mentions).toBe(0);
    expect(kpis.sentiment).toEqual({ positive: 0, negative: 0, neutral: 0, positiveShare: null, net: null, meanScore: null });
    expect(kpis.support).toEqual({ inbound: 0, peakHour: null });
  });

  it('has no net sentiment when every mention is neutral', () => {
    const kpis = listeningKpis([rollup('2024-03-11T10:00:00Z', { count: 4, neutral: 4 })], range, 'UTC');
    expect(kpis.sentiment.net).toBeNull();
    expect(kpis.sentiment.positiveShare).toBe(0);
  });

  it('net sentiment spans −100 … 100', () => {
    expect(netSentiment(0, 3)).toBe(-100);
    expect(netSentiment(3, 0)).toBe(100);
    expect(netSentiment(3, 1)).toBe(50); // (3 - 1) / (3 + 1) * 100
  });

  describe('peak support hour', () => {
    it('reports the local hour in America/Sao_Paulo', () => {
      const peak = peakSupportHour(
        [rollup('2024-03-11T02:00:00Z', { support: 3 }), rollup('2024-03-11T03:00:00Z', { question: 2 })],
        range,
        'America/Sao_Paulo',
      );
      // 02:00Z is 23:00 on the 10th in São Paulo
      expect(peak).toEqual({ hour: '2024-03-10T23:00:00.000-03:00', count: 3 });
    });

    it('sums quarter-hour rollups into Asia/Kolkata hours that start at :30 UTC', () => {
      const rows = [
        rollup('2024-03-11T09:30:00Z', { support: 2 }),
        rollup('2024-03-11T09:45:00Z', { complaint: 1 }),
        rollup('2024-03-11T10:00:00Z', { support: 2 }),
        rollup('2024-03-11T10:15:00Z', { question: 1 }),
        rollup('2024-03-11T10:30:00Z', { support: 4 }),
        rollup('2024-03-11T10:45:00Z', { support: 1 }),
      ];
      // 15:00-16:00 IST = 09:30Z-10:30Z: 2 + 1 + 2 + 1 = 6; 16:00 IST: 4 + 1 = 5.
      // By UTC hours it would be 09:00Z = 3 and 10:00Z = 8.
      expect(peakSupportHour(rows, range, 'Asia/Kolkata')).toEqual({ hour: '2024-03-11T15:00:00.000+05:30', count: 6 });
    });

    it('puts a UTC-hour rollup in the Kolkata hour that contains its start', () => {
      expect(peakSupportHour([rollup('2024-03-11T10:00:00Z', { support: 1 })], range, 'Asia/Kolkata')).toEqual({
        hour: '2024-03-11T15:00:00.000+05:30', // 10:00Z = 15:30 IST
        count: 1,
      });
    });

    it('picks the earliest hour on a tie', () => {
      const rows = [rollup('2024-03-11T15:00:00Z', { support: 2 }), rollup('2024-03-11T09:00:00Z', { complaint: 2 })];
      expect(peakSupportHour(rows, range, 'UTC')?.hour).toBe('2024-03-11T09:00:00.000Z');
    });
  });
});
