import { rollup } from './row-builders-spec';
import { MentionRollupRow } from './rows';
import { detectSpike, negativeShareSpike, populationStd, volumeSpike } from './spikes';

const HOUR_MS = 3_600_000;
const hour = new Date('2024-03-11T12:00:00Z');
const hoursBefore = (n: number) => new Date(hour.getTime() - n * HOUR_MS).toISOString();

/** The 168 hours before `hour`, with a count computed from how many hours before it they are. */
function week(values: (hoursAgo: number) => Partial<MentionRollupRow> | null): MentionRollupRow[] {
  const rows: MentionRollupRow[] = [];
  for (let ago = 1; ago <= 168; ago += 1) {
    const v = values(ago);
    if (v) rows.push(rollup(hoursBefore(ago), v));
  }
  return rows;
}

describe('detectSpike', () => {
  const history = [2, 4, 4, 4, 5, 5, 7, 9]; // mean 5, population std 2

  it('uses the population standard deviation', () => {
    expect(populationStd(history)).toBe(2); // sqrt((9 + 1 + 1 + 1 + 0 + 0 + 4 + 16) / 8) = sqrt(4)
    // threshold 5 + 3 × 2 = 11; the sample std (2.14) would put it at 11.41 and miss 11.2
    expect(detectSpike(11.2, history, { minHistory: 8 })).toEqual({
      spike: true,
      value: 11.2,
      threshold: 11,
      mean: 5,
      std: 2,
      historyPoints: 8,
    });
  });

  it('needs the value strictly above mean + k × std', () => {
    expect(detectSpike(11, history, { minHistory: 8 }).spike).toBe(false);
    expect(detectSpike(9.5, history, { minHistory: 8, k: 2 }).spike).toBe(true); // 5 + 2 × 2 = 9
  });

  it('does not alert before the minimum history', () => {
    const check = detectSpike(100, history); // 8 points < 24
    expect(check.spike).toBe(false);
    expect(check.threshold).toBeNull();
  });

  it('honours a floor for flat histories', () => {
    const flat = Array.from({ length: 24 }, () => 0);
    expect(detectSpike(1, flat).spike).toBe(true); // 0 + 3 × 0 = 0 < 1
    expect(detectSpike(1, flat, { minValue: 5 }).spike).toBe(false);
  });
});

describe('volumeSpike', () => {
  it('compares the hour with the trailing week', () => {
    // alternating 8 and 12 mentions: mean 10, std 2, threshold 16
    const rows = week((ago) => ({ count: ago % 2 === 0 ? 8 : 12 }));
    expect(volumeSpike([...rows, rollup(hour.toISOString(), { count: 17 })], hour)).toMatchObject({
      spike: true,
      threshold: 16,
      historyPoints: 168,
    });
    expect(volumeSpike([...rows, rollup(hour.toISOString(), { count: 16 })], hour).spike).toBe(false);
  });

  it('counts hours without mentions as 0', () => {
    // 10 every other hour, nothing between: 84 × 10 and 84 × 0: mean 5, std 5, threshold 20
    const rows = week((ago) => (ago % 2 === 0 ? { count: 10 } : null));
    expect(volumeSpike([...rows, rollup(hour.toISOString(), { count: 21 })], hour)).toMatchObject({ spike: true, threshold: 20 });
  });

  it('sums quarter-hour rollups into the hour', () => {
    const rows = week(() => ({ count: 10 })); // flat 10: threshold 10
    const quarters = [0, 15, 30, 45].map((m) => rollup(new Date(hour.getTime() + m * 60_000).toISOString(), { count: 3 }));
    expect(volumeSpike([...rows, ...quarters], hour)).toMatchObject({ spike: true, value: 12, threshold: 10 });
  });

  it('ignores hours before the topic started', () => {
    const rows = week(() => ({ count: 10 }));
    const current = rollup(hour.toISOString(), { count: 50 });
    expect(volumeSpike([...rows, current], hour, { since: new Date(hoursBefore(30)) })).toMatchObject({ spike: true, historyPoints: 30 });
    expect(volumeSpike([...rows, current], hour, { since: new Date(hoursBefore(10)) })).toMatchObject({
      spike: false,
      threshold: null,
      historyPoints: 10,
    });
  });
});

describe('negativeShareSpike', () => {
  // 20 mentions an hour, 2 or 6 negative: 10 % and 30 %, mean 20, std 10, threshold 50
  const rows = week((ago) => ({ count: 20, negative: ago % 2 === 0 ? 2 : 6 }));

  it('alerts when the negative share jumps', () => {
    const check = negativeShareSpike([...rows, rollup(hour.toISOString(), { count: 20, negative: 11 })], hour);
    expect(check).toMatchObject({ spike: true, value: 55, threshold: 50 }); // 11 / 20 × 100
  });

  it('needs enough mentions in the hour', () => {
    const check = negativeShareSpike([...rows, rollup(hour.toISOString(), { count: 8, negative: 8 })], hour);
    expect(check.value).toBe(100);
    expect(check.spike).toBe(false); // 8 < 10 mentions
  });

  it('leaves hours without mentions out of the history', () => {
    const sparse = week((ago) => (ago <= 30 ? { count: 20, negative: ago % 2 === 0 ? 2 : 6 } : null));
    expect(negativeShareSpike([...sparse, rollup(hour.toISOString(), { count: 20, negative: 11 })], hour)).toMatchObject({
      spike: true,
      historyPoints: 30,
      mean: 20,
    });
    expect(negativeShareSpike(sparse, hour).value).toBeNull();
  });
});
