import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';

export const ALERT_TYPES = [
  'volume_spike',
  'negative_share_spike',
  'sla_breach',
  'csat_follow_up',
  'collection_failing',
  'staffing_shortfall',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/**
 * One alert per episode: `key` names the episode (a spike run's first hour, a case, a survey
 * response, a topic's failures since its last good collection) and is unique per workspace, so however often a check runs it is raised once.
 */
@Schema({ collection: 'alerts', timestamps: { createdAt: 'createdAt', updatedAt: false } })
export class Alert {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: String, required: true, enum: ALERT_TYPES }) type!: AlertType;
  @Prop({ required: true }) key!: string;
  @Prop({ type: Types.ObjectId, default: null }) topicId!: Types.ObjectId | null;
  /** When the condition happened (the spike hour, the due time, the response). */
  @Prop({ required: true }) at!: Date;
  @Prop({ required: true }) message!: string;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) details!: Record<string, unknown>;
  @Prop({
    type: { status: String, attempts: Number, lastError: String, deliveredAt: Date, _id: false },
    default: () => ({ status: 'pending', attempts: 0, lastError: null, deliveredAt: null }),
  })
  delivery!: {
    status: 'pending' | 'delivered' | 'failed' | 'skipped';
    attempts: number;
    lastError: string | null;
    deliveredAt: Date | null;
  };
}

export type AlertDocument = HydratedDocument<Alert>;
export const AlertSchema = SchemaFactory.createForClass(Alert);
AlertSchema.index({ workspaceId: 1, key: 1 }, { unique: true });
AlertSchema.index({ workspaceId: 1, at: -1 });
