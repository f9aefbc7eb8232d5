import type { Logger } from '@nestjs/common';
import { MastoDeserializeError, MastoHttpError, MastoTimeoutError, MastoUnexpectedError } from 'masto';
import type { CollectContext } from '../collector';
import { NetworkApiError } from '../network-error';
import { withRetryPolicy } from '../retry-policy';

/** Mastodon's rate-limit windows are 5 minutes (300 requests per token). */
export const MAX_RATE_LIMIT_WAIT_MS = 6 * 60_000;

/** A refused connection (fetch), or a proxy's HTML error page, which masto 8 fails to read as an error body and reports as a TypeError about the body's missing `error`. */
export const isFetchFailure = (err: unknown) => err instanceof TypeError && /fetch failed|property 'error'/i.test(err.message);

export function isTransient(err: unknown): boolean {
  if (err instanceof NetworkApiError) return err.transient;
  if (err instanceof MastoHttpError) return err.statusCode >= 500;
  // a deserialize error is JSON cut short (a dropped connection)
  if (err instanceof MastoTimeoutError || err instanceof MastoUnexpectedError || err instanceof MastoDeserializeError) return true;
  return isFetchFailure(err);
}

export interface MastodonRetryOptions {
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
 * Mastodon's retry policy, for the collector and the publisher alike: 429s waited out until
 * `X-RateLimit-Reset`; 5xx and network errors retried with back-off.
 */
export function retryingMastodon<T>({ stream, logger, transientBaseMs, ctx }: MastodonRetryOptions, run: () => Promise<T>): Promise<T> {
  return withRetryPolicy(
    run,
    (err) => {
      if (err instanceof MastoHttpError && err.statusCode === 429) {
        // `X-RateLimit-Reset` is an ISO 8601 time on Mastodon; masto keeps the response as the cause
        const reset = (err.cause as Response | undefined)?.headers?.get('x-ratelimit-reset');
        return { rateLimitedUntil: reset ? Date.parse(reset) : null };
      }
      return isTransient(err) ? 'transient' : 'fatal';
    },
    {
      maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
      transientBaseMs,
      waiting: async (reason, { waitMs, attempt, err }) => {
        if (reason === 'rate-limit') {
          logger.warn({ topicId: ctx?.topic.id, stream, waitMs }, 'Mastodon rate limit reached; waiting for the reset');
          await ctx?.heartbeat();
        } else
          logger.warn(
            { topicId: ctx?.topic.id, stream, attempt, waitMs, err: (err as Error).message },
            'Mastodon request failed; retrying',
          );
      },
    },
  );
}
