import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/**
 * The rollups' "whole workspace" scope, where each mention counts once whatever topics it matched.
 * A fixed id rather than null: every key field then has a concrete value, which keeps the unique
 * key an exact index lookup on any engine.
 */
export const ALL_TOPICS = new Types.ObjectId('000000000000000000000000');

/**
 * Hourly counters of mentions, kept current with `$inc` as mentions are stored, so reports never
 * scan mentions. One row per workspace, topic (null = the whole workspace, each mention once),
 * platform, UTC hour, language, sentiment and intent.
 */
@Schema({ collection: 'mention_rollups', versionKey: false })
export class MentionRollup {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId: Types.ObjectId;
  @Prop({ required: true }) platform: string;
  /** Start of the UTC hour. */
  @Prop({ required: true }) hour: Date;
  @Prop({ required: true }) lang: string;
  @Prop({ required: true }) sentiment: string;
  @Prop({ required: true }) intent: string;
  @Prop({ default: 0 }) count: number;
  /** Σ normalised sentiment score, for the mean. */
  @Prop({ default: 0 }) scoreSum: number;
}

export type MentionRollupDocument = HydratedDocument<MentionRollup>;
export const MentionRollupSchema = SchemaFactory.createForClass(MentionRollup);
MentionRollupSchema.index(
  { workspaceId: 1, topicId: 1, hour: 1, platform: 1, lang: 1, sentiment: 1, intent: 1 },
  { unique: true, name: 'rollup_key' },
);
