import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import type { SurveyKind } from '../../common/rows';
import { SURVEY_TYPES } from '../survey-scale';

/** One answer to a CSAT (1-5) or NPS (0-10) survey. */
@Schema({ collection: 'survey_responses', timestamps: true })
export class SurveyResponse {
  @Prop({ type: Types.ObjectId, required: true })
  workspaceId!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: SURVEY_TYPES })
  type!: SurveyKind;

  @Prop({ required: true })
  score!: number;

  @Prop({ required: true })
  respondedAt!: Date;

  /** When the survey was sent, if the sender knows: the response rate counts the response then. */
  @Prop({ type: Date, default: null })
  sentAt!: Date | null;

  @Prop({ type: Types.ObjectId, default: null })
  caseId!: Types.ObjectId | null;

  @Prop({ type: String, default: null })
  agentId!: string | null;

  @Prop({ type: String, default: null })
  comment!: string | null;

  /** The sender's id for the response: a repeated one replaces the stored response. */
  @Prop({ type: String, default: null })
  externalId!: string | null;

  /** A CSAT of 3 or less: someone should get back to the customer (docs/KPIS.md, "Surveys"). */
  @Prop({ required: true, default: false })
  followUp!: boolean;
}

export type SurveyResponseDocument = HydratedDocument<SurveyResponse>;
export const SurveyResponseSchema = SchemaFactory.createForClass(SurveyResponse);
SurveyResponseSchema.index(
  { workspaceId: 1, externalId: 1 },
  { unique: true, partialFilterExpression: { externalId: { $type: 'string' } } },
);
// The embedded engine's planner does not use partial indexes; this one lets it find records by
// externalId without scanning the workspace. On MongoDB the unique index above already serves.
SurveyResponseSchema.index({ workspaceId: 1, externalId: 1, _id: 1 });
SurveyResponseSchema.index({ workspaceId: 1, respondedAt: -1 });
SurveyResponseSchema.index({ workspaceId: 1, sentAt: 1 });
