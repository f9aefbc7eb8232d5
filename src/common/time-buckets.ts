const HOUR_MS = 3_600_000;

/**
 * Mention rollups count 15-minute slots: every IANA offset is a multiple of 15 minutes, so a slot
 * never straddles a local hour (or day) boundary in any zone, and a report in Asia/Kolkata
 * (+05:30) or Asia/Kathmandu (+05:45) is as exact as one in São Paulo.
 */
export const ROLLUP_SLOT_MS = 15 * 60_000;

/** The start of the 15-minute UTC slot containing `d` (a rollup row's `hour`). */
export function startOfRollupSlot(d: Date): Date {
  return new Date(Math.floor(d.getTime() / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS);
}

/** The start of the UTC hour containing `d`. */
export function startOfUtcHour(d: Date): Date {
  return new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);
}

/** How long a stored rollup row counts: a 15-minute slot, a UTC hour or a UTC day. */
export type RollupSpan = 'slot' | 'hour' | 'day';

export const ROLLUP_SPAN_MS: Record<RollupSpan, number> = { slot: ROLLUP_SLOT_MS, hour: HOUR_MS, day: 24 * HOUR_MS };

/** The start of the UTC span containing `d` (every span is a whole number of slots). */
export function startOfRollupSpan(span: RollupSpan, d: Date): Date {
  const ms = ROLLUP_SPAN_MS[span];
  return new Date(Math.floor(d.getTime() / ms) * ms);
}

/** Rows of one span to read: those starting in [from, to). */
export interface RollupPiece {
  span: RollupSpan;
  from: Date;
  to: Date;
}

/**
 * The fewest rollup rows that hold exactly the slots starting in [from, to) (a report counts a
 * slot when it starts in its range): whole UTC days in the middle, whole UTC hours beside them,
 * 15-minute slots at the ends. A range of any length reads at most 2 × (3 + 23) rows besides its
 * days, per scope and network. UTC spans, not local ones: a day of Asia/Kolkata starts at 18:30Z,
 * so its edges are slots and hours, and every local hour and day stays exact (`inboundBySlot`
 * keeps what the peak hour needs inside an hour or day row).
 */
export function rollupCover(from: Date, to: Date): RollupPiece[] {
  const ceil = (t: number, ms: number) => Math.ceil(t / ms) * ms;
  const floor = (t: number, ms: number) => Math.floor(t / ms) * ms;
  // The slots counted are those starting in [a, b), both slot marks.
  const a = ceil(from.getTime(), ROLLUP_SLOT_MS);
  const b = ceil(to.getTime(), ROLLUP_SLOT_MS);
  const pieces: RollupPiece[] = [];
  const add = (span: RollupSpan, s: number, e: number) => {
    if (s < e) pieces.push({ span, from: new Date(s), to: new Date(e) });
  };
  const h0 = ceil(a, HOUR_MS);
  const h1 = floor(b, HOUR_MS);
  if (h0 >= h1) {
    add('slot', a, b);
    return pieces;
  }
  const d0 = ceil(h0, ROLLUP_SPAN_MS.day);
  const d1 = floor(h1, ROLLUP_SPAN_MS.day);
  add('slot', a, h0);
  if (d0 >= d1) add('hour', h0, h1);
  else {
    add('hour', h0, d0);
    add('day', d0, d1);
    add('hour', d1, h1);
  }
  add('slot', h1, b);
  return pieces;
}
