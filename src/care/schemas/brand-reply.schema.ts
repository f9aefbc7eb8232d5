import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/** The brand's reply to someone else's post, collected from the platform: a care response. */
@Schema({ collection: 'brand_replies', timestamps: { createdAt: 'collectedAt', updatedAt: false } })
export class BrandReply {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) externalId!: string;
  @Prop({ required: true }) accountExternalId!: string;
  @Prop({ required: true }) accountHandle!: string;
  @Prop({ required: true }) text!: string;
  @Prop({ required: true }) url!: string;
  /** The platform's publication time: the moment of the response. */
  @Prop({ required: true }) createdAt!: Date;
  @Prop({ required: true }) inReplyToExternalId!: string;
  @Prop({ type: String, default: null }) inReplyToUserId!: string | null;
  @Prop({ type: String, default: null }) conversationId!: string | null;
}

export type BrandReplyDocument = HydratedDocument<BrandReply>;
export const BrandReplySchema = SchemaFactory.createForClass(BrandReply);
BrandReplySchema.index({ workspaceId: 1, platform: 1, externalId: 1 }, { unique: true });
BrandReplySchema.index({ workspaceId: 1, platform: 1, inReplyToExternalId: 1 });
