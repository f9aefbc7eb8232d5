import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

/**
 * Where a stream of a topic stopped. `sinceId` moves only when a whole run has been stored;
 * `pending` records the part of the current run already stored (newest id seen, and the oldest
 * stored so far), so a killed process resumes where it stopped instead of re-reading.
 */
@Schema({ collection: 'collector_cursors', timestamps: true, versionKey: false })
export class CollectorCursor {
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  /** e.g. `x:search`, `x:timeline:<user id>`. */
  @Prop({ required: true }) stream!: string;
  @Prop({ type: String, default: null }) sinceId!: string | null;
  @Prop({ type: MongooseSchema.Types.Mixed, default: null }) pending!: { newestId: string | null; untilId: string } | null;
}
export const CollectorCursorSchema = SchemaFactory.createForClass(CollectorCursor);
CollectorCursorSchema.index({ topicId: 1, stream: 1 }, { unique: true });

/** One collection of a topic at a time, across instances: a lease that expires if its holder dies. */
@Schema({ collection: 'collection_leases', versionKey: false })
export class CollectionLease {
  @Prop({ required: true, unique: true }) key!: string;
  @Prop({ required: true }) holder!: string;
  @Prop({ required: true }) expiresAt!: Date;
}
export const CollectionLeaseSchema = SchemaFactory.createForClass(CollectionLease);

/** Posts read from a paid API per calendar month (UTC), against the monthly read cap. */
@Schema({ collection: 'api_usage', versionKey: false })
export class ApiUsage {
  @Prop({ required: true }) platform!: string;
  /** `YYYY-MM`. */
  @Prop({ required: true }) month!: string;
  @Prop({ default: 0 }) reads!: number;
}
export const ApiUsageSchema = SchemaFactory.createForClass(ApiUsage);
ApiUsageSchema.index({ platform: 1, month: 1 }, { unique: true });

/** How the last collections of a topic went, for operators: one document per topic. */
@Schema({ collection: 'collection_status', versionKey: false })
export class CollectionStatus {
  @Prop({ type: Types.ObjectId, required: true, unique: true }) topicId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Date, default: null }) lastStartedAt!: Date | null;
  @Prop({ type: Date, default: null }) lastSucceededAt!: Date | null;
  /** what the last successful run stored */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null }) lastCounts!: {
    mentions: number;
    posts: number;
    replies: number;
    capReached?: boolean;
  } | null;
  @Prop({ type: Date, default: null }) lastFailedAt!: Date | null;
  /** the last failure's message (a run that fails is retried by its job; this says why it failed) */
  @Prop({ type: String, default: null }) lastError!: string | null;
  /** whose fault the last failure was: the network's API (`network`) or the run's own (`run`: storage, enrichment, settings) */
  @Prop({ type: String, default: null }) lastErrorKind!: 'network' | 'run' | null;
  /** per stream, what the last run (finished or failed) did with the items it read */
  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] }) lastRunStreams!: StreamRunCounts[];
}

export interface StreamRunCounts {
  stream: string;
  /** items stored for the first time */
  stored: number;
  /** items stored by an earlier run */
  known: number;
  /** items set aside in quarantine */
  rejected: number;
}
export const CollectionStatusSchema = SchemaFactory.createForClass(CollectionStatus);
CollectionStatusSchema.index({ workspaceId: 1 });
