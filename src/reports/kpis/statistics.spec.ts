import { mean, median, percent, percentile, perThousand, ratio, summarizeDurations } from './statistics';

describe('ratios', () => {
  it('are null, never NaN or Infinity, on a zero denominator', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(percent(3, 0)).toBeNull();
    expect(perThousand(3, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(mean([])).toBeNull();
  });

  it('keep full precision and round results round', () => {
    expect(percent(1, 3)).toBeCloseTo(33.333333333333336, 12);
    expect(percent(11, 20)).toBe(55);
    expect(perThousand(5, 250)).toBe(20);
  });
});

describe('percentile (linear interpolation between closest ranks)', () => {
  it('interpolates between ranks', () => {
    // sorted 10, 20, 30, 40: rank (4 − 1) × 0.9 = 2.7 → 30 + 0.7 × (40 − 30) = 37
    expect(percentile([40, 10, 30, 20], 90)).toBeCloseTo(37, 12);
    expect(median([40, 10, 30, 20])).toBe(25); // (20 + 30) / 2
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 90)).toBeNull();
    expect(percentile([1, 2], 0)).toBe(1);
    expect(percentile([1, 2], 100)).toBe(2);
  });

  it('summarises durations', () => {
    // sorted 60, 120, 180, 240, 3000: mean 3600 / 5 = 720; rank 4 × 0.9 = 3.6 → 240 + 0.6 × 2760 = 1896
    expect(summarizeDurations([3000, 60, 240, 120, 180])).toEqual({ mean: 720, median: 180, p90: 1896 });
  });

  it('refuses a percentile outside 0 … 100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});
