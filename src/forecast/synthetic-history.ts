import { prng } from '../common/prng';
import type { HourPoint } from './forecast-model';

/**
 * A seeded synthetic inbound-support history with a known shape, for the forecast's evaluation
 * (`npm run eval:forecast`), its unit test and the demo: counts per hour drawn from a Poisson law
 * whose mean is level × weekday factor × hour-of-day curve, with a slow trend and, optionally, one
 * holiday (a quiet day) to show the model shrugs it off.
 */

/** Mulberry32 (src/common/prng.ts): a tiny, well-known seeded PRNG (uniform in [0, 1)). */
export const seededRandom: (seed: number) => () => number = prng;

/** A Poisson draw: Knuth's product method below 30, a rounded normal above (enough for counts). */
export function poisson(mean: number, rand: () => number): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rand();
    while (p > limit) {
      k++;
      p *= rand();
    }
    return k;
  }
  const u = Math.max(rand(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  return Math.max(0, Math.round(mean + z * Math.sqrt(mean)));
}

/** Monday … Sunday: busy Mondays, quiet weekends. */
export const WEEKDAY_FACTORS = [1.25, 1.1, 1.05, 1.0, 0.95, 0.55, 0.45];

/** Hour-of-day shape (local): quiet nights, a morning peak around 10:00 and an evening one around 20:00. */
export function hourOfDayFactor(hour: number): number {
  const morning = Math.exp(-((hour - 10.5) ** 2) / 6);
  const evening = 0.7 * Math.exp(-((hour - 20) ** 2) / 5);
  return 0.12 + morning + evening;
}

export interface SyntheticOptions {
  weeks: number;
  /** Mean messages per hour over a week. */
  meanPerHour: number;
  seed: number;
  /** Growth per week (0.02 = 2 %). */
  weeklyGrowth?: number;
  /** Day indexes (from the start) that are holidays: volume × 0.3. */
  holidays?: number[];
}

/** The expected count for hour `i` from the start (the history starts on a Monday at 00:00). */
export function syntheticMean(i: number, o: SyntheticOptions): number {
  const day = Math.floor(i / 24);
  const norm =
    (WEEKDAY_FACTORS.reduce((s, v) => s + v, 0) / 7) *
    (Array.from({ length: 24 }, (_, h) => hourOfDayFactor(h)).reduce((s, v) => s + v, 0) / 24);
  const growth = Math.pow(1 + (o.weeklyGrowth ?? 0), i / 168);
  const holiday = o.holidays?.includes(day) ? 0.3 : 1;
  return (o.meanPerHour * growth * holiday * WEEKDAY_FACTORS[day % 7] * hourOfDayFactor(i % 24)) / norm;
}

/** `weeks` weeks of hourly counts starting on a Monday at 00:00 (hour of week 0). */
export function syntheticHistory(o: SyntheticOptions): HourPoint[] {
  const rand = seededRandom(o.seed);
  return Array.from({ length: o.weeks * 168 }, (_, i) => ({ how: i % 168, y: poisson(syntheticMean(i, o), rand) }));
}
