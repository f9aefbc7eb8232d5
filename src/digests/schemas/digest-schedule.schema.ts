import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { FREQUENCIES, type Frequency } from '../schedule';

export const DIGEST_LANGUAGES = ['pt', 'en'] as const;
export type DigestLanguage = (typeof DIGEST_LANGUAGES)[number];

/** A scheduled digest of one workspace: who gets it, when, and what it reports. */
@Schema({ collection: 'digest_schedules', timestamps: true })
export class DigestSchedule {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) name!: string;
  @Prop({ type: [String], default: [] }) emails!: string[];
  /** Also post it to the workspace's Slack-compatible webhook (its `settings.webhook.url`). */
  @Prop({ default: false }) slack!: boolean;
  @Prop({ type: String, required: true, enum: FREQUENCIES }) frequency!: Frequency;
  @Prop({ required: true }) time!: string;
  @Prop({ type: Number, default: null }) weekday!: number | null;
  @Prop({ type: Number, default: null }) monthDay!: number | null;
  @Prop({ required: true }) tz!: string;
  @Prop({ type: String, required: true }) language!: 'pt' | 'en';
  @Prop({ type: [Types.ObjectId], default: [] }) topics!: Types.ObjectId[];
  @Prop({ type: [String], default: [] }) networks!: string[];
  @Prop({ type: [String], required: true }) sections!: string[];
  @Prop({ default: true }) enabled!: boolean;
  /** Runs due before this are not sent: set at creation and when the cadence changes, from the digest clock. */
  @Prop({ required: true }) activeFrom!: Date;
  createdAt?: Date;
  updatedAt?: Date;
}

export type DigestScheduleDocument = HydratedDocument<DigestSchedule>;
export const DigestScheduleSchema = SchemaFactory.createForClass(DigestSchedule);
DigestScheduleSchema.index({ workspaceId: 1, createdAt: -1 });
DigestScheduleSchema.index({ enabled: 1 });
