import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import type { SurveyKind } from '../../common/rows';
import { SURVEY_TYPES } from '../survey-scale';

/** Surveys sent (one, or `count` at once): the denominator of the response rate. */
@Schema({ collection: 'survey_sends', timestamps: true })
export class SurveySend {
  @Prop({ type: Types.ObjectId, required: true })
  workspaceId!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: SURVEY_TYPES })
  type!: SurveyKind;

  @Prop({ required: true })
  sentAt!: Date;

  @Prop({ required: true, min: 1, default: 1 })
  count!: number;

  @Prop({ type: Types.ObjectId, default: null })
  caseId!: Types.ObjectId | null;

  /** The sender's id for the send: a repeated one replaces the stored send. */
  @Prop({ type: String, default: null })
  externalId!: string | null;
}

export type SurveySendDocument = HydratedDocument<SurveySend>;
export const SurveySendSchema = SchemaFactory.createForClass(SurveySend);
SurveySendSchema.index({ workspaceId: 1, externalId: 1 }, { unique: true, partialFilterExpression: { externalId: { $type: 'string' } } });
// The embedded engine's planner does not use partial indexes; this one lets it find records by
// externalId without scanning the workspace. On MongoDB the unique index above already serves.
SurveySendSchema.index({ workspaceId: 1, externalId: 1, _id: 1 });
SurveySendSchema.index({ workspaceId: 1, sentAt: -1 });
