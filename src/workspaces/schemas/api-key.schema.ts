import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

export const ROLES = ['admin', 'analyst', 'agent'] as const;
export type Role = (typeof ROLES)[number];

@Schema({ collection: 'api_keys', timestamps: true })
export class ApiKey {
  @Prop({ type: Types.ObjectId, required: true, index: true })
  workspaceId!: Types.ObjectId;

  @Prop({ required: true, trim: true, maxlength: 120 })
  name!: string;

  @Prop({ type: String, required: true, enum: ROLES })
  role!: Role;

  /** First characters of the key, shown in listings so people can tell keys apart. */
  @Prop({ required: true })
  prefix!: string;

  /**
   * SHA-256 of the whole key. Keys are 192-bit random secrets, so a fast hash is enough (a slow
   * password hash protects guessable secrets) and lets every request find its key in O(1).
   */
  @Prop({ required: true, unique: true })
  hash!: string;

  @Prop({ type: Date, default: null })
  lastUsedAt!: Date | null;
}

export type ApiKeyDocument = HydratedDocument<ApiKey>;
export const ApiKeySchema = SchemaFactory.createForClass(ApiKey);
