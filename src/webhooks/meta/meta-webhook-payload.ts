import { z } from 'zod';

/**
 * Meta's change notifications, turned into typed events. A delivery holds entries (one per Page,
 * Instagram account or WhatsApp Business account), each with changes by field; only the fields
 * Ouvidor subscribes to are read (Page `feed`, Instagram `comments` and `mentions`, WhatsApp
 * `messages`), anything else is ignored, and a change that does not have the shape Meta documents
 * is reported as a problem instead of stopping the others.
 *
 * References: developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed,
 * /docs/instagram-platform/webhooks, /docs/whatsapp/cloud-api/webhooks/components.
 */

const id = z.union([z.string().min(1), z.number()]).transform(String);
const unixSeconds = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((v) => new Date(Number(v) * 1000));
/** Page feed times are unix seconds; some deliveries carry ISO strings. */
const feedTime = z.union([
  unixSeconds,
  z
    .string()
    .datetime({ offset: true })
    .transform((v) => new Date(v)),
]);

const pageFeedComment = z.object({
  item: z.literal('comment'),
  verb: z.string(),
  comment_id: id,
  post_id: id,
  parent_id: id.optional(),
  message: z.string().optional(),
  from: z.object({ id, name: z.string().optional() }),
  created_time: feedTime,
});

const igComment = z.object({
  id,
  text: z.string(),
  from: z.object({ id, username: z.string() }),
  media: z.object({ id }).optional(),
  parent_id: id.optional(),
});

const igMention = z.object({ media_id: id, comment_id: id.optional() });

const waText = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: unixSeconds,
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  context: z.object({ id: z.string().optional() }).optional(),
});

const waStatus = z.object({
  id: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional() })).optional(),
});

