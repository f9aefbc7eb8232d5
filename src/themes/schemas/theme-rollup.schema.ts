import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

/**
 * How long a theme rollup row counts: a UTC hour or a UTC day (`STORED_SPANS`). `slot` (15 minutes)
 * names the rows of earlier versions, removed at start (`ThemeRollupsRepository.dropSlotRows`).
 */
export const THEME_SPANS = ['slot', 'hour', 'day'] as const;
export type ThemeSpan = (typeof THEME_SPANS)[number];

/** Mention counts by label: `${sentiment initial}${intent initial}`, e.g. `nc` = negative complaint. */
export type LabelCells = Record<string, number>;

/**
 * Key-phrase counters (issue #19), kept with `$inc` from the same write batches as the mention
 * rollups: one row per workspace, topic (ALL_TOPICS: the whole workspace), span, start, platform
 * and language. Each span is counted at once, so a 90-day range reads ~90 day rows plus the hours
 * at its edges, and the mentions of its partial hours. `m` counts the row's mentions and `p` each phrase's,
 * both split by sentiment × intent, so any label filter is a sum of cells.
 */
@Schema({ collection: 'theme_rollups', versionKey: false })
export class ThemeRollup {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ type: String, required: true, enum: THEME_SPANS }) span!: ThemeSpan;
  @Prop({ type: Date, required: true }) start!: Date;
  @Prop({ required: true }) platform!: string;
  @Prop({ required: true }) lang!: string;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) m!: LabelCells;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} }) p!: Record<string, LabelCells>;
  /** Per writer lane, the highest of its writes counted here (the exactly-once guard of the mention rollups, `rollup-guard.ts`). */
  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined }) writers?: Record<string, number>;
  /** Batches or corrections from before writer lanes counted here (their guard; no longer written). */
  @Prop({ type: [Types.ObjectId], default: undefined }) applied?: Types.ObjectId[];
}

export const ThemeRollupSchema = SchemaFactory.createForClass(ThemeRollup);
ThemeRollupSchema.index(
  { workspaceId: 1, topicId: 1, span: 1, start: 1, platform: 1, lang: 1 },
  { unique: true, name: 'theme_rollup_key' },
);
