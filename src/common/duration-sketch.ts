/**
 * A compact, mergeable histogram of durations on a fixed logarithmic scale, for the care KPIs'
 * percentiles from 15-minute rollups (first response and resolution times).
 *
 * Bucket k holds the values x with γ^(k−1) < x ≤ γ^k, γ = (1 + α) / (1 − α), and stands for
 * 2γ^k / (γ + 1): every positive value is read back within a relative error α (0.5 %). This is
 * DDSketch's logarithmic mapping (Masson, Rim & Lee, VLDB 2019); the buckets are stored as the
 * plain fields of a rollup document (`{ "812": 3 }`) so a case change can rewrite them with the
 * rest of its slot. A library sketch (t-digest, @datadog/sketches-js) keeps its own binary state,
 * which a database document cannot update or sum per field, hence this small one.
 *
 * Percentiles interpolate between the ranks' bucket values exactly as `percentile` does between
 * the values themselves (Hyndman & Fan type 7), so a percentile read here is within α of the exact
 * one: a weighted mean of values each within α stays within α. Zero (an instant answer) has its
 * own bucket and is exact. Durations from 1 ms to centuries take about 4,000 possible buckets; a
 * slot holds only those of its few cases.
 */
export type DurationSketch = Record<string, number>;

/** Relative accuracy of every value read back from a sketch. */
export const SKETCH_RELATIVE_ACCURACY = 0.005;
const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
const ZERO = 'z';
/** Values at or below 1 ms count as zero: no duration the care KPIs report is that short. */
const MIN_VALUE = 0.001;

/** The bucket a duration in seconds falls in. */
export function sketchKey(seconds: number): string {
  if (!(seconds > MIN_VALUE)) return ZERO;
  return String(Math.ceil(Math.log(seconds) / LOG_GAMMA));
}

/** The value a bucket stands for. */
export function sketchValue(key: string): number {
  if (key === ZERO) return 0;
  return (2 * Math.pow(GAMMA, Number(key))) / (GAMMA + 1);
}

/** Adds `count` observations of `seconds` to the sketch (in place). */
export function addToSketch(sketch: DurationSketch, seconds: number, count = 1): DurationSketch {
  const key = sketchKey(seconds);
  sketch[key] = (sketch[key] ?? 0) + count;
  return sketch;
}

/**
 * A sketch as an hour or day care row stores it (`packSketch`): its (bucket, count) pairs as
 * little-endian int32s, the zero bucket's key as INT32_MIN. A day row's sketches hold a few hundred
 * buckets each; stored as document fields, every report decoded each bucket's name and value from
 * BSON into a fresh object per row, most of what a 90-day overview spent beyond a 7-day one. As
 * one binary field a row's sketch is a byte copy to encode and decode (8 bytes a bucket against
 * 13 as a field), and merging it reads numbers. Slots keep the plain form (few buckets each).
 */
export type PackedSketch = Uint8Array;

/** A sketch as a row holds it: plain (a slot, or a span row written before `PackedSketch`) or packed. */
export type StoredSketch = DurationSketch | PackedSketch;

const PAIR_BYTES = 8;
const ZERO_CODE = -0x80000000;
const isInt32 = (n: number) => Number.isInteger(n) && n > ZERO_CODE && n <= 0x7fffffff;

/**
 * The packed form of a sketch (its empty buckets left out); the plain form itself in the unlikely
 * case a bucket or a count does not fit an int32 (readers take either).
 */
export function packSketch(sketch: DurationSketch): Buffer | DurationSketch {
  const keys = Object.keys(sketch).filter((k) => sketch[k] > 0);
  const out = Buffer.alloc(keys.length * PAIR_BYTES);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] === ZERO ? ZERO_CODE : Number(keys[i]);
    const n = sketch[keys[i]];
    if ((key !== ZERO_CODE && !isInt32(key)) || !isInt32(n)) return sketch;
    out.writeInt32LE(key, i * PAIR_BYTES);
    out.writeInt32LE(n, i * PAIR_BYTES + 4);
  }
  return out;
}

/** The plain form of a packed sketch. */
export function unpackSketch(packed: PackedSketch): DurationSketch {
  return mergeSketch({}, packed);
}

function mergePacked(into: DurationSketch, packed: PackedSketch): void {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let at = 0; at + PAIR_BYTES <= packed.byteLength; at += PAIR_BYTES) {
    const key = view.getInt32(at, true);
    const n = view.getInt32(at + 4, true);
    if (!n) continue;
    // An integer key indexes the object as its decimal string would: the same bucket as a plain sketch's.
    const k = key === ZERO_CODE ? ZERO : (key as unknown as string);
    into[k] = (into[k] ?? 0) + n;
  }
}

/** Sums sketches, plain or packed, into `into` (in place). */
export function mergeSketch(into: DurationSketch, other: StoredSketch | null | undefined): DurationSketch {
  if (!other) return into;
  if (other instanceof Uint8Array) {
    mergePacked(into, other);
    return into;
  }
  // for…in rather than Object.entries: a report merges a sketch per day row, and the pairs' arrays were most of that time
  for (const k in other) {
    const n = other[k];
    if (n) into[k] = (into[k] ?? 0) + n;
  }
  return into;
}

export function sketchCount(sketch: DurationSketch): number {
  let n = 0;
  for (const c of Object.values(sketch)) n += c;
  return n;
}

/**
 * The p-th percentile (0 … 100) by linear interpolation between closest ranks, as
 * `statistics.percentile` computes it over the values; `null` for an empty sketch.
 */
export function sketchPercentile(sketch: DurationSketch, p: number): number | null {
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0 … 100, got ${p}`);
  const buckets = Object.entries(sketch)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => ({ value: sketchValue(k), n }))
    .sort((a, b) => a.value - b.value);
  let total = 0;
  for (const b of buckets) total += b.n;
  if (total === 0) return null;
  const h100 = (total - 1) * p;
  const lower = Math.floor(h100 / 100);
  const upper = Math.min(lower + 1, total - 1);
  const at = (rank: number): number => {
    let seen = 0;
    for (const b of buckets) {
      seen += b.n;
      if (rank < seen) return b.value;
    }
    return buckets[buckets.length - 1].value;
  };
  const lo = at(lower);
  return lo + ((h100 - lower * 100) * (at(upper) - lo)) / 100;
}
