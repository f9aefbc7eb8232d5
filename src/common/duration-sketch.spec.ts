import {
  addToSketch,
  DurationSketch,
  mergeSketch,
  packSketch,
  sketchCount,
  sketchKey,
  sketchPercentile,
  sketchValue,
  unpackSketch,
} from './duration-sketch';

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

describe('packed sketches (hour and day care rows)', () => {
  // A seeded generator: the same durations on every run.
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const durations = (n: number, scale: number) =>
    Array.from({ length: n }, () => (rand() < 0.05 ? 0 : rand() < 0.1 ? rand() * 0.5 : Math.floor(rand() * scale * 1000) / 1000));

  it.each([
    { name: 'empty', days: [[]] },
    { name: 'zeros and sub-second waits', days: [[0, 0, 0.0005, 0.2, 0.9]] },
    { name: 'a day of first responses (up to 6 h)', days: [durations(300, 6 * 3600)] },
    { name: 'ninety days of resolutions (up to 20 h)', days: Array.from({ length: 90 }, () => durations(250, 20 * 3600)) },
    { name: 'months-long waits beside instant ones', days: [durations(50, 90 * 86_400), [0, 0, 1e-4]] },
  ])('$name: merging the packed rows equals merging the plain ones', ({ days }) => {
    const plain = days.map((values) => sketchOf(values));
    const fromPlain: DurationSketch = {};
    for (const s of plain) mergeSketch(fromPlain, s);
    const fromPacked: DurationSketch = {};
    for (const s of plain) {
      const packed = packSketch(s);
      expect(packed).toBeInstanceOf(Uint8Array);
      mergeSketch(fromPacked, packed);
    }
    // Bucket by bucket (keys as the plain form names them), and so every percentile
    expect({ ...fromPacked }).toEqual({ ...fromPlain });
    for (const p of [0, 50, 90, 100]) expect(sketchPercentile(fromPacked, p)).toBe(sketchPercentile(fromPlain, p));
    expect(sketchCount(fromPacked)).toBe(days.flat().length);
    for (const s of plain) {
      expect(unpackSketch(packSketch(s) as Uint8Array)).toEqual(Object.fromEntries(Object.entries(s).filter(([, n]) => n > 0)));
    }
  });

  it('reads packed bytes at any offset (a BSON binary inside a larger buffer)', () => {
    const s = sketchOf([0, 1, 60, 7200]);
    const packed = packSketch(s) as Uint8Array;
    const inside = Buffer.concat([Buffer.alloc(3), packed]).subarray(3);
    expect(unpackSketch(inside)).toEqual(s);
  });

  it('mixes plain and packed rows (span rows written before packing)', () => {
    const a = sketchOf([1, 2, 3]);
    const b = sketchOf([2, 3, 4, 0]);
    expect(mergeSketch(mergeSketch({}, a), packSketch(b))).toEqual(mergeSketch(mergeSketch({}, a), b));
  });

  it('keeps the plain form when a bucket or a count does not fit an int32', () => {
    const huge: DurationSketch = { '812': 2 ** 31, z: 1 };
    expect(packSketch(huge)).toBe(huge);
    expect(packSketch({ '812': 1.5 })).toEqual({ '812': 1.5 });
    expect(packSketch({ '812': 3, z: 2 })).toBeInstanceOf(Uint8Array);
  });
});
