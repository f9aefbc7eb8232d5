import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A competitor's public case as ingestion keeps it (src/competitors/public-care-ledger.service.ts):
 * who, where, when it opened and when it was first answered. The share of voice reads the slots
 * below; these rows let a customer's cases be rebuilt and their slots recounted when one of their
 * messages or one of the competitor's replies to them arrives.
 */
@Schema({ collection: 'public_cases', versionKey: false })
export class PublicCaseRecord {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) customerId!: string;
  /** The network id of the message that opened the case. */
  @Prop({ required: true }) caseId!: string;
  @Prop({ type: Date, required: true }) openedAt!: Date;
  /** The 15-minute UTC slot of `openedAt` (src/common/time-buckets.ts), where the case counts. */
  @Prop({ type: Date, required: true }) slot!: Date;
  @Prop({ type: Date, default: null }) firstResponseAt!: Date | null;
  /** The rebuild that wrote the row: rows of the same customers left by an earlier one are deleted. */
  @Prop({ type: Types.ObjectId, required: true }) build!: Types.ObjectId;
}
export const PublicCaseRecordSchema = SchemaFactory.createForClass(PublicCaseRecord);
PublicCaseRecordSchema.index({ workspaceId: 1, topicId: 1, platform: 1, caseId: 1 }, { unique: true });
PublicCaseRecordSchema.index({ workspaceId: 1, topicId: 1, platform: 1, customerId: 1 });
PublicCaseRecordSchema.index({ workspaceId: 1, topicId: 1, platform: 1, slot: 1 });

/**
 * A competitor's public care per 15-minute UTC slot and network: the cases opened in the slot, how
 * many were answered, and each answered one's first response time in seconds (wall-clock). The
 * times are kept exactly, not in a sketch: a slot holds a competitor's few cases of a quarter-hour,
 * so a month is a few tens of thousands of numbers and its median is exact.
 */
@Schema({ collection: 'public_care_slots', versionKey: false })
export class PublicCareSlot {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ type: Date, required: true }) slot!: Date;
  @Prop({ required: true }) opened!: number;
  @Prop({ required: true }) answered!: number;
  @Prop({ type: [Number], required: true }) firstResponseSeconds!: number[];
}
export const PublicCareSlotSchema = SchemaFactory.createForClass(PublicCareSlot);
PublicCareSlotSchema.index({ workspaceId: 1, topicId: 1, platform: 1, slot: 1 }, { unique: true });
PublicCareSlotSchema.index({ workspaceId: 1, topicId: 1, slot: 1 });

/**
 * One competitor topic's public care is built (every case since its first mention): the settings
 * the cases were placed with, so a change of the abandonment window rebuilds them.
 */
@Schema({ collection: 'public_care_builds', versionKey: false })
export class PublicCareBuild {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) abandonmentSeconds!: number;
  @Prop({ type: Date, required: true }) builtAt!: Date;
}
export const PublicCareBuildSchema = SchemaFactory.createForClass(PublicCareBuild);
PublicCareBuildSchema.index({ workspaceId: 1, topicId: 1 }, { unique: true });
