/**
 * Snowflake ids as X mints them: milliseconds since the X epoch in the high bits, then a 10-bit worker and
 * a 12-bit sequence. Ids therefore sort by creation time, which since_id / until_id pagination relies on,
 * and twitter-api-v2 converts start_time to a since_id with the same formula.
 */
export const X_EPOCH_MS = 1288834974657n;

export function snowflakeId(createdAtMs: number, worker = 0, sequence = 0): string {
  const ms = BigInt(Math.floor(createdAtMs));
  if (ms < X_EPOCH_MS) throw new RangeError('snowflake ids start at 2010-11-04 (the X epoch)');
  return (((ms - X_EPOCH_MS) << 22n) | (BigInt(worker & 0x3ff) << 12n) | BigInt(sequence & 0xfff)).toString();
}

/** The creation time encoded in a snowflake id. */
export function snowflakeTime(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + X_EPOCH_MS));
}

/** The smallest snowflake id minted at or after the given time (what "since this time" means in ids). */
export function firstSnowflakeAt(ms: number): bigint {
  return (BigInt(Math.floor(ms)) - X_EPOCH_MS) << 22n;
}

export function isSnowflakeLike(value: string): boolean {
  return /^[0-9]{1,19}$/.test(value);
}
