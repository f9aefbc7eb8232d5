/**
 * The collectors' one retry policy for a social API call, whatever the client library: a rate
 * limit is waited out until the reset the API announced (at most 10 times), a transient failure
 * (5xx, timeout, network) is retried with exponential back-off from 0.5 s (at most 5 times), any
 * other error is thrown. Each library reports these its own way, so each collector classifies.
 */

const MAX_TRANSIENT_RETRIES = 5;
const MAX_RATE_LIMIT_WAITS = 10;

/** How a collector reads an error: wait until a reset, back off and retry, or give up. */
export type FailureKind = { rateLimitedUntil: number | null } | 'transient' | 'fatal';

export interface RetryHooks {
  /** Longest wait for a rate-limit reset (the API's window, plus a little). */
  maxRateLimitWaitMs: number;
  /** First back-off after a transient failure, doubled each time (0.5 s unless given; tests shorten it). */
  transientBaseMs?: number;
  /** Called before each wait, to log it and keep a lease alive. */
  waiting(reason: 'rate-limit' | 'transient', info: { waitMs: number; attempt: number; err: unknown }): Promise<void> | void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long to wait for a reset at `until` (epoch ms); a minute when the API did not say. */
export function rateLimitWaitMs(until: number | null, maxMs: number, now = Date.now()): number {
  const ms = until !== null && Number.isFinite(until) ? until - now + 500 : 60_000;
  return Math.max(500, Math.min(ms, maxMs));
}

export async function withRetryPolicy<T>(run: () => Promise<T>, classify: (err: unknown) => FailureKind, hooks: RetryHooks): Promise<T> {
  let transient = 0;
  let rateLimited = 0;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      const kind = classify(err);
      if (typeof kind === 'object' && rateLimited < MAX_RATE_LIMIT_WAITS) {
        rateLimited++;
        const waitMs = rateLimitWaitMs(kind.rateLimitedUntil, hooks.maxRateLimitWaitMs);
        await hooks.waiting('rate-limit', { waitMs, attempt: rateLimited, err });
        await sleep(waitMs);
        continue;
      }
      if (kind === 'transient' && transient < MAX_TRANSIENT_RETRIES) {
        transient++;
        const waitMs = Math.min(30_000, (hooks.transientBaseMs ?? 500) * 2 ** (transient - 1));
        await hooks.waiting('transient', { waitMs, attempt: transient, err });
        await sleep(waitMs);
        continue;
      }
      throw err;
    }
  }
}
