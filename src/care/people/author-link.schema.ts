import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * One of a person's identities: an author on one network, linked by the workspace to the same
 * person's authors on other networks. One row per identity, unique per workspace, so an author
 * belongs to one person at most; a person is the rows that share `personId`.
 */
@Schema({ collection: 'author_links', versionKey: false })
export class AuthorLink {
  @Prop({ type: Types.ObjectId, required: true }) workspaceId!: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) personId!: Types.ObjectId;
  @Prop({ required: true }) platform!: string;
  /** the network's author id */
  @Prop({ required: true }) authorId!: string;
  /** the API key that linked it */
  @Prop({ required: true }) linkedBy!: string;
  @Prop({ required: true }) linkedAt!: Date;
}
export const AuthorLinkSchema = SchemaFactory.createForClass(AuthorLink);
AuthorLinkSchema.index({ workspaceId: 1, platform: 1, authorId: 1 }, { unique: true });
AuthorLinkSchema.index({ workspaceId: 1, personId: 1 });
