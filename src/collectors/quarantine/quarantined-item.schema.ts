import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { REJECT_REASONS, type RejectReason } from '../collected';

/**
 * A collected item set aside because it is faulty in itself (its payload is not what the network's
 * API documents, or it has no text): kept with what the API answered, why, and the run that met
 * it, until a replay stores it. One document per topic and item; meeting it again counts a sighting.
 */
@Schema({ collection: 'collector_quarantine', versionKey: false })
export class QuarantinedItem {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) topicId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  /** the stream the item came from, e.g. `x:search`, `mastodon:tag:lumi` */
  @Prop({ required: true }) stream!: string;
  /** the network's id of the item, when its payload had one */
  @Prop({ type: String, default: null }) externalId!: string | null;
  @Prop({ type: String, required: true, enum: REJECT_REASONS }) reason!: RejectReason;
  @Prop({ required: true }) problem!: string;
  /** the item as the API answered it (for `no_text`, the normalised post) */
  @Prop({ type: MongooseSchema.Types.Mixed }) payload: unknown;
  /** the collection run (or replay) that last set it aside */
  @Prop({ required: true }) runId!: string;
  @Prop({ required: true }) rejectedAt!: Date;
  @Prop({ required: true }) lastRejectedAt!: Date;
  /** how many times it was set aside (runs that met it again, replays that still failed) */
  @Prop({ default: 1 }) sightings!: number;
}
export const QuarantinedItemSchema = SchemaFactory.createForClass(QuarantinedItem);
QuarantinedItemSchema.index({ workspaceId: 1, rejectedAt: -1 });
QuarantinedItemSchema.index({ topicId: 1, platform: 1, externalId: 1 });
