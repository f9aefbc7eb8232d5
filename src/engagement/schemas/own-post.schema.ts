import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';

/** A post of one of the brand's owned accounts, with its latest collected metrics. */
@Schema({ collection: 'own_posts', timestamps: { createdAt: 'collectedAt', updatedAt: 'updatedAt' } })
export class OwnPost {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: [Types.ObjectId], default: [] }) topicIds!: Types.ObjectId[];
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) externalId!: string;
  @Prop({ required: true }) accountExternalId!: string;
  @Prop({ required: true }) accountHandle!: string;
  @Prop({ required: true }) text!: string;
  @Prop({ required: true }) url!: string;
  /** The platform's publication time. */
  @Prop({ required: true }) createdAt!: Date;
  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  metrics!: { likes: number; reposts: number | null; quotes: number; replies: number; impressions: number | null };
  @Prop({ type: Date, required: true }) metricsUpdatedAt!: Date;
}

export type OwnPostDocument = HydratedDocument<OwnPost>;
export const OwnPostSchema = SchemaFactory.createForClass(OwnPost);
OwnPostSchema.index({ workspaceId: 1, platform: 1, externalId: 1 }, { unique: true });
OwnPostSchema.index({ workspaceId: 1, createdAt: -1 });

/** An owned account's follower count at one moment; the count closest to a report's end is used. */
@Schema({ collection: 'account_snapshots', versionKey: false })
export class AccountSnapshot {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) accountExternalId!: string;
  @Prop({ required: true }) handle!: string;
  @Prop({ required: true }) followers!: number;
  /** Truncated to the hour: one sample an hour per account is plenty. */
  @Prop({ required: true }) at!: Date;
}

export const AccountSnapshotSchema = SchemaFactory.createForClass(AccountSnapshot);
AccountSnapshotSchema.index({ workspaceId: 1, platform: 1, accountExternalId: 1, at: 1 }, { unique: true });
