import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema } from 'mongoose';

export const DEFAULT_SOCIAL_MEDIUMS = ['social', 'social-media', 'sm', 'organic-social', 'paid-social'];

export interface BusinessHoursSettings {
  enabled: boolean;
  /** Keys mon..sun, each a list of local working intervals `{ start: 'HH:mm', end: 'HH:mm' }`. */
  schedule: Record<string, { start: string; end: string }[]>;
  /** Local dates `YYYY-MM-DD` with no working time. */
  holidays: string[];
}

export interface RoutingRule {
  /** Word or phrase; matched case- and accent-insensitively on word boundaries. */
  keyword: string;
  team: string;
  agentId?: string;
}

export interface WorkspaceSettings {
  sla: { firstResponseSeconds: number; resolutionSeconds: number; abandonmentSeconds: number };
  businessHours: BusinessHoursSettings;
  costs: { perCall: number; perSocialInteraction: number };
  socialMediums: string[];
  sentiment: { positiveThreshold: number; negativeThreshold: number };
  webhook: { url: string | null };
  /** Ordered keyword rules: the first that matches a support mention routes its case (docs/KPIS.md, "Customer care": per routing keyword). */
  routingRules: RoutingRule[];
}

export function defaultWorkspaceSettings(): WorkspaceSettings {
  const day = [{ start: '09:00', end: '18:00' }];
  return {
    sla: { firstResponseSeconds: 2 * 3600, resolutionSeconds: 24 * 3600, abandonmentSeconds: 24 * 3600 },
    businessHours: { enabled: false, schedule: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [] },
    costs: { perCall: 12, perSocialInteraction: 1 },
    socialMediums: [...DEFAULT_SOCIAL_MEDIUMS],
    sentiment: { positiveThreshold: 0.05, negativeThreshold: -0.05 },
    webhook: { url: null },
    routingRules: [],
  };
}

@Schema({ collection: 'workspaces', timestamps: true })
export class Workspace {
  @Prop({ required: true, trim: true, maxlength: 120 })
  name!: string;

  /** Unique, stable handle; `default` is the installation's own workspace. */
  @Prop({ required: true, unique: true })
  slug!: string;

  @Prop({ required: true })
  timezone!: string;

  @Prop({ required: true, uppercase: true, minlength: 3, maxlength: 3 })
  currency!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true, default: defaultWorkspaceSettings })
  settings!: WorkspaceSettings;

  /**
   * Secret for signed webhooks into this workspace (leads). Never returned after creation. Stored
   * encrypted (`enc:v1:…`, see common/secrets-at-rest.ts); read it through WorkspacesService.webhookSecret().
   */
  @Prop({ required: true, select: false })
  webhookSecret!: string;
}

export type WorkspaceDocument = HydratedDocument<Workspace>;
export const WorkspaceSchema = SchemaFactory.createForClass(Workspace);
