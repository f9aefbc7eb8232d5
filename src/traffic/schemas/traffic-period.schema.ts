import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { Granularity, GRANULARITIES } from '../period-alignment';

/** Website (or help-centre) sessions in one hour or one local day; a later value for the same period replaces it. */
@Schema({ collection: 'traffic', timestamps: true })
export class TrafficPeriod {
  @Prop({ type: Types.ObjectId, required: true })
  workspaceId!: Types.ObjectId;

  /** Start of a local hour or of a local day in the workspace's time zone. */
  @Prop({ required: true })
  periodStart!: Date;

  @Prop({ type: String, required: true, enum: GRANULARITIES })
  granularity!: Granularity;

  @Prop({ required: true, min: 0 })
  sessions!: number;

  /** Sessions referred by social networks; `null` when the source did not say. */
  @Prop({ type: Number, default: null })
  socialSessions!: number | null;

  /** Sessions of the help centre; `null` when the source did not say. */
  @Prop({ type: Number, default: null })
  helpCenterSessions!: number | null;
}

export type TrafficPeriodDocument = HydratedDocument<TrafficPeriod>;
export const TrafficPeriodSchema = SchemaFactory.createForClass(TrafficPeriod);
// One value per period; also serves range reads by workspace and periodStart.
TrafficPeriodSchema.index({ workspaceId: 1, periodStart: 1, granularity: 1 }, { unique: true });
