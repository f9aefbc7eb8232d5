import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** Posts one workspace read from a network in a calendar month (UTC), against its own cap. */
@Schema({ collection: 'api_usage_by_workspace', versionKey: false })
export class WorkspaceApiUsage {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  /** `YYYY-MM`. */
  @Prop({ required: true }) month!: string;
  @Prop({ default: 0 }) reads!: number;
}
export const WorkspaceApiUsageSchema = SchemaFactory.createForClass(WorkspaceApiUsage);
WorkspaceApiUsageSchema.index({ workspaceId: 1, platform: 1, month: 1 }, { unique: true });

/** A workspace's monthly read cap on a network, set by the installation admin over the default. */
@Schema({ collection: 'workspace_read_quotas', timestamps: true, versionKey: false })
export class WorkspaceReadQuota {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  /** Posts per month; 0 = no cap of its own (the installation's cap still holds). */
  @Prop({ required: true }) monthlyReadCap!: number;
}
export const WorkspaceReadQuotaSchema = SchemaFactory.createForClass(WorkspaceReadQuota);
WorkspaceReadQuotaSchema.index({ workspaceId: 1, platform: 1 }, { unique: true });
