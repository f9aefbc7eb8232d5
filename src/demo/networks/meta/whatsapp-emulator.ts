import { randomBytes } from 'node:crypto';
import { GraphApiFailure, graphError } from './graph-errors';
import type { MetaGraphEmulator } from './meta-graph-emulator';
import { whatsappMessageDelivery, whatsappStatusDelivery, type MetaWebhookSender } from './webhook-sender';

/**
 * WhatsApp Business (Cloud API) on the Graph emulator: a business number's conversations with
 * customers, `POST /{phone-number-id}/messages` to answer them, and the webhooks a real number
 * sends (the customer's messages, then sent / delivered / read for each answer). A free-form
 * answer is accepted only within 24 hours of the customer's last message, as on WhatsApp; after
 * that Graph answers error 131047 (re-engagement) and only a template could be sent.
 */

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WhatsAppMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  customer: string;
  text: string;
  at: Date;
  /** for outbound messages: the furthest status reported */
  status?: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  /** the message answered (`context.message_id`) */
  replyTo?: string;
}

export interface WhatsAppConversation {
  customer: string;
  name: string;
  messages: WhatsAppMessage[];
  lastInboundAt: Date | null;
}

export interface WhatsAppEmulatorOptions {
  phoneNumberId: string;
  businessAccountId?: string;
  /** where deliveries go; without one, nothing is pushed (set it later with `useWebhooks`) */
  webhooks?: MetaWebhookSender;
  /** delay between the answer to a send and each status report; default 50 ms */
  statusDelayMs?: number;
  /** report sent, delivered and read for each answer (default), or only sent */
  reportRead?: boolean;
}

const wamid = () => `wamid.${randomBytes(24).toString('base64url')}`;

export class WhatsAppEmulator {
  readonly conversations = new Map<string, WhatsAppConversation>();
  readonly phoneNumberId: string;
  readonly businessAccountId: string;
  private webhooks: MetaWebhookSender | null;
  private readonly statusDelayMs: number;
  private readonly reportRead: boolean;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(emulator: MetaGraphEmulator, options: WhatsAppEmulatorOptions) {
    this.phoneNumberId = options.phoneNumberId;
    this.businessAccountId = options.businessAccountId ?? '102290129340398';
    this.webhooks = options.webhooks ?? null;
    this.statusDelayMs = options.statusDelayMs ?? 50;
    this.reportRead = options.reportRead ?? true;
    emulator.route('POST', /^\/(\d+)\/messages$/, 'whatsapp-messages', (call) => this.send(call.match[1], call.rawBody, call.params), {
      when: (m) => m[1] === this.phoneNumberId,
    });
  }

  useWebhooks(sender: MetaWebhookSender): void {
    this.webhooks = sender;
  }

  /** A customer writes to the business: stored, and pushed by webhook. Returns the message id. */
  async customerWrites(m: { from: string; name: string; text: string; at?: Date }): Promise<WhatsAppMessage> {
    const at = m.at ?? new Date();
    const conversation = this.conversationWith(m.from, m.name);
    const message: WhatsAppMessage = { id: wamid(), direction: 'inbound', customer: m.from, text: m.text, at };
    conversation.messages.push(message);
    if (!conversation.lastInboundAt || conversation.lastInboundAt < at) conversation.lastInboundAt = at;
    await this.webhooks?.deliver(
      whatsappMessageDelivery({
        businessAccountId: this.businessAccountId,
        phoneNumberId: this.phoneNumberId,
        from: m.from,
        name: m.name,
        messageId: message.id,
        text: m.text,
        at,
      }),
    );
    return message;
  }

  /** Messages the business sent (answers), oldest first. */
  sent(): WhatsAppMessage[] {
    return [...this.conversations.values()]
      .flatMap((c) => c.messages.filter((m) => m.direction === 'outbound'))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Waits until every status report queued so far has been delivered. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private conversationWith(customer: string, name: string): WhatsAppConversation {
    let c = this.conversations.get(customer);
    if (!c) this.conversations.set(customer, (c = { customer, name, messages: [], lastInboundAt: null }));
    return c;
  }

  private send(phoneNumberId: string, rawBody: string, params: Record<string, string>) {
    let body: Record<string, any>;
    try {
      body = rawBody.trim().startsWith('{') ? JSON.parse(rawBody) : params;
    } catch {
      throw new GraphApiFailure(400, graphError(100, '(#100) Invalid parameter'));
    }
    if (body.messaging_product !== 'whatsapp')
      throw new GraphApiFailure(400, graphError(100, '(#100) The parameter messaging_product is required.'));
    if (!body.to) throw new GraphApiFailure(400, graphError(100, '(#100) The parameter to is required.'));
    if (body.type !== 'text')
      throw new GraphApiFailure(400, graphError(131009, '(#131009) Parameter value is not valid', { error_subcode: 2494010 }));
    const text = typeof body.text === 'string' ? (JSON.parse(body.text) as { body?: string }).body : body.text?.body;
    if (!text) throw new GraphApiFailure(400, graphError(100, '(#100) The parameter text.body is required.'));
    const to = String(body.to).replace(/\D/g, '');
    const conversation = this.conversations.get(to);
    const now = new Date();
    if (!conversation?.lastInboundAt || now.getTime() - conversation.lastInboundAt.getTime() >= WHATSAPP_WINDOW_MS) {
      throw new GraphApiFailure(
        400,
        graphError(131047, '(#131047) Re-engagement message', {
          error_user_msg: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        }),
      );
    }
    const context = typeof body.context === 'string' ? JSON.parse(body.context) : body.context;
    const message: WhatsAppMessage = {
      id: wamid(),
      direction: 'outbound',
      customer: to,
      text,
      at: now,
      status: 'accepted',
      replyTo: context?.message_id,
    };
    conversation.messages.push(message);
    this.reportStatuses(phoneNumberId, message);
    return {
      messaging_product: 'whatsapp',
      contacts: [{ input: String(body.to), wa_id: to }],
      messages: [{ id: message.id, message_status: 'accepted' }],
    };
  }

  /** After the answer, as WhatsApp does: sent, then delivered, then read, one webhook each. */
  private reportStatuses(phoneNumberId: string, message: WhatsAppMessage): void {
    const sender = this.webhooks;
    if (!sender) return;
    const steps = this.reportRead ? (['sent', 'delivered', 'read'] as const) : (['sent'] as const);
    const run = (async () => {
      for (const status of steps) {
        await new Promise((r) => setTimeout(r, this.statusDelayMs));
        message.status = status;
        await sender
          .deliver(
            whatsappStatusDelivery({
              businessAccountId: this.businessAccountId,
              phoneNumberId,
              messageId: message.id,
              recipient: message.customer,
              status,
              at: new Date(),
            }),
          )
          .catch(() => undefined);
      }
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
