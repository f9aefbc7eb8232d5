import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import type { AssignmentRule } from '../../assignment';

@Schema({ collection: 'teams', timestamps: true })
export class Team {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true, trim: true, maxlength: 80 }) name!: string;
  /** How new cases reach the team's agents (src/care/assignment.ts); none: manual. */
  @Prop({ type: Object, default: null }) assignment!: AssignmentRule | null;
  /** The agent round-robin last gave a case to: the order survives restarts. */
  @Prop({ type: String, default: null }) roundRobinLast!: string | null;
}
export const TeamSchema = SchemaFactory.createForClass(Team);
TeamSchema.index({ workspaceId: 1, name: 1 }, { unique: true });

@Schema({ collection: 'agents', timestamps: true })
export class Agent {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true, trim: true, maxlength: 120 }) name!: string;
  @Prop({ type: String, default: null, lowercase: true, trim: true }) email!: string | null;
  /** Team name (see `teams`). */
  @Prop({ type: String, default: null }) team!: string | null;
  @Prop({ default: true }) active!: boolean;
  /** Latest presence status, kept with the events for the live view. */
  @Prop({ type: String, default: 'offline' }) presence!: 'online' | 'away' | 'offline';
  /** When the latest presence status began (offline past the team's grace: cases go to others). */
  @Prop({ type: Date, default: null }) presenceSince!: Date | null;
}
export type AgentDocument = HydratedDocument<Agent>;
export const AgentSchema = SchemaFactory.createForClass(Agent);
AgentSchema.index({ workspaceId: 1, email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } });

/** Presence changes; online time is the time between `online` and the next `away`/`offline` (docs/KPIS.md, "Customer care"). */
@Schema({ collection: 'presence_events', versionKey: false })
export class PresenceEventDoc {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ required: true }) agentId!: string;
  @Prop({ type: String, required: true, enum: ['online', 'away', 'offline'] }) status!: 'online' | 'away' | 'offline';
  @Prop({ required: true }) at!: Date;
}
export const PresenceEventSchema = SchemaFactory.createForClass(PresenceEventDoc);
PresenceEventSchema.index({ workspaceId: 1, at: 1 });
/** An agent's last event before a window (the staffing schedule's presence read). */
PresenceEventSchema.index({ workspaceId: 1, agentId: 1, at: 1 });
