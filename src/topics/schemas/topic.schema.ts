import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import type { Platform } from '../../common/platform';
import { MAX_QUERY_LENGTH } from '../query/syntax';

/** Still read from here by `src/reports` and `src/exports`; new code imports `common/platform`. */
export { PLATFORM_NAMES, PLATFORMS, type Platform } from '../../common/platform';

/**
 * What a topic listens to: the workspace's own brand, or a competitor whose mentions, own posts and
 * public replies are collected alike for share of voice and public care (`src/competitors`), but
 * never open cases in the inbox.
 */
export const TOPIC_ROLES = ['brand', 'competitor'] as const;
export type TopicRole = (typeof TOPIC_ROLES)[number];

export interface OwnedAccount {
  platform: Platform;
  /** Handle without "@", lower case. */
  handle: string;
  /** The platform's user id, resolved by the collector on first use. */
  externalId?: string | null;
}

@Schema({ collection: 'topics', timestamps: true })
export class Topic {
  @Prop({ type: Types.ObjectId, required: true, index: true })
  workspaceId!: Types.ObjectId;

  @Prop({ required: true, trim: true, maxlength: 120 })
  name!: string;

  /** X recent-search query. */
  @Prop({ required: true, maxlength: MAX_QUERY_LENGTH })
  query!: string;

  @Prop({ type: [String], default: ['x'] })
  platforms!: Platform[];

  /** ISO 639-1 codes; empty means every language. */
  @Prop({ type: [String], default: [] })
  languages!: string[];

  /** Reddit: subreddits (lower-case names without "r/") whose comments are matched against the query. */
  @Prop({ type: [String], default: [] })
  subreddits!: string[];

  @Prop({ type: [{ platform: String, handle: String, externalId: String, _id: false }], default: [] })
  ownedAccounts!: OwnedAccount[];

  /** `brand` (documents from before roles existed read as the brand) or `competitor`. */
  @Prop({ type: String, enum: TOPIC_ROLES, default: 'brand' })
  role!: TopicRole;

  @Prop({ default: true })
  active!: boolean;
}

export type TopicDocument = HydratedDocument<Topic>;
export const TopicSchema = SchemaFactory.createForClass(Topic);
TopicSchema.index({ workspaceId: 1, active: 1 });
