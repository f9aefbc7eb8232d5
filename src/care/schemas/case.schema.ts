import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';

/** `not_support`: closed because an agent corrected its messages to intents that need no answer; no care KPI counts it. */
export const CASE_STATUSES = ['open', 'pending', 'resolved', 'abandoned', 'not_support'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface CaseMessage {
  direction: 'inbound' | 'outbound';
  /** The platform's post id; null for a reply recorded through the API before it is collected. */
  externalId: string | null;
  mentionId: string | null;
  text: string;
  at: Date;
  /** Where we learnt of it: collected from the platform, or recorded by an agent through the API. */
  source: 'platform' | 'api';
  agentId: string | null;
  authorHandle: string | null;
  /** The post's web address on its network, when known (collected posts, replies sent from here). */
  url?: string | null;
  /** `private` on a private care channel (WhatsApp); absent for public posts. */
  visibility?: 'private';
  /** Where the network reports delivery (WhatsApp): the furthest status reached, and each report. */
  delivery?: MessageDelivery;
}

export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface MessageDelivery {
  status: DeliveryStatus;
  at: Date;
  /** the network's reason when it failed */
  error: string | null;
  history: { status: DeliveryStatus; at: Date; error: string | null }[];
}

export interface CaseReassignment {
  at: Date;
  fromAgent: string | null;
  toAgent: string | null;
  fromTeam: string | null;
  toTeam: string | null;
}

export interface CaseNotSupport {
  at: Date;
  /** The API key whose correction closed it. */
  by: string;
  /** The corrected customer message that left the case without a support request. */
  mentionId: string;
  previousStatus: Exclude<CaseStatus, 'not_support'>;
}

/** A support conversation: opened by a support-intent mention, answered by the brand. */
@Schema({ collection: 'cases', timestamps: true, optimisticConcurrency: true })
export class Case {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: [Types.ObjectId], default: [] }) topicIds!: Types.ObjectId[];
  @Prop({ required: true }) platform!: string;
  @Prop({ type: { externalId: String, handle: String, name: String, _id: false }, required: true })
  customer!: { externalId: string; handle: string; name?: string | null };
  /** Platform conversations (X `conversation_id`) this case spans. */
  @Prop({ type: [String], default: [] }) conversationIds!: string[];
  /** Every post id of the case, inbound and outbound, to attach replies to it. */
  @Prop({ type: [String], default: [] }) externalIds!: string[];

  @Prop({ type: String, required: true, enum: CASE_STATUSES }) status!: CaseStatus;
  @Prop({ required: true }) intent!: string;
  @Prop({ type: String, default: null }) sentiment!: string | null;
  @Prop({ type: String, default: null }) lang!: string | null;

  /** The first customer message's platform time. */
  @Prop({ required: true }) openedAt!: Date;
  // An array of Mixed (not `type: Array`, which Mongoose stores as one Mixed value whose push it cannot see).
  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] }) messages!: CaseMessage[];
  @Prop({ default: 0 }) inboundCount!: number;
  @Prop({ default: 0 }) outboundCount!: number;
  @Prop({ type: Date, default: null }) lastInboundAt!: Date | null;
  @Prop({ type: Date, default: null }) lastOutboundAt!: Date | null;
  /** The first customer message after the last brand response; null when the brand spoke last. */
  @Prop({ type: Date, default: null }) awaitingReplySince!: Date | null;

  @Prop({ type: Date, default: null }) firstResponseAt!: Date | null;
  @Prop({ type: String, default: null }) firstResponder!: string | null;
  /** Due times on the workspace's SLA clock, fixed when the case opens. */
  @Prop({ required: true }) firstResponseDueAt!: Date;
  @Prop({ required: true }) resolutionDueAt!: Date;
  @Prop({ required: true }) abandonAt!: Date;
  /** Set by the care scan when the first-response due time passes unanswered. */
  @Prop({ type: Date, default: null }) breachedAt!: Date | null;

  @Prop({ type: Date, default: null }) resolvedAt!: Date | null;
  @Prop({ type: String, default: null }) resolvedBy!: string | null;
  @Prop({ type: [Date], default: [] }) resolutions!: Date[];
  @Prop({ default: 0 }) reopenCount!: number;
  @Prop({ type: Date, default: null }) lastReopenedAt!: Date | null;
  @Prop({ type: Date, default: null }) abandonedAt!: Date | null;

  @Prop({ type: String, default: null }) assignee!: string | null;
  @Prop({ type: String, default: null }) team!: string | null;
  @Prop({ type: Date, default: null }) assignedAt!: Date | null;
  @Prop({ type: String, default: null }) routingKeyword!: string | null;
  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] }) reassignments!: CaseReassignment[];
  /** Why and by whom the case was closed as `not_support`, and the status a correction back restores. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null }) notSupport!: CaseNotSupport | null;
}

export type CaseDocument = HydratedDocument<Case>;
export const CaseSchema = SchemaFactory.createForClass(Case);
CaseSchema.index({ workspaceId: 1, openedAt: -1 });
CaseSchema.index({ workspaceId: 1, status: 1, awaitingReplySince: 1 });
// The inbox (`GET /cases?status=open`, newest first): a walk of one status's cases in order, stopped at the page.
CaseSchema.index({ workspaceId: 1, status: 1, openedAt: -1 });
CaseSchema.index({ workspaceId: 1, resolvedAt: 1 });
CaseSchema.index({ workspaceId: 1, platform: 1, 'customer.externalId': 1, status: 1 });
CaseSchema.index({ workspaceId: 1, platform: 1, externalIds: 1 });
CaseSchema.index({ workspaceId: 1, platform: 1, conversationIds: 1 });
CaseSchema.index({ status: 1, firstResponseDueAt: 1 });

/** A stored case's opening and last resolution as loaded: the care rollup slots it counted in before a change. */
export interface CaseRollupTimes {
  openedAt: Date | null;
  resolvedAt: Date | null;
}
CaseSchema.post('init', function (this: CaseDocument) {
  this.$locals.rollupTimes = { openedAt: this.openedAt ?? null, resolvedAt: this.resolvedAt ?? null } satisfies CaseRollupTimes;
});
