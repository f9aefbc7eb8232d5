import type { Logger } from '@nestjs/common';
import { AtpAgent, XRPCError } from '@atproto/api';
import type { CollectContext } from '../collector';
import { NetworkApiError } from '../network-error';
import { withRetryPolicy } from '../retry-policy';
import type { BlueskyAgents } from './bluesky-agent';

/** Bluesky's rate-limit windows are 5 minutes (per-IP reads: 3,000 per 5 minutes). */
export const MAX_RATE_LIMIT_WAIT_MS = 6 * 60_000;

/** When a 429's window ends, in epoch ms: Bluesky's `ratelimit-reset` is in epoch seconds. */
export function rateLimitResetOf(err: XRPCError): number | null {
  const reset = Number(err.headers?.['ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : null;
}

/**
 * `@atproto/xrpc`'s XRPCInvalidResponseError (a 200 whose body is not the method's output), which
 * `@atproto/api` does not re-export: known by the fields it adds to XRPCError.
 */
export type InvalidResponse = XRPCError & { lexiconNsid: string; validationError: Error; responseBody: unknown };
/** The HTTP status (or the XRPC client's own code, below 100) as a number: `status` is typed as an enum of known codes. */
export const statusOf = (err: XRPCError): number => err.status;
export const isInvalidResponse = (err: unknown): err is InvalidResponse =>
  err instanceof XRPCError && 'lexiconNsid' in err && 'validationError' in err;

export function isTransient(err: unknown): boolean {
  if (err instanceof NetworkApiError) return err.transient;
  if (isInvalidResponse(err)) return false;
  // status 1 (`Unknown`) is what the XRPC client reports for a network failure; 2 (`InvalidResponse`)
  // without a lexicon error, for a body it could not parse (cut short)
  return err instanceof XRPCError && (statusOf(err) >= 500 || statusOf(err) === 1 || statusOf(err) === 2);
}

export interface BlueskyRetryOptions {
  /** The stream the call belongs to, for the log. */
  stream: string;
  /** Where waits and retries are logged (the caller's own logger). */
  logger: Logger;
  /** First back-off after a transient failure (`COLLECTOR_RETRY_BASE_MS`). */
  transientBaseMs: number;
  /** The collection run, if any: its topic is logged and its lease kept alive while waiting for a rate limit. */
  ctx?: CollectContext | null;
}

/**
 * Bluesky's retry policy, for the collector and the publisher alike: a 429 waited out until
 * `ratelimit-reset`, 5xx and network failures retried with back-off, and a session the service
 * refuses (401) renewed once by logging in again.
 */
export async function retryingBluesky<T>(
  agents: BlueskyAgents,
  { stream, logger, transientBaseMs, ctx }: BlueskyRetryOptions,
  run: (agent: AtpAgent) => Promise<T>,
): Promise<T> {
  let agent = await agents.get();
  let relogged = false;
  return withRetryPolicy(
    async () => {
      try {
        return await run(agent);
      } catch (err) {
        if (!(err instanceof XRPCError) || statusOf(err) !== 401 || relogged) throw err;
        // the agent could not refresh its session (revoked, or the refresh token expired)
        relogged = true;
        logger.warn({ stream, error: err.error }, 'Bluesky session refused; logging in again');
        agent = await agents.relogin();
        return run(agent);
      }
    },
    (err) => {
      if (err instanceof XRPCError && statusOf(err) === 429) return { rateLimitedUntil: rateLimitResetOf(err) };
      return isTransient(err) ? 'transient' : 'fatal';
    },
    {
      maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
      transientBaseMs,
      waiting: async (reason, { waitMs, attempt, err }) => {
        if (reason === 'rate-limit') {
          logger.warn(
            { topicId: ctx?.topic.id, stream, waitMs, reset: (err as XRPCError).headers?.['ratelimit-reset'] },
            'Bluesky rate limit reached; waiting for the reset',
          );
          await ctx?.heartbeat();
        } else
          logger.warn(
            { topicId: ctx?.topic.id, stream, attempt, waitMs, status: (err as XRPCError).status, err: (err as Error).message },
            'Bluesky request failed; retrying',
          );
      },
    },
  );
}
