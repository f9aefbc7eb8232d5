import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';

import { Intent, INTENTS, SentimentLabel } from '../../common/labels';
import type { MentionCorrection } from './mention-correction';

@Schema({ collection: 'mentions', timestamps: { createdAt: 'collectedAt', updatedAt: 'updatedAt' } })
export class Mention {
  @Prop({ type: Types.ObjectId, required: true })
  workspaceId!: Types.ObjectId;

  /** Every topic of the workspace whose query matched this post. */
  @Prop({ type: [Types.ObjectId], default: [] })
  topicIds!: Types.ObjectId[];

  @Prop({ required: true })
  platform!: string;

  @Prop({ required: true })
  externalId!: string;

  @Prop({ required: true })
  url!: string;

  @Prop({ required: true })
  text!: string;

  /** The platform's `created_at`. */
  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ type: { externalId: String, handle: String, name: String, followers: Number, _id: false }, required: true })
  author!: { externalId: string; handle: string; name?: string | null; followers?: number | null };

  @Prop({ required: true })
  lang!: string;

  @Prop({ type: String, default: null })
  platformLang!: string | null;

  @Prop({ type: { score: Number, label: String, _id: false }, required: true })
  sentiment!: { score: number; label: SentimentLabel };

  @Prop({ type: String, required: true, enum: INTENTS })
  intent!: Intent;

  @Prop({ type: { team: String, keyword: String, agentId: String, _id: false }, default: null })
  routing!: { team: string; keyword: string; agentId?: string } | null;

  @Prop({ type: String, default: null })
  conversationId!: string | null;

  @Prop({ type: String, default: null })
  inReplyToExternalId!: string | null;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  metrics!: { likes: number; reposts: number; quotes: number; replies: number; impressions: number | null };

  @Prop({ type: Date, default: null })
  metricsUpdatedAt!: Date | null;

  /**
   * The write batch that stored this mention (see `RollupBatch`): the crash repair finds a
   * batch's mentions by it. Set once, at insert, so it costs no extra write.
   */
  @Prop({ type: Types.ObjectId })
  rollupBatch?: Types.ObjectId;

  /**
   * Only competitor topics have matched it so far: it counts in their rollups, not in the
   * workspace's (ALL_TOPICS), which hold the brand's mentions only. The first brand topic to match
   * it clears the mark and counts it there (a link to ALL_TOPICS). Absent on mentions stored
   * before competitors were kept out, which the workspace's rollups already counted.
   */
  @Prop({ type: Boolean })
  competitorOnly?: boolean;

  /** Write batches that linked this already-stored mention to one more topic (rare); ALL_TOPICS when a brand topic brought it into the workspace's rollups. */
  @Prop({ type: [{ batch: Types.ObjectId, topic: Types.ObjectId, _id: false }], default: undefined })
  rollupLinks?: { batch: Types.ObjectId; topic: Types.ObjectId }[];

  /**
   * Agents' reviews of the labels (PATCH /mentions/:id). A corrected `sentiment.label` / `intent`
   * holds the agent's label; the model's own is kept here, with who reviewed it and when.
   */
  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined })
  correction?: MentionCorrection;
}

export type MentionDocument = HydratedDocument<Mention>;
export const MentionSchema = SchemaFactory.createForClass(Mention);
// Idempotent ingestion: one document per post and workspace, however often it is collected.
MentionSchema.index({ workspaceId: 1, platform: 1, externalId: 1 }, { unique: true });
MentionSchema.index({ workspaceId: 1, createdAt: -1 });
MentionSchema.index({ workspaceId: 1, topicIds: 1, createdAt: -1 });
MentionSchema.index({ workspaceId: 1, platform: 1, 'author.externalId': 1, createdAt: 1 });
MentionSchema.index({ rollupBatch: 1 }, { sparse: true });
MentionSchema.index({ 'rollupLinks.batch': 1 }, { sparse: true });
// Model quality and the corrections export read the reviews of a period; the repair, unfinished ones.
MentionSchema.index({ workspaceId: 1, 'correction.at': 1 });
MentionSchema.index({ 'correction.pending.at': 1 }, { sparse: true });
