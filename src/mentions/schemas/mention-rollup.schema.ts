import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';

/**
 * The rollups' "whole workspace" scope, where each mention counts once whatever topics it matched.
 * A fixed id rather than null: every key field then has a concrete value, which keeps the unique
 * key an exact index lookup on any engine.
 */
export const ALL_TOPICS = new Types.ObjectId('000000000000000000000000');

/**
 * Counters of mentions per 15-minute slot, kept current with `$inc` as mentions are stored, so
 * reports never scan mentions. One document per workspace, topic (ALL_TOPICS = the whole
 * workspace, each mention once), platform and UTC slot, holding the marginal counts every listening
 * KPI needs: a 90-day report reads at most 8,640 small documents per platform (fewer where some
 * quarter-hours have no mention). Slots of 15 minutes, not hours, because a UTC hour straddles the
 * local hours and days of zones such as Asia/Kolkata (+05:30); a slot never does.
 */
@Schema({ collection: 'mention_rollups', versionKey: false })
export class MentionRollup {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  /** Start of the 15-minute UTC slot (rows written before slots existed: start of the UTC hour). */
  @Prop({ required: true }) hour!: Date;
  @Prop({ default: 0 }) count!: number;
  /** Σ normalised sentiment score, for the mean. */
  @Prop({ default: 0 }) scoreSum!: number;
  @Prop({ default: 0 }) positive!: number;
  @Prop({ default: 0 }) negative!: number;
  @Prop({ default: 0 }) neutral!: number;
  @Prop({ default: 0 }) support!: number;
  @Prop({ default: 0 }) complaint!: number;
  @Prop({ default: 0 }) question!: number;
  @Prop({ default: 0 }) lead!: number;
  @Prop({ default: 0 }) praise!: number;
  @Prop({ default: 0 }) other!: number;
  /** Mentions per detected language, e.g. `{ pt: 12, en: 3 }`. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) langs!: Record<string, number>;
  /**
   * Per writer lane, the highest of its writes counted here (`rollup-guard.ts`): an increment is
   * applied only if the row has not taken its write, so replaying a batch after a crash never
   * counts a mention twice, however many batches came after.
   */
  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined }) writers?: Record<string, number>;
  /** Ids of batches and corrections from before writer lanes that were counted here (their guard; no longer written). */
  @Prop({ type: [Types.ObjectId], default: undefined }) applied?: Types.ObjectId[];
}

export type MentionRollupDocument = HydratedDocument<MentionRollup>;
export const MentionRollupSchema = SchemaFactory.createForClass(MentionRollup);
MentionRollupSchema.index({ workspaceId: 1, topicId: 1, hour: 1, platform: 1 }, { unique: true, name: 'rollup_key' });

/**
 * The same counters per UTC hour and UTC day, kept with the slots in the same guarded writes
 * (`RollupsRepository`), so a long report reads about one row a day (`rollupCover`) instead of 96.
 * `inb` holds the inbound support of each slot inside the span (slot index → count; see
 * `inboundOf`), which is what a local hour that starts mid-span (Asia/Kolkata) needs for the
 * peak hour. `rev` counts the writes, for the rebuild's compare-and-set.
 */
@Schema({ collection: 'mention_rollup_spans', versionKey: false })
export class MentionRollupSpan {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ type: String, required: true, enum: ['hour', 'day'] }) span!: 'hour' | 'day';
  @Prop({ type: Date, required: true }) start!: Date;
  @Prop({ required: true }) platform!: string;
  @Prop({ default: 0 }) count!: number;
  @Prop({ default: 0 }) scoreSum!: number;
  @Prop({ default: 0 }) positive!: number;
  @Prop({ default: 0 }) negative!: number;
  @Prop({ default: 0 }) neutral!: number;
  @Prop({ default: 0 }) support!: number;
  @Prop({ default: 0 }) complaint!: number;
  @Prop({ default: 0 }) question!: number;
  @Prop({ default: 0 }) lead!: number;
  @Prop({ default: 0 }) praise!: number;
  @Prop({ default: 0 }) other!: number;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) inb!: Record<string, number>;
  @Prop({ default: 0 }) rev!: number;
  /** The rebuild attempt that last wrote the row whole (how it tells the rows it replaced). */
  @Prop({ type: Types.ObjectId }) rebuiltBy?: Types.ObjectId;
  /** As on the slot rows: each writer lane's highest write counted here, and the ids of writes from before lanes. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined }) writers?: Record<string, number>;
  @Prop({ type: [Types.ObjectId], default: undefined }) applied?: Types.ObjectId[];
}
export const MentionRollupSpanSchema = SchemaFactory.createForClass(MentionRollupSpan);
MentionRollupSpanSchema.index({ workspaceId: 1, topicId: 1, span: 1, start: 1, platform: 1 }, { unique: true, name: 'rollup_span_key' });

/** A workspace whose hour and day rows are whole (built from its slots once; kept since by every write). */
@Schema({ collection: 'mention_rollup_span_states', versionKey: false })
export class MentionRollupSpanState {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Date, required: true }) builtAt!: Date;
}
export const MentionRollupSpanStateSchema = SchemaFactory.createForClass(MentionRollupSpanState);
MentionRollupSpanStateSchema.index({ workspaceId: 1 }, { unique: true });

/**
 * One write batch of mentions whose rollup increments are not yet applied (a transactional outbox
 * without transactions). Written before the mentions, deleted after their increments; one left
 * behind by a crash is finished by `RollupOutboxService.repairRollups`.
 */
@Schema({ collection: 'rollup_batches', versionKey: false })
export class RollupBatch {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  /** The topic the batch was collected for: its new mentions count there and, for a brand topic, in ALL_TOPICS. */
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  /** False for a competitor topic's batch: its new mentions stay out of ALL_TOPICS (absent: a batch from before, counted there). */
  @Prop({ type: Boolean }) workspaceWide?: boolean;
  @Prop({ type: Date, required: true }) startedAt!: Date;
  /** The writer lane and its sequence number the batch's increments are guarded by (absent: a batch from before lanes, guarded by its id). */
  @Prop({ type: String }) lane?: string;
  @Prop({ type: Number }) seq?: number;
}
export const RollupBatchSchema = SchemaFactory.createForClass(RollupBatch);
RollupBatchSchema.index({ startedAt: 1 });
