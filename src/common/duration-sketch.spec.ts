import { addToSketch, DurationSketch, mergeSketch, sketchCount, sketchKey, sketchPercentile, sketchValue } from './duration-sketch';

/** The exact type-7 percentile (as reports/kpis/statistics computes it; common may not import reports). */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = ((s.length - 1) * p) / 100;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
}

const sketchOf = (values: number[]): DurationSketch => values.reduce((s, v) => addToSketch(s, v), {} as DurationSketch);

describe('duration sketch (log-scale histogram, α = 0.5 %)', () => {
  it.each([
    [1, 1],
    [60, 60],
    [7200, 7200],
    [86_400 * 30, 86_400 * 30],
  ])('reads %p s back within 0.5 %', (seconds, expected) => {
    const back = sketchValue(sketchKey(seconds));
    expect(Math.abs(back - expected) / expected).toBeLessThanOrEqual(0.005);
  });

  it('keeps zero exact and in its own bucket', () => {
    expect(sketchKey(0)).toBe('z');
    expect(sketchValue('z')).toBe(0);
    expect(sketchPercentile(sketchOf([0, 0, 0]), 50)).toBe(0);
  });

  it.each([
    // values, p, exact (hand-computed, type 7): rank h = (n − 1) × p / 100
    [[100], 50, 100],
    [[100, 300], 50, 200], // h = 0.5: 100 + 0.5 × 200
    [[60, 120, 180, 240, 3600], 90, 2256], // h = 3.6: 240 + 0.6 × 3360
    [[10, 20, 30, 40], 50, 25], // h = 1.5
    [[0, 7200], 50, 3600],
  ])('percentile of %p at p%p ≈ %p (within 0.5 %)', (values, p, exact) => {
    const got = sketchPercentile(sketchOf(values), p)!;
    expect(percentile(values, p)).toBeCloseTo(exact, 9);
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(0.005 * exact + 1e-9);
  });

  it('merges sketches as if the values had been added to one', () => {
    const a = sketchOf([30, 90, 400]);
    const b = sketchOf([90, 5000]);
    const merged = mergeSketch(mergeSketch({}, a), b);
    expect(merged).toEqual(sketchOf([30, 90, 400, 90, 5000]));
    expect(sketchCount(merged)).toBe(5);
  });

  it('answers null for no values and refuses a percentile outside 0 … 100', () => {
    expect(sketchPercentile({}, 50)).toBeNull();
    expect(() => sketchPercentile(sketchOf([1]), 101)).toThrow(RangeError);
  });

  it('stays within 0.5 % of the exact p50 and p90 of 10,000 skewed durations', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const values = Array.from({ length: 10_000 }, () => Math.round(-Math.log(1 - rand()) * 3600));
    const s = sketchOf(values);
    for (const p of [50, 90]) {
      const exact = percentile(values, p);
      expect(Math.abs(sketchPercentile(s, p)! - exact) / exact).toBeLessThanOrEqual(0.005);
    }
  });
});
