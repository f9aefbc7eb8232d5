import { runPipeline } from './query-language';

function project(dates: string[], expr: object): unknown[] {
  const docs = dates.map((d) => ({ d: new Date(d) }));
  return runPipeline(docs, [{ $project: { _id: 0, v: expr } }])
    .collect<{ v: unknown }>()
    .map((r) => r.v);
}

const iso = (v: unknown): string => (v as Date).toISOString();

describe('time zone aware date operators', () => {
  it('$dateTrunc by day in America/Sao_Paulo gives local midnight (03:00Z)', () => {
    const out = project(['2024-03-10T02:00:00Z', '2024-03-10T05:00:00Z', '2024-03-10T02:59:59Z', '2024-03-10T03:00:00Z'], {
      $dateTrunc: { date: '$d', unit: 'day', timezone: 'America/Sao_Paulo' },
    });
    expect(out.map(iso)).toEqual([
      '2024-03-09T03:00:00.000Z',
      '2024-03-10T03:00:00.000Z',
      '2024-03-09T03:00:00.000Z',
      '2024-03-10T03:00:00.000Z',
    ]);
  });

  it('$dateTrunc follows daylight saving time (New York, March 2024)', () => {
    const out = project(['2024-03-10T04:59:00Z', '2024-03-10T12:00:00Z', '2024-03-11T12:00:00Z'], {
      $dateTrunc: { date: '$d', unit: 'day', timezone: 'America/New_York' },
    });
    // Midnight of 9 March is EST (-05:00); midnight of 10 and 11 March: -05:00 then -04:00.
    expect(out.map(iso)).toEqual(['2024-03-09T05:00:00.000Z', '2024-03-10T05:00:00.000Z', '2024-03-11T04:00:00.000Z']);
  });

  it('$dateTrunc handles weeks, months, bins, hours and UTC names', () => {
    const [week] = project(['2024-05-15T12:00:00Z'], { $dateTrunc: { date: '$d', unit: 'week', startOfWeek: 'monday' } });
    expect(iso(week)).toBe('2024-05-13T00:00:00.000Z');
    const [month] = project(['2024-05-01T01:00:00Z'], { $dateTrunc: { date: '$d', unit: 'month', timezone: 'America/Sao_Paulo' } });
    expect(iso(month)).toBe('2024-04-01T03:00:00.000Z');
    const [quarter] = project(['2024-05-15T12:00:00Z'], { $dateTrunc: { date: '$d', unit: 'quarter', timezone: 'UTC' } });
    expect(iso(quarter)).toBe('2024-04-01T00:00:00.000Z');
    const [hour] = project(['2024-05-15T12:47:00Z'], { $dateTrunc: { date: '$d', unit: 'hour', timezone: 'Asia/Kolkata' } });
    expect(iso(hour)).toBe('2024-05-15T12:30:00.000Z');
    const [bins] = project(['2024-05-15T12:47:00Z'], { $dateTrunc: { date: '$d', unit: 'minute', binSize: 15 } });
    expect(iso(bins)).toBe('2024-05-15T12:45:00.000Z');
  });

  it('extractors and $dateToString use the offset in force at that instant, any zone name', () => {
    expect(project(['2024-03-10T02:00:00Z'], { $hour: { date: '$d', timezone: 'America/Sao_Paulo' } })).toEqual([23]);
    expect(project(['2024-01-15T12:00:00Z'], { $hour: { date: '$d', timezone: 'America/Argentina/Buenos_Aires' } })).toEqual([9]);
    expect(
      project(['2024-07-01T12:00:00Z'], { $dateToString: { date: '$d', format: '%Y-%m-%d %H:%M', timezone: 'Europe/Lisbon' } }),
    ).toEqual(['2024-07-01 13:00']);
    expect(project(['2024-07-01T12:00:00Z'], { $dayOfMonth: { date: '$d', timezone: 'UTC' } })).toEqual([1]);
  });

  it('$dateFromParts reads the parts as local time in the zone', () => {
    const [d] = project(['2024-01-01T00:00:00Z'], { $dateFromParts: { year: 2024, month: 7, day: 1, timezone: 'America/New_York' } });
    expect(iso(d)).toBe('2024-07-01T04:00:00.000Z');
  });

  it('rejects an unknown zone with MongoDB error 40485', () => {
    expect(() => project(['2024-01-01T00:00:00Z'], { $dateTrunc: { date: '$d', unit: 'day', timezone: 'Mars/Olympus' } })).toThrow(
      expect.objectContaining({ code: 40485 }),
    );
  });
});
