import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * An agent's claim on answering one customer message of a case, held while their reply is in
 * flight (being sent on the network, or recorded). Unique per message; expires on its own should
 * the process die before releasing it.
 */
@Schema({ collection: 'reply_claims', versionKey: false })
export class ReplyClaim {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) caseId!: string;
  /** the customer message answered: its network id, or its time when it has none */
  @Prop({ required: true }) messageKey!: string;
  @Prop({ type: String, default: null }) agentId!: string | null;
  @Prop({ required: true }) agentName!: string;
  @Prop({ required: true }) token!: string;
  @Prop({ required: true }) expiresAt!: Date;
}
export const ReplyClaimSchema = SchemaFactory.createForClass(ReplyClaim);
ReplyClaimSchema.index({ workspaceId: 1, caseId: 1, messageKey: 1 }, { unique: true });
ReplyClaimSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** An agent viewing or typing on a case: a heartbeat that expires unless renewed. */
@Schema({ collection: 'case_presence', versionKey: false })
export class CasePresenceDoc {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) caseId!: string;
  @Prop({ required: true }) agentId!: string;
  @Prop({ required: true }) agentName!: string;
  @Prop({ required: true, enum: ['viewing', 'typing'] }) state!: 'viewing' | 'typing';
  @Prop({ required: true }) at!: Date;
  @Prop({ required: true }) expiresAt!: Date;
}
export const CasePresenceSchema = SchemaFactory.createForClass(CasePresenceDoc);
CasePresenceSchema.index({ workspaceId: 1, caseId: 1, agentId: 1 }, { unique: true });
CasePresenceSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
