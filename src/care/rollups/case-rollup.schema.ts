import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import type { DurationSketch, StoredSketch } from '../../common/duration-sketch';

/**
 * The care KPIs' counters for one workspace, scope (ALL_TOPICS = the whole workspace, each case
 * once, or a topic), platform and 15-minute UTC slot (src/common/care-rollup.ts says what counts
 * where). Rewritten whole from the slot's cases on every change, so a retried write counts nothing
 * twice.
 */
@Schema({ collection: 'case_rollups', versionKey: false })
export class CaseRollup {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) slot!: Date;
  @Prop({ default: 0 }) opened!: number;
  @Prop({ default: 0 }) frCount!: number;
  @Prop({ default: 0 }) frSum!: number;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) frSketch!: DurationSketch;
  /** Wall-clock first response seconds of the answered cases opened there, each exactly (public care's median). */
  @Prop({ type: [Number], default: [] }) frWall!: number[];
  @Prop({ default: 0 }) slaEligible!: number;
  @Prop({ default: 0 }) slaMet!: number;
  @Prop({ default: 0 }) abandonEligible!: number;
  @Prop({ default: 0 }) abandoned!: number;
  @Prop({ default: 0 }) outliers!: number;
  @Prop({ default: 0 }) resolved!: number;
  @Prop({ default: 0 }) resSum!: number;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) resSketch!: DurationSketch;
  @Prop({ default: 0 }) fcr!: number;
  @Prop({ default: 0 }) resolvedInbound!: number;
}
export const CaseRollupSchema = SchemaFactory.createForClass(CaseRollup);
CaseRollupSchema.index({ workspaceId: 1, topicId: 1, slot: 1, platform: 1 }, { unique: true, name: 'case_rollup_key' });
// Recounts and reports read a workspace's slots across its topics (`{ workspaceId, slot }`), which
// the key's topic between them would turn into a scan of every row of the workspace.
CaseRollupSchema.index({ workspaceId: 1, slot: 1 }, { name: 'case_rollup_by_slot' });

/**
 * The same counters per UTC hour and UTC day (`span`, `start`), each the sum of its slots
 * (duration sketches summed bucket by bucket, stored packed), recounted after every slot recount and in a
 * rebuild, so a long report reads about one row a day (`rollupCover`) instead of 96.
 */
@Schema({ collection: 'case_rollup_spans', versionKey: false })
export class CaseRollupSpan {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  @Prop({ type: String, required: true, enum: ['hour', 'day'] }) span!: 'hour' | 'day';
  @Prop({ required: true }) start!: Date;
  @Prop({ default: 0 }) opened!: number;
  @Prop({ default: 0 }) frCount!: number;
  @Prop({ default: 0 }) frSum!: number;
  /** Packed (`PackedSketch`, a BSON binary); plain in a row written before it. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) frSketch!: StoredSketch;
  /** Wall-clock first response seconds of the answered cases opened there, each exactly (public care's median). */
  @Prop({ type: [Number], default: [] }) frWall!: number[];
  @Prop({ default: 0 }) slaEligible!: number;
  @Prop({ default: 0 }) slaMet!: number;
  @Prop({ default: 0 }) abandonEligible!: number;
  @Prop({ default: 0 }) abandoned!: number;
  @Prop({ default: 0 }) outliers!: number;
  @Prop({ default: 0 }) resolved!: number;
  @Prop({ default: 0 }) resSum!: number;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) resSketch!: StoredSketch;
  @Prop({ default: 0 }) fcr!: number;
  @Prop({ default: 0 }) resolvedInbound!: number;
}
export const CaseRollupSpanSchema = SchemaFactory.createForClass(CaseRollupSpan);
CaseRollupSpanSchema.index({ workspaceId: 1, topicId: 1, span: 1, start: 1, platform: 1 }, { unique: true, name: 'case_rollup_span_key' });
CaseRollupSpanSchema.index({ workspaceId: 1, span: 1, start: 1 }, { name: 'case_rollup_span_by_start' });

/**
 * Whether a workspace's care rollups are whole: the SLA settings they were counted with (a change
 * of target, window or business hours recounts them) and when the last rebuild finished.
 */
@Schema({ collection: 'case_rollup_states', versionKey: false })
export class CaseRollupState {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) settingsKey!: string;
  @Prop({ type: Date, required: true }) rebuiltAt!: Date;
}
export const CaseRollupStateSchema = SchemaFactory.createForClass(CaseRollupState);
CaseRollupStateSchema.index({ workspaceId: 1 }, { unique: true });
