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
