import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** A workspace's target for one KPI (by API name), with the direction that counts as better. */
@Schema({ collection: 'kpi_targets', timestamps: true })
export class KpiTargetDoc {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) kpi!: string;
  @Prop({ required: true }) value!: number;
  @Prop({ type: String, required: true, enum: ['higher', 'lower'] }) direction!: 'higher' | 'lower';
}
export const KpiTargetSchema = SchemaFactory.createForClass(KpiTargetDoc);
KpiTargetSchema.index({ workspaceId: 1, kpi: 1 }, { unique: true });
