import { Inject, Injectable, Logger } from '@nestjs/common';
import { MastoHttpError } from 'masto';
import { Settings, SETTINGS } from '../../config/settings';
import { ReplyNotSentError, type OutgoingReply, type SentReply } from '../collector';
import type { ReplyPublisher } from '../reply-publisher';
import { MastodonClients } from './mastodon-client';
import { mastodonLength, mastodonReplyText } from './mastodon.collector';
import { isTransient, retryingMastodon } from './mastodon-retry';

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
      const status = await retryingMastodon(
        { stream: 'mastodon:reply', logger: this.logger, transientBaseMs: this.settings.collectorRetryBaseMs },
        () =>
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
}
