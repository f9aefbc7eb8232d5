import { Injectable } from '@nestjs/common';
import { NetworkTargets } from '../../config/network-targets';
import { ReplyRefusedError, type OutgoingReply, type SentReply } from '../collector';
import { MetaGraphClient } from '../meta/graph-client';
import { postToGraph } from '../meta/graph-reply';
import type { ReplyPublisher } from '../reply-publisher';

/** Answers comments on the brand's Instagram professional account, as the account. */
@Injectable()
export class InstagramPublisher implements ReplyPublisher {
  readonly platform = 'instagram' as const;

  constructor(
    private readonly graph: MetaGraphClient,
    private readonly targets: NetworkTargets,
  ) {}

  get configured(): boolean {
    return this.graph.configured;
  }

  /** Instagram's limit on a comment's text. */
  readonly replyLimit = { max: 2200, unit: 'characters', measure: (r: Pick<OutgoingReply, 'text'>) => r.text.length };

  /**
   * Answers the customer's comment as the account (`POST /{ig-comment-id}/replies`). The reply's
   * id is recorded on the case, so the collector, reading it later as the account's reply, counts
   * it once.
   */
  async sendReply(reply: OutgoingReply): Promise<SentReply> {
    const target = this.targets.get('meta');
    if (!target) throw new ReplyRefusedError('Instagram is not configured: set META_ACCESS_TOKEN and META_APP_SECRET', 422);
    const sent = await postToGraph<{ id?: string }>(
      target,
      `${encodeURIComponent(reply.inReplyToExternalId)}/replies`,
      { message: reply.text },
      'Instagram',
    );
    if (!sent?.id) throw new ReplyRefusedError('Instagram answered without a comment id: the reply may not have been published', 422);
    return { externalId: sent.id, url: `https://www.instagram.com/`, at: new Date() };
  }
}
