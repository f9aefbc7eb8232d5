import { Injectable, Logger } from '@nestjs/common';
import { ReplyNotSentError, ReplyRefusedError, type OutgoingReply, type SentReply } from '../collector';
import { NetworkApiError } from '../network-error';
import type { ReplyPublisher } from '../reply-publisher';
import { withRetryPolicy } from '../retry-policy';
import { classifyRedditError, RedditApiError, RedditClient } from './reddit-client';
import { parseComments, REDDIT_WEB } from './reddit-payload';

/** A comment's longest body. */
const MAX_COMMENT_LENGTH = 10_000;

/** Reddit's `/api/comment` error codes, as the status the agent gets. */
const REFUSALS: Record<string, ReplyRefusedError['status']> = {
  DELETED_COMMENT: 404,
  DELETED_LINK: 404,
  NO_THING_ID: 404,
  THREAD_LOCKED: 409,
  TOO_OLD: 409,
  ARCHIVED: 409,
  RATELIMIT: 429,
  TOO_LONG: 400,
  NO_TEXT: 400,
  BANNED_FROM_SUBREDDIT: 403,
  SUBREDDIT_NOTALLOWED: 403,
  USER_BLOCKED: 403,
};

/** Answers submissions and comments on Reddit as the script account. */
@Injectable()
export class RedditPublisher implements ReplyPublisher {
  readonly platform = 'reddit' as const;
  private readonly logger = new Logger('RedditPublisher');

  constructor(private readonly client: RedditClient) {}

  get configured(): boolean {
    return this.client.configured;
  }

  readonly replyLimit = { max: MAX_COMMENT_LENGTH, unit: 'characters', measure: (reply: { text: string }) => reply.text.length };

  /**
   * Publishes a comment answering the customer's submission or comment (`POST /api/comment`,
   * `api_type=json`) as the script account. Reddit takes no idempotency key, so only a 429 (the
   * comment was not taken) is retried; a 5xx or a timeout leaves it uncertain.
   */
  async sendReply(reply: OutgoingReply): Promise<SentReply> {
    if (!this.client.configured)
      throw new ReplyNotSentError('Reddit is not configured: set REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET and REDDIT_USER_AGENT', true);
    if (!this.client.canReply)
      throw new ReplyRefusedError('Reddit replies need a script account: set REDDIT_USERNAME and REDDIT_PASSWORD', 422);
    let body: unknown;
    try {
      body = await withRetryPolicy(
        () => this.client.post('api/comment', { api_type: 'json', thing_id: reply.inReplyToExternalId, text: reply.text }),
        (err) => (err instanceof RedditApiError && err.status === 429 ? { rateLimitedUntil: err.resetAt } : 'fatal'),
        {
          maxRateLimitWaitMs: 60_000,
          waiting: (_reason, { waitMs }) => this.logger.warn({ waitMs }, 'Reddit rate limit reached while replying; waiting'),
        },
      );
    } catch (err) {
      if (err instanceof RedditApiError) {
        if (err.status >= 500)
          throw new ReplyNotSentError(`Reddit did not confirm the reply: ${err.message} (check the thread before sending again)`, false);
        const status = err.status === 403 || err.status === 404 || err.status === 429 ? err.status : 422;
        throw new ReplyRefusedError(`Reddit refused the reply: ${err.message}`, status);
      }
      if (err instanceof NetworkApiError) throw new ReplyRefusedError(err.message, 422);
      if (classifyRedditError(err) === 'transient')
        throw new ReplyNotSentError(
          `Reddit did not confirm the reply: ${(err as Error).message} (check the thread before sending again)`,
          false,
        );
      throw err;
    }
    const json = (body as { json?: { errors?: unknown; data?: { things?: unknown } } } | null)?.json;
    const errors = Array.isArray(json?.errors) ? (json.errors as unknown[]) : [];
    if (errors.length) {
      const first = errors[0] as unknown[];
      const code = Array.isArray(first) ? String(first[0]) : '';
      const message = errors.map((e) => (Array.isArray(e) ? `${e[0]}: ${e[1]}` : String(e))).join('; ');
      throw new ReplyRefusedError(`Reddit refused the reply: ${message}`, REFUSALS[code] ?? 422);
    }
    const things = Array.isArray(json?.data?.things) ? (json.data.things as unknown[]) : [];
    const { items } = parseComments(things);
    const comment = items[0];
    if (!comment)
      throw new ReplyNotSentError(`Reddit answered the reply without the comment it made: ${JSON.stringify(body).slice(0, 200)}`, false);
    return { externalId: comment.name, url: `${REDDIT_WEB}${comment.permalink}`, at: new Date(Math.round(comment.created_utc * 1000)) };
  }
}
