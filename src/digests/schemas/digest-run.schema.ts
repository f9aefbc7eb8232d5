import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

export const RUN_STATUSES = ['sending', 'sent', 'partial', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RECIPIENT_STATUSES = ['pending', 'sent', 'refused', 'failed', 'skipped'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export interface RunRecipient {
  kind: 'email' | 'slack';
  /** The address; `webhook` for Slack (the URL is the workspace's setting and is not copied here). */
  address: string;
  status: RecipientStatus;
  /** What the SMTP server or the webhook answered, in words a tenant may see. */
  error: string | null;
  attempts: number;
  sentAt: Date | null;
}

/**
 * One digest sent for one schedule and period. The unique index on (schedule, period) is the
 * claim: whichever instance inserts it sends, every other one finds it taken. `owner` and
 * `leaseUntil` let the same job's retries, or another instance after the owner died, finish the
 * recipients still pending.
 */
@Schema({ collection: 'digest_runs', timestamps: true })
export class DigestRun {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) scheduleId!: Types.ObjectId;
  /** `2026-11-23/2026-11-30` for a scheduled run; `manual:<ISO time>` for send-now. */
  @Prop({ required: true }) period!: string;
  @Prop({ required: true }) from!: Date;
  @Prop({ required: true }) to!: Date;
  @Prop({ required: true }) dueAt!: Date;
  @Prop({ default: false }) late!: boolean;
  @Prop({ default: false }) manual!: boolean;
  @Prop({ type: String, required: true }) status!: RunStatus;
  @Prop({ required: true }) owner!: string;
  @Prop({ required: true }) leaseUntil!: Date;
  @Prop({ type: String, default: null }) subject!: string | null;
  @Prop({
    type: [{ kind: String, address: String, status: String, error: String, attempts: Number, sentAt: Date, _id: false }],
    default: [],
  })
  recipients!: RunRecipient[];
  @Prop({ type: Date, default: null }) finishedAt!: Date | null;
  createdAt?: Date;
}

export type DigestRunDocument = HydratedDocument<DigestRun>;
export const DigestRunSchema = SchemaFactory.createForClass(DigestRun);
DigestRunSchema.index({ scheduleId: 1, period: 1 }, { unique: true });
DigestRunSchema.index({ workspaceId: 1, scheduleId: 1, createdAt: -1 });
DigestRunSchema.index({ status: 1, leaseUntil: 1 });
