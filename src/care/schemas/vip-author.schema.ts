import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/** An author a workspace marks as VIP: their cases rank higher in the triage list. */
@Schema({ collection: 'vip_authors', timestamps: { createdAt: 'markedAt', updatedAt: false } })
export class VipAuthor {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) authorId!: string;
  /** The API key that marked it. */
  @Prop({ required: true }) markedBy!: string;
}

export type VipAuthorDocument = HydratedDocument<VipAuthor>;
export const VipAuthorSchema = SchemaFactory.createForClass(VipAuthor);
VipAuthorSchema.index({ workspaceId: 1, platform: 1, authorId: 1 }, { unique: true });
