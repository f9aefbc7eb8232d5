import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/**
 * A signed lead webhook already received: its signature, kept while its timestamp is still
 * accepted, so the same request sent again is refused (409) instead of stored twice.
 */
@Schema({ collection: 'lead_webhook_receipts', versionKey: false })
export class LeadWebhookReceipt {
  @Prop({ type: Types.ObjectId, required: true })
  workspaceId!: Types.ObjectId;

  /** The lower-case hex HMAC from `X-Signature`. */
  @Prop({ required: true })
  signature!: string;

  @Prop({ required: true })
  receivedAt!: Date;

  /**
   * When the request's timestamp leaves the tolerance: after that the signature check itself
   * refuses it as stale, so the receipt may go (the TTL index deletes it).
   */
  @Prop({ required: true })
  expiresAt!: Date;
}

export type LeadWebhookReceiptDocument = HydratedDocument<LeadWebhookReceipt>;
export const LeadWebhookReceiptSchema = SchemaFactory.createForClass(LeadWebhookReceipt);
// Unique: of two concurrent replays of one request, only the first insert succeeds.
LeadWebhookReceiptSchema.index({ workspaceId: 1, signature: 1 }, { unique: true });
LeadWebhookReceiptSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
