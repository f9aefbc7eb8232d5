import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/** A lead (sign-up, contact form, trial) pushed by the workspace's site or CRM, with its UTM tags. */
@Schema({ collection: 'leads', timestamps: true })
export class Lead {
  @Prop({ type: Types.ObjectId, required: true })
  workspaceId!: Types.ObjectId;

  /** When the lead happened on the customer's side (not when we received it). */
  @Prop({ required: true })
  occurredAt!: Date;

  /** UTM values are stored trimmed and lower-cased; `null` when absent. */
  @Prop({ type: String, default: null })
  utmSource!: string | null;

  @Prop({ type: String, default: null })
  utmMedium!: string | null;

  @Prop({ type: String, default: null })
  utmCampaign!: string | null;

  /** A mention of this workspace the lead came from. */
  @Prop({ type: Types.ObjectId, default: null })
  mentionId!: Types.ObjectId | null;

  /** Worth of the lead in the workspace's currency. */
  @Prop({ type: Number, default: null })
  value!: number | null;

  /** The sender's id for the lead: a repeated one replaces the stored lead instead of adding one. */
  @Prop({ type: String, default: null })
  externalId!: string | null;
}

export type LeadDocument = HydratedDocument<Lead>;
export const LeadSchema = SchemaFactory.createForClass(Lead);
LeadSchema.index({ workspaceId: 1, externalId: 1 }, { unique: true, partialFilterExpression: { externalId: { $type: 'string' } } });
// The embedded engine's planner does not use partial indexes; this one lets it find records by
// externalId without scanning the workspace. On MongoDB the unique index above already serves.
LeadSchema.index({ workspaceId: 1, externalId: 1, _id: 1 });
LeadSchema.index({ workspaceId: 1, occurredAt: -1 });
