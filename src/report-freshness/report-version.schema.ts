import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * How many times the data a workspace's reports read has changed: bumped after every write to the
 * mention or care rollups (and the small collections the overview reads), so a cached report
 * answer is reused only while nothing it was computed from has changed. In the database, not in
 * memory, so every API process sees a write another process made.
 */
@Schema({ collection: 'report_versions', versionKey: false })
export class ReportVersion {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true, default: 0 }) version!: number;
  /** How many of those changes were API writes (a user's own changes: shown on the next call). */
  @Prop({ default: 0 }) apiWrites!: number;
}

export const ReportVersionSchema = SchemaFactory.createForClass(ReportVersion);
ReportVersionSchema.index({ workspaceId: 1 }, { unique: true });
