import { createHmac } from 'node:crypto';

/**
 * Sends webhook deliveries the way Meta does: a JSON POST to the app's callback URL, signed with
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`.
 * Meta delivers at least once and retries a delivery that was not answered 200, so the same body
 * may arrive twice; `deliver(..., { times: 2 })` does that on purpose.
 */

export interface WebhookDeliveryResult {
  status: number;
  body: string;
}

export interface MetaWebhookSenderOptions {
  /** e.g. http://127.0.0.1:3000/api/v1/webhooks/meta; a function when it is known only later (null: not yet) */
  callbackUrl: string | (() => string | null);
  appSecret: string;
  /**
   * Meta retries a delivery that failed or was not answered 200, with back-off; the demo does too
   * (its app may not listen yet). Default none: a test sees each answer.
   */
  retries?: { attempts: number; delayMs: number };
}

type Json = Record<string, unknown>;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export class MetaWebhookSender {
  readonly deliveries: { body: Json; status: number }[] = [];

  constructor(private readonly options: MetaWebhookSenderOptions) {}

  /** Posts a delivery (signed unless `signature` overrides it, `null` for none) `times` times; the answers in order. */
  async deliver(body: Json, opts: { times?: number; signature?: string | null } = {}): Promise<WebhookDeliveryResult[]> {
    const raw = JSON.stringify(body);
    const signature =
      opts.signature === undefined ? `sha256=${createHmac('sha256', this.options.appSecret).update(raw).digest('hex')}` : opts.signature;
    const out: WebhookDeliveryResult[] = [];
    for (let i = 0; i < (opts.times ?? 1); i++) out.push(await this.post(body, raw, signature));
    return out;
  }

  private async post(body: Json, raw: string, signature: string | null): Promise<WebhookDeliveryResult> {
    const { attempts, delayMs } = this.options.retries ?? { attempts: 1, delayMs: 0 };
    for (let attempt = 1; ; attempt++) {
      try {
        const url = typeof this.options.callbackUrl === 'function' ? this.options.callbackUrl() : this.options.callbackUrl;
        if (!url) throw new Error('no callback URL yet');
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(signature ? { 'X-Hub-Signature-256': signature } : {}) },
          body: raw,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        this.deliveries.push({ body, status: res.status });
        if (res.status === 200 || attempt >= attempts) return { status: res.status, body: text };
      } catch (err) {
        if (attempt >= attempts) throw err;
      }
      await new Promise((r) => setTimeout(r, delayMs * 2 ** Math.min(attempt - 1, 5)));
    }
  }
}

/** A Page `feed` change announcing a new comment (or a reply to one, with `parentId`). */
export function pageCommentDelivery(c: {
  pageId: string;
  commentId: string;
  postId: string;
  parentId?: string;
  from: { id: string; name: string };
  message: string;
  createdAt: Date;
}): Json {
  return {
    object: 'page',
    entry: [
      {
        id: c.pageId,
        time: unix(new Date()),
        changes: [
          {
            field: 'feed',
            value: {
              item: 'comment',
              verb: 'add',
              comment_id: c.commentId,
              post_id: c.postId,
              parent_id: c.parentId ?? c.postId,
              message: c.message,
              from: c.from,
              created_time: unix(c.createdAt),
              post: { id: c.postId, status_type: 'mobile_status_update', is_published: true },
            },
          },
        ],
      },
    ],
  };
}

/** An Instagram `comments` change: a comment (or reply) on the account's media. */
export function instagramCommentDelivery(c: {
  accountId: string;
  commentId: string;
  mediaId: string;
  parentId?: string;
  from: { id: string; username: string };
  text: string;
  createdAt: Date;
}): Json {
  return {
    object: 'instagram',
    entry: [
      {
        id: c.accountId,
        time: unix(c.createdAt),
        changes: [
          {
            field: 'comments',
            value: {
              id: c.commentId,
              text: c.text,
              from: c.from,
              media: { id: c.mediaId, media_product_type: 'FEED' },
              ...(c.parentId ? { parent_id: c.parentId } : {}),
            },
          },
        ],
      },
    ],
  };
}

/** An Instagram `mentions` change: the account was @mentioned in a caption (or a comment). */
export function instagramMentionDelivery(m: { accountId: string; mediaId: string; commentId?: string }): Json {
  return {
    object: 'instagram',
    entry: [
      {
        id: m.accountId,
        time: unix(new Date()),
        changes: [{ field: 'mentions', value: { media_id: m.mediaId, ...(m.commentId ? { comment_id: m.commentId } : {}) } }],
      },
    ],
  };
}

const waEnvelope = (businessAccountId: string, phoneNumberId: string, value: Json): Json => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: businessAccountId,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550001234', phone_number_id: phoneNumberId },
            ...value,
          },
        },
      ],
    },
  ],
});

/** A customer's text message to the business number. */
export function whatsappMessageDelivery(m: {
  businessAccountId: string;
  phoneNumberId: string;
  from: string;
  name: string;
  messageId: string;
  text: string;
  at: Date;
}): Json {
  return waEnvelope(m.businessAccountId, m.phoneNumberId, {
    contacts: [{ profile: { name: m.name }, wa_id: m.from }],
    messages: [{ from: m.from, id: m.messageId, timestamp: String(unix(m.at)), type: 'text', text: { body: m.text } }],
  });
}

/** A status report on a message the business sent: sent, delivered, read, or failed (with the error). */
export function whatsappStatusDelivery(s: {
  businessAccountId: string;
  phoneNumberId: string;
  messageId: string;
  recipient: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error?: { code: number; title: string };
}): Json {
  return waEnvelope(s.businessAccountId, s.phoneNumberId, {
    statuses: [
      {
        id: s.messageId,
        status: s.status,
        timestamp: String(unix(s.at)),
        recipient_id: s.recipient,
        ...(s.status !== 'failed'
          ? {
              conversation: { id: `conv-${s.recipient}`, origin: { type: 'service' } },
              pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
            }
          : {}),
        ...(s.error ? { errors: [{ code: s.error.code, title: s.error.title, message: s.error.title }] } : {}),
      },
    ],
  });
}
