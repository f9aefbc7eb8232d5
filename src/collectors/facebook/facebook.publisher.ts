import { Injectable } from '@nestjs/common';
import { NetworkTargets } from '../../config/network-targets';
import { ReplyRefusedError, type OutgoingReply, type SentReply } from '../collector';
import { MetaGraphClient } from '../meta/graph-client';
import { postToGraph } from '../meta/graph-reply';
import type { ReplyPublisher } from '../reply-publisher';

/** Answers comments on the brand's Facebook Page, as the Page. */
@Injectable()
export class FacebookPublisher implements ReplyPublisher {
  readonly platform = 'facebook' as const;

  constructor(
    private readonly graph: MetaGraphClient,
    private readonly targets: NetworkTargets,
  ) {}

  get configured(): boolean {
    return this.graph.configured;
  }

  /** Facebook's limit on a comment's text. */
  readonly replyLimit = { max: 8000, unit: 'characters', measure: (r: Pick<OutgoingReply, 'text'>) => r.text.length };

  /**
   * Answers the customer's comment as the Page (`POST /{comment-id}/comments`; on a reply, Facebook
   * threads it under the same top-level comment). The comment's id is recorded on the case, so
   * the collector, reading it later as the Page's reply, counts it once.
   */
  async sendReply(reply: OutgoingReply): Promise<SentReply> {
    const target = this.targets.get('meta');
    if (!target) throw new ReplyRefusedError('Facebook is not configured: set META_ACCESS_TOKEN and META_APP_SECRET', 422);
    const sent = await postToGraph<{ id?: string }>(
      target,
      `${encodeURIComponent(reply.inReplyToExternalId)}/comments`,
      { message: reply.text },
      'Facebook',
    );
    if (!sent?.id) throw new ReplyRefusedError('Facebook answered without a comment id: the reply may not have been published', 422);
    return { externalId: sent.id, url: `https://www.facebook.com/${sent.id}`, at: new Date() };
  }
}
