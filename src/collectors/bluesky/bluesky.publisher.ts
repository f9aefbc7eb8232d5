import { Inject, Injectable, Logger } from '@nestjs/common';
import { RichText, XRPCError } from '@atproto/api';
import { Settings, SETTINGS } from '../../config/settings';
import { graphemeLength, ReplyNotSentError, type OutgoingReply, type SentReply } from '../collector';
import type { ReplyPublisher } from '../reply-publisher';
import { withRetryPolicy } from '../retry-policy';
import { BlueskyAgents } from './bluesky-agent';
import { MAX_RATE_LIMIT_WAIT_MS, rateLimitResetOf, retryingBluesky, statusOf } from './bluesky-retry';
import { parsePosts, postUrl } from './bluesky-payload';
import { didOfUri } from './bluesky-query';

/** Publishes replies in customers' Bluesky threads, as the brand's account. */
@Injectable()
export class BlueskyPublisher implements ReplyPublisher {
  readonly platform = 'bluesky' as const;
  private readonly logger = new Logger('BlueskyPublisher');

  constructor(
    private readonly agents: BlueskyAgents,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  get configured(): boolean {
    return this.agents.configured;
  }

  /** A Bluesky post holds at most 300 graphemes. */
  readonly replyLimit = { max: 300, unit: 'graphemes', measure: (reply: { text: string }) => graphemeLength(reply.text) };

  /**
   * Publishes a reply in the customer's thread (parent: the post answered; root: its thread's
   * first post), with its links and hashtags as rich-text facets. createRecord has no idempotency
   * key, so only a 429 (nothing was created) is retried: after a 5xx or a lost connection the post
   * may exist, and the error says so instead of posting twice.
   */
  async sendReply(reply: OutgoingReply): Promise<SentReply> {
    if (!this.agents.configured)
      throw new ReplyNotSentError('Bluesky is not configured: set BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD', true);
    const found = await retryingBluesky(
      this.agents,
      { stream: 'bluesky:reply', logger: this.logger, transientBaseMs: this.settings.collectorRetryBaseMs },
      (agent) => agent.getPosts({ uris: [reply.inReplyToExternalId] }),
    );
    const parent = parsePosts(found.data.posts).posts[0];
    if (!parent) throw new ReplyNotSentError('the post to answer is no longer on Bluesky', true);
    const rich = new RichText({ text: reply.text });
    rich.detectFacetsWithoutResolution();
    const createdAt = new Date();
    const agent = await this.agents.get();
    try {
      const created = await withRetryPolicy(
        () =>
          agent.post({
            text: rich.text,
            facets: rich.facets,
            createdAt: createdAt.toISOString(),
            reply: {
              root: parent.record.reply?.root ?? { uri: parent.uri, cid: parent.cid },
              parent: { uri: parent.uri, cid: parent.cid },
            },
          }),
        (err) => (err instanceof XRPCError && statusOf(err) === 429 ? { rateLimitedUntil: rateLimitResetOf(err) } : 'fatal'),
        {
          maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
          transientBaseMs: this.settings.collectorRetryBaseMs,
          waiting: (_reason, { waitMs }) =>
            void this.logger.warn({ waitMs }, 'Bluesky rate limit reached while replying; waiting for the reset'),
        },
      );
      return {
        externalId: created.uri,
        url: postUrl({ uri: created.uri, author: { did: '', handle: agent.session?.handle ?? didOfUri(created.uri) } }),
        at: createdAt,
      };
    } catch (err) {
      if (!(err instanceof XRPCError)) throw err;
      const certain = statusOf(err) >= 400 && statusOf(err) < 500;
      throw new ReplyNotSentError(
        `Bluesky ${certain ? 'refused' : 'did not confirm'} the reply: ${err.message}${certain ? '' : ' (it may have been posted; check the thread before sending again)'}`,
        certain,
      );
    }
  }
}
