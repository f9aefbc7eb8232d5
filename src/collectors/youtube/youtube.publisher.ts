import { Injectable } from '@nestjs/common';
import { ReplyRefusedError, type OutgoingReply, type SentReply } from '../collector';
import { NetworkApiError } from '../network-error';
import type { ReplyPublisher } from '../reply-publisher';
import { YouTubeApi } from './youtube-api';
import { commentSchema, commentUrl } from './youtube-payload';

/** Answers comments on the brand's YouTube channel, as the channel that granted access. */
@Injectable()
export class YouTubePublisher implements ReplyPublisher {
  readonly platform = 'youtube' as const;

  constructor(private readonly api: YouTubeApi) {}

  get configured(): boolean {
    return this.api.configured;
  }

  /** YouTube's comment limit. */
  readonly replyLimit = { max: 10_000, unit: 'characters', measure: (reply: { text: string }) => [...reply.text].length };

  /**
   * Publishes the reply with comments.insert as the brand channel. YouTube threads have one level:
   * a reply to a reply goes to its thread's top-level comment. A video cannot be answered here.
   * YouTube takes no idempotency key: the thread is first read for the brand's reply with the same
   * text, so a retry (a lost answer, a double click) answers that comment instead of a second one.
   */
  async sendReply(reply: OutgoingReply): Promise<SentReply> {
    const target = reply.inReplyToExternalId;
    if (/^[\w-]{11}$/.test(target))
      throw new ReplyRefusedError('YouTube: a video is answered with a comment on it, not from the inbox; reply to a comment instead', 422);
    const parentId = target.split('.')[0];
    // sent already (a retry after a lost answer): the same comment, not a second one
    const existing = await this.api.findReply(parentId, await this.api.grantChannelId(), reply.text);
    const created = commentSchema.safeParse(existing ?? (await this.api.insertReply(parentId, reply.text)));
    if (!created.success) throw new NetworkApiError('youtube', 'answered comments.insert without the comment it created');
    const c = created.data;
    return { externalId: c.id, url: commentUrl(c.snippet.videoId ?? '', c.id), at: new Date(c.snippet.publishedAt) };
  }
}
