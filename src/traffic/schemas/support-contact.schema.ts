import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { Granularity, GRANULARITIES } from '../period-alignment';

export const CONTACT_CHANNELS = ['phone', 'email', 'chat', 'ticket'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Assisted contacts on one channel in one hour or one local day; a later value for the same period and channel replaces it. */
@Schema({ collection: 'support_contacts', timestamps: true })
export class SupportContact {
  @Prop({ type: Types.ObjectId, required: true })
  workspaceId!: Types.ObjectId;

  @Prop({ required: true })
  periodStart!: Date;

  @Prop({ type: String, required: true, enum: GRANULARITIES })
  granularity!: Granularity;

  @Prop({ type: String, required: true, enum: CONTACT_CHANNELS })
  channel!: ContactChannel;

  @Prop({ required: true, min: 0 })
  count!: number;
}

export type SupportContactDocument = HydratedDocument<SupportContact>;
export const SupportContactSchema = SchemaFactory.createForClass(SupportContact);
SupportContactSchema.index({ workspaceId: 1, periodStart: 1, granularity: 1, channel: 1 }, { unique: true });
