import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/**
 * A competitor's public reply to someone else's post, collected from one of the competitor topic's
 * owned accounts. Kept apart from the brand's replies (`brand_replies`) so that it can never count
 * as the brand's response to one of its own cases; public care (share of voice) reads it.
 */
@Schema({ collection: 'competitor_replies', timestamps: { createdAt: 'collectedAt', updatedAt: false } })
export class CompetitorReply {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) externalId!: string;
  @Prop({ required: true }) accountExternalId!: string;
  @Prop({ required: true }) accountHandle!: string;
  @Prop({ required: true }) text!: string;
  @Prop({ required: true }) url!: string;
  /** The platform's publication time: the moment of the response. */
  @Prop({ required: true }) createdAt!: Date;
  @Prop({ required: true }) inReplyToExternalId!: string;
  @Prop({ type: String, default: null }) conversationId!: string | null;
}

export type CompetitorReplyDocument = HydratedDocument<CompetitorReply>;
export const CompetitorReplySchema = SchemaFactory.createForClass(CompetitorReply);
CompetitorReplySchema.index({ workspaceId: 1, topicId: 1, platform: 1, externalId: 1 }, { unique: true });
CompetitorReplySchema.index({ workspaceId: 1, topicId: 1, createdAt: 1 });
CompetitorReplySchema.index({ workspaceId: 1, topicId: 1, platform: 1, inReplyToExternalId: 1 });
