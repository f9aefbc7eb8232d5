import type { MentionInput } from '../collected';

/**
 * WhatsApp is a private care channel: a customer's message is a conversation with the brand, not
 * a public post. Its messages become case messages (and count in every care KPI) but never in
 * public listening (mention volume, share of voice, sentiment share): see `isPrivateChannel`.
 */

/** The customer service window: a business may answer freely within 24 hours of the customer's last message. */
export const WHATSAPP_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** When the window a customer's message opened closes. */
export const serviceWindowClosesAt = (lastCustomerMessageAt: Date): Date =>
  new Date(lastCustomerMessageAt.getTime() + WHATSAPP_SERVICE_WINDOW_MS);

/** Milliseconds left in the window at `now` (0 once closed). */
export const serviceWindowRemainingMs = (lastCustomerMessageAt: Date, now = new Date()): number =>
  Math.max(0, serviceWindowClosesAt(lastCustomerMessageAt).getTime() - now.getTime());

/** One conversation per customer and business number. */
export const whatsappConversationId = (phoneNumberId: string, customer: string): string => `whatsapp:${phoneNumberId}:${customer}`;

/** A link that opens the chat with the customer (WhatsApp has no public address for a message). */
export const whatsappChatUrl = (customer: string): string => `https://wa.me/${customer.replace(/\D/g, '')}`;

export interface InboundWhatsAppMessage {
  phoneNumberId: string;
  messageId: string;
  from: string;
  name: string | null;
  text: string | null;
  type: string;
  at: Date;
}

/** A customer's message, as the case pipeline takes it; a message without text (a photo, a sticker) reads as its kind. */
export function whatsappMessageInput(m: InboundWhatsAppMessage): MentionInput {
  return {
    platform: 'whatsapp',
    externalId: m.messageId,
    text: m.text?.trim() ? m.text : `[${m.type}]`,
    createdAt: m.at,
    url: whatsappChatUrl(m.from),
    author: { externalId: m.from, handle: m.from, name: m.name, followers: null },
    conversationId: whatsappConversationId(m.phoneNumberId, m.from),
    inReplyToExternalId: null,
    metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
  };
}
