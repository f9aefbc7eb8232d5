import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** A workspace's staffing inputs (one document per workspace); absent fields fall back to what is measured or the defaults. */
@Schema({ collection: 'staffing_settings', versionKey: false, timestamps: { createdAt: false, updatedAt: 'updatedAt' } })
export class StaffingSettings {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  /** Share of messages to answer within the first-response target (0.8 = 80 %). */
  @Prop({ type: Number, default: null }) serviceLevelTarget!: number | null;
  /** Handle time to plan with instead of the measured one, seconds. */
  @Prop({ type: Number, default: null }) handleTimeSeconds!: number | null;
  /** Agents scheduled per local hour of week (168 values, index 0 = Monday 00:00), instead of presence history. */
  @Prop({ type: [Number], default: undefined }) schedule?: number[] | null;
}
export const StaffingSettingsSchema = SchemaFactory.createForClass(StaffingSettings);
StaffingSettingsSchema.index({ workspaceId: 1 }, { unique: true });
