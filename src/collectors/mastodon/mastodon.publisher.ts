import { Inject, Injectable, Logger } from '@nestjs/common';
import { MastoHttpError } from 'masto';
import { Settings, SETTINGS } from '../../config/settings';
import { ReplyNotSentError, type OutgoingReply, type SentReply } from '../collector';
import type { ReplyPublisher } from '../reply-publisher';
import { withRetryPolicy } from '../retry-policy';
import { MastodonClients } from './mastodon-client';
import { isTransient, MAX_RATE_LIMIT_WAIT_MS, mastodonLength, mastodonReplyText } from './mastodon.collector';

/** Publishes replies on the brand's Mastodon account. */
@Injectable()
export class MastodonPublisher implements ReplyPublisher {
  readonly platform = 'mastodon' as const;
  private readonly logger = new Logger('MastodonPublisher');

  constructor(
    private readonly clients: MastodonClients,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  get configured(): boolean {
    return this.clients.configured;
  }

  /** Mastodon's default limit (an instance may allow more), counted as Mastodon counts. */
  readonly replyLimit = {
    max: 500,
    unit: 'characters',
    measure: (reply: { text: string; customerHandle: string }) => mastodonLength(mastodonReplyText(reply.text, reply.customerHandle)),
  };

  /**
   * Publishes a reply to the customer's status, naming them (`@acct`, as Mastodon's own apps do, so
   * they are notified) unless the text already does. The `Idempotency-Key` makes a retry return the
   * status already created instead of a second one, so transient failures are retried too.
   */
  async sendReply(reply: OutgoingReply): Promise<SentReply> {
    if (!this.clients.configured)
      throw new ReplyNotSentError('Mastodon is not configured: set MASTODON_URL and MASTODON_ACCESS_TOKEN', true);
    const text = mastodonReplyText(reply.text, reply.customerHandle);
    try {
      const status = await this.retrying('mastodon:reply', () =>
        this.clients
          .get()
          .v1.statuses.create(
            { status: text, inReplyToId: reply.inReplyToExternalId, visibility: 'public' },
            { requestInit: { headers: { 'Idempotency-Key': reply.idempotencyKey } } },
          ),
      );
      return { externalId: status.id, url: status.url ?? status.uri, at: new Date(status.createdAt) };
    } catch (err) {
      if (err instanceof MastoHttpError && err.statusCode < 500)
        throw new ReplyNotSentError(`Mastodon refused the reply: ${err.message}`, true);
      if (isTransient(err))
        throw new ReplyNotSentError(
          `Mastodon did not confirm the reply: ${(err as Error).message} (sending again with the same text is safe)`,
          false,
        );
      throw err;
    }
  }

  /** Mastodon's retry policy (429s waited out until `X-RateLimit-Reset`; 5xx and network errors retried). */
  private retrying<T>(stream: string, run: () => Promise<T>): Promise<T> {
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
        transientBaseMs: this.settings.collectorRetryBaseMs,
        waiting: (reason, { waitMs, attempt, err }) => {
          if (reason === 'rate-limit') this.logger.warn({ stream, waitMs }, 'Mastodon rate limit reached; waiting for the reset');
          else this.logger.warn({ stream, attempt, waitMs, err: (err as Error).message }, 'Mastodon request failed; retrying');
        },
      },
    );
  }
}