const waValue = z.object({
  metadata: z.object({ phone_number_id: id }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

const delivery = z.object({
  object: z.string(),
  entry: z.array(
    z.object({ id, time: z.number().optional(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })).optional() }),
  ),
});

export interface PageCommentEvent {
  kind: 'page-comment';
  pageId: string;
  commentId: string;
  postId: string;
  parentId: string | null;
  message: string;
  from: { id: string; name: string | null };
  createdAt: Date;
}

export interface InstagramCommentEvent {
  kind: 'instagram-comment';
  accountId: string;
  commentId: string;
  mediaId: string | null;
  parentId: string | null;
  text: string;
  from: { id: string; username: string };
  /** Instagram's comment notifications carry no time: the entry's, or the delivery's receipt. */
  createdAt: Date;
}

export interface InstagramMentionEvent {
  kind: 'instagram-mention';
  accountId: string;
  mediaId: string;
  commentId: string | null;
}

export interface WhatsAppMessageEvent {
  kind: 'whatsapp-message';
  phoneNumberId: string;
  messageId: string;
  from: string;
  name: string | null;
  /** the text, or null for a message kind without text (image, sticker...) */
  text: string | null;
  type: string;
  at: Date;
}

export interface WhatsAppStatusEvent {
  kind: 'whatsapp-status';
  phoneNumberId: string;
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error: string | null;
}

export type MetaWebhookEvent =
  PageCommentEvent | InstagramCommentEvent | InstagramMentionEvent | WhatsAppMessageEvent | WhatsAppStatusEvent;

export interface MalformedChange {
  platform: 'facebook' | 'instagram' | 'whatsapp';
  /** the Page or Instagram account id, or for WhatsApp the phone number id when the change names one */
  account: string | null;
  /** the item's id, when it has one */
  itemId: string | null;
  field: string;
  problem: string;
  value: unknown;
}

export interface ParsedDelivery {
  events: MetaWebhookEvent[];
  /** changes of a subscribed field that do not have the documented shape, with what is wrong and whose account they came for */
  problems: MalformedChange[];
}

const describe = (err: z.ZodError) => err.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');

/** Throws a `ZodError` only when the delivery itself is not a webhook delivery (no `object` / `entry`). */
export function parseMetaDelivery(body: unknown, receivedAt = new Date()): ParsedDelivery {
  const d = delivery.parse(body);
  const out: ParsedDelivery = { events: [], problems: [] };
  for (const entry of d.entry) {
    const entryTime = entry.time ? new Date(entry.time > 1e12 ? entry.time : entry.time * 1000) : receivedAt;
    for (const change of entry.changes ?? []) {
      const platform = d.object === 'page' ? 'facebook' : d.object === 'instagram' ? 'instagram' : 'whatsapp';
      const account = (): string | null => {
        if (platform !== 'whatsapp') return entry.id;
        const phone = (change.value as { metadata?: { phone_number_id?: unknown } } | null)?.metadata?.phone_number_id;
        return typeof phone === 'string' || typeof phone === 'number' ? String(phone) : null;
      };
      const problem = (err: z.ZodError, value = change.value) => {
        const v = value as Record<string, unknown> | null;
        const itemId = [v?.id, v?.comment_id].find((x) => typeof x === 'string' || typeof x === 'number');
        out.problems.push({
          platform,
          account: account(),
          itemId: itemId === undefined ? null : String(itemId),
          field: change.field,
          problem: describe(err),
          value,
        });
      };
      if (d.object === 'page' && change.field === 'feed') {
        // Other feed items (posts, reactions, shares) and edits or removals are read by the collector.
        const v = change.value as { item?: unknown; verb?: unknown } | null;
        if (v?.item !== 'comment' || v.verb !== 'add') continue;
        const r = pageFeedComment.safeParse(v);
        if (!r.success) problem(r.error);
        else
          out.events.push({
            kind: 'page-comment',
            pageId: entry.id,
            commentId: r.data.comment_id,
            postId: r.data.post_id,
            parentId: r.data.parent_id ?? null,
            message: r.data.message ?? '',
            from: { id: r.data.from.id, name: r.data.from.name ?? null },
            createdAt: r.data.created_time,
          });
      } else if (d.object === 'instagram' && change.field === 'comments') {
        const r = igComment.safeParse(change.value);
        if (!r.success) problem(r.error);
        else
          out.events.push({
            kind: 'instagram-comment',
            accountId: entry.id,
            commentId: r.data.id,
            mediaId: r.data.media?.id ?? null,
            parentId: r.data.parent_id ?? null,
            text: r.data.text,
            from: r.data.from,
            createdAt: entryTime,
          });
      } else if (d.object === 'instagram' && change.field === 'mentions') {
        const r = igMention.safeParse(change.value);
        if (!r.success) problem(r.error);
        else
          out.events.push({
            kind: 'instagram-mention',
            accountId: entry.id,
            mediaId: r.data.media_id,
            commentId: r.data.comment_id ?? null,
          });
      } else if (d.object === 'whatsapp_business_account' && change.field === 'messages') {
        const r = waValue.safeParse(change.value);
        if (!r.success) {
          problem(r.error);
          continue;
        }
        const phoneNumberId = r.data.metadata.phone_number_id;
        const names = new Map((r.data.contacts ?? []).map((c) => [c.wa_id, c.profile?.name ?? null]));
        for (const raw of r.data.messages ?? []) {
          const m = waText.safeParse(raw);
          if (!m.success) problem(m.error, raw);
          else
            out.events.push({
              kind: 'whatsapp-message',
              phoneNumberId,
              messageId: m.data.id,
              from: m.data.from,
              name: names.get(m.data.from) ?? null,
              text: m.data.text?.body ?? null,
              type: m.data.type,
              at: m.data.timestamp,
            });
        }
        for (const raw of r.data.statuses ?? []) {
          const s = waStatus.safeParse(raw);
          if (!s.success) problem(s.error, raw);
          else {
            const e = s.data.errors?.[0];
            out.events.push({
              kind: 'whatsapp-status',
              phoneNumberId,
              messageId: s.data.id,
              status: s.data.status,
              at: s.data.timestamp,
              error: e ? [e.code, e.title ?? e.message].filter((x) => x !== undefined).join(' ') : null,
            });
          }
        }
      }
    }
  }
  return out;
}
