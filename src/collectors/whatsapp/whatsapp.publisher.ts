import { Injectable, Logger } from '@nestjs/common';
import { NetworkTargets } from '../../config/network-targets';
import { ReplyRefusedError, type OutgoingReply, type SentReply } from '../collector';
import { postToGraph } from '../meta/graph-reply';
import type { ReplyPublisher } from '../reply-publisher';
import { serviceWindowClosesAt, WHATSAPP_SERVICE_WINDOW_MS, whatsappChatUrl } from './whatsapp-messages';

/** WhatsApp's limit on a text message body. */
const WHATSAPP_TEXT_MAX = 4096;

interface SendMessageAnswer {
  messages?: { id?: string }[];
}

/**
 * Replies on WhatsApp Business (Cloud API) with `POST /{phone-number-id}/messages` while the
 * customer's 24-hour service window is open; outside it only a template may be sent (out of
 * scope), so the reply is refused with a 422 that says so.
 */
@Injectable()
export class WhatsAppPublisher implements ReplyPublisher {
  readonly platform = 'whatsapp' as const;
  private readonly logger = new Logger('WhatsApp');

  constructor(private readonly targets: NetworkTargets) {}

  get configured(): boolean {
    return this.targets.configured('whatsapp');
  }

  readonly replyLimit = { max: WHATSAPP_TEXT_MAX, unit: 'characters', measure: (r: Pick<OutgoingReply, 'text'>) => r.text.length };

  async sendReply(reply: OutgoingReply, now = new Date()): Promise<SentReply> {
    const target = this.targets.get('whatsapp');
    if (!target)
      throw new ReplyRefusedError('WhatsApp is not configured: set META_ACCESS_TOKEN, META_APP_SECRET and WHATSAPP_PHONE_NUMBER_ID', 422);
    if (reply.inReplyToAt && now.getTime() - reply.inReplyToAt.getTime() >= WHATSAPP_SERVICE_WINDOW_MS) {
      throw new ReplyRefusedError(
        `WhatsApp's 24-hour customer service window closed at ${serviceWindowClosesAt(reply.inReplyToAt).toISOString()} (the customer last wrote at ${reply.inReplyToAt.toISOString()}); only a template message may be sent now, and templates are not sent from Ouvidor`,
        422,
      );
    }
    const answer = await postToGraph<SendMessageAnswer>(
      target,
      `${encodeURIComponent(target.phoneNumberId)}/messages`,
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: reply.customerHandle,
        type: 'text',
        text: { preview_url: false, body: reply.text },
        context: { message_id: reply.inReplyToExternalId },
      },
      'WhatsApp',
    );
    const id = answer?.messages?.[0]?.id;
    if (!id) throw new ReplyRefusedError('WhatsApp answered without a message id: the reply may not have been sent', 422);
    this.logger.log({ messageId: id }, 'WhatsApp reply sent');
    return { externalId: id, url: whatsappChatUrl(reply.customerHandle), at: now };
  }
}
