import type { Platform } from '../common/platform';
import type { OutgoingReply, SentReply } from './collector';

/**
 * Publishes care replies as the brand on one network, where the credentials allow it. Separate
 * from `Collector` (which reads): a network without a publisher cannot be answered from Ouvidor.
 */
export interface ReplyPublisher {
  readonly platform: Platform;
  /** Whether the network has an endpoint and credentials configured (`NetworkTargets`). */
  readonly configured: boolean;
  /** The longest reply the network takes, and how long a reply is there (as the network counts, the text it would send). */
  readonly replyLimit: { max: number; unit: string; measure(reply: Pick<OutgoingReply, 'text' | 'customerHandle'>): number };
  /** Publishes a care reply as the brand. */
  sendReply(reply: OutgoingReply): Promise<SentReply>;
}

export const REPLY_PUBLISHERS = Symbol('REPLY_PUBLISHERS');
