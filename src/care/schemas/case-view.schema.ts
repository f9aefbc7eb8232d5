import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** A reply agents reuse: per workspace, optionally per team, called up by its shortcut (`/cartao`). */
@Schema({ collection: 'saved_replies', timestamps: true })
export class SavedReply {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  /** Without the leading slash, lower case. */
  @Prop({ required: true }) shortcut!: string;
  @Prop({ required: true }) title!: string;
  @Prop({ required: true }) text!: string;
  @Prop({ type: String, required: true, enum: ['pt', 'en'] }) language!: 'pt' | 'en';
  @Prop({ type: String, default: null }) team!: string | null;
  /** Times a reply recorded or sent with this saved reply's id. */
  @Prop({ default: 0 }) uses!: number;
}
export const SavedReplySchema = SchemaFactory.createForClass(SavedReply);
SavedReplySchema.index({ workspaceId: 1, shortcut: 1 }, { unique: true });

/** An internal note on a case: never sent to the customer, never in the case's messages or their exports. */
@Schema({ collection: 'case_notes', versionKey: false })
export class CaseNote {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) caseId!: Types.ObjectId;
  @Prop({ type: String, default: null }) authorId!: string | null;
  @Prop({ required: true }) text!: string;
  /** Agents named with `@name` in the text, resolved to ids when the note was written. */
  @Prop({ type: [{ agentId: String, name: String, _id: false }], default: [] }) mentions!: { agentId: string; name: string }[];
  @Prop({ required: true }) at!: Date;
}
export const CaseNoteSchema = SchemaFactory.createForClass(CaseNote);
CaseNoteSchema.index({ workspaceId: 1, caseId: 1, at: 1 });

export const CASE_HISTORY_TYPES = ['assigned', 'reassigned', 'unassigned', 'team', 'status'] as const;
export type CaseHistoryType = (typeof CASE_HISTORY_TYPES)[number];

/** What was done to a case, as it was done: assignments, reroutes, team and status changes. */
@Schema({ collection: 'case_history', versionKey: false })
export class CaseHistoryEvent {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) caseId!: Types.ObjectId;
  @Prop({ type: String, required: true, enum: CASE_HISTORY_TYPES }) type!: CaseHistoryType;
  @Prop({ type: String, default: null }) from!: string | null;
  @Prop({ type: String, default: null }) to!: string | null;
  @Prop({ required: true }) at!: Date;
}
export const CaseHistoryEventSchema = SchemaFactory.createForClass(CaseHistoryEvent);
CaseHistoryEventSchema.index({ workspaceId: 1, caseId: 1, at: 1 });

/** One use of a saved reply: a reply recorded or sent with its id (agents report, by time range). */
@Schema({ collection: 'saved_reply_uses', versionKey: false })
export class SavedReplyUse {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) savedReplyId!: Types.ObjectId;
  @Prop({ type: String, default: null }) agentId!: string | null;
  @Prop({ required: true }) at!: Date;
}
export const SavedReplyUseSchema = SchemaFactory.createForClass(SavedReplyUse);
SavedReplyUseSchema.index({ workspaceId: 1, at: 1 });
