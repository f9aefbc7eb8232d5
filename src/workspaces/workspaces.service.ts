import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { ApiKeysService, IssuedApiKey } from './api-keys.service';
import { defaultWorkspaceSettings, Workspace, WorkspaceSettings } from './schemas/workspace.schema';

export const DEFAULT_WORKSPACE_SLUG = 'default';

export interface WorkspaceView {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  currency: string;
  settings: WorkspaceSettings;
}

export interface NewWorkspace {
  name: string;
  timezone: string;
  currency: string;
  settings?: Partial<WorkspaceSettings>;
}

function toView(doc: Workspace & { _id: unknown }): WorkspaceView {
  return {
    id: String(doc._id),
    name: doc.name,
    slug: doc.slug,
    timezone: doc.timezone,
    currency: doc.currency,
    settings: { ...defaultWorkspaceSettings(), ...(doc.settings ?? {}) },
  };
}

function slugify(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${base || 'workspace'}-${randomBytes(3).toString('hex')}`;
}

@Injectable()
export class WorkspacesService {
  private readonly logger = new Logger(WorkspacesService.name);

  constructor(
    @InjectModel(Workspace.name) private readonly workspaces: Model<Workspace>,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** The installation's own workspace; created once, even when several instances start together. */
  async ensureDefault(defaults: { name: string; timezone: string; currency: string }): Promise<WorkspaceView> {
    await this.workspaces
      .updateOne(
        { slug: DEFAULT_WORKSPACE_SLUG },
        {
          $setOnInsert: {
            ...defaults,
            slug: DEFAULT_WORKSPACE_SLUG,
            settings: defaultWorkspaceSettings(),
            webhookSecret: randomBytes(32).toString('hex'),
          },
        },
        { upsert: true },
      )
      .catch((err) => {
        if (err?.code !== 11000) throw err;
      });
    const doc = await this.workspaces.findOne({ slug: DEFAULT_WORKSPACE_SLUG }).lean();
    return toView(doc!);
  }

  async create(input: NewWorkspace): Promise<{ workspace: WorkspaceView; apiKey: IssuedApiKey; webhookSecret: string }> {
    const webhookSecret = randomBytes(32).toString('hex');
    const doc = await this.workspaces.create({
      name: input.name,
      timezone: input.timezone,
      currency: input.currency,
      slug: slugify(input.name),
      settings: { ...defaultWorkspaceSettings(), ...(input.settings ?? {}) },
      webhookSecret,
    });
    const apiKey = await this.apiKeys.issue(doc.id, 'first admin key', 'admin');
    this.logger.log({ workspaceId: doc.id }, 'Workspace created');
    return { workspace: toView(doc.toObject()), apiKey, webhookSecret };
  }

  async get(workspaceId: string): Promise<WorkspaceView> {
    const doc = await this.workspaces.findById(new Types.ObjectId(workspaceId)).lean();
    if (!doc) throw new NotFoundException('workspace not found');
    return toView(doc);
  }

  async isDefault(workspaceId: string): Promise<boolean> {
    const doc = await this.workspaces.findById(new Types.ObjectId(workspaceId), { slug: 1 }).lean();
    return doc?.slug === DEFAULT_WORKSPACE_SLUG;
  }

  async list(): Promise<WorkspaceView[]> {
    const docs = await this.workspaces.find().sort({ createdAt: 1 }).lean();
    return docs.map(toView);
  }

  async update(
    workspaceId: string,
    patch: { name?: string; timezone?: string; currency?: string; settings?: Partial<WorkspaceSettings> },
  ): Promise<WorkspaceView> {
    const current = await this.get(workspaceId);
    const $set: Record<string, unknown> = {};
    if (patch.name !== undefined) $set.name = patch.name;
    if (patch.timezone !== undefined) $set.timezone = patch.timezone;
    if (patch.currency !== undefined) $set.currency = patch.currency;
    if (patch.settings) $set.settings = { ...current.settings, ...patch.settings };
    await this.workspaces.updateOne({ _id: new Types.ObjectId(workspaceId) }, { $set });
    return this.get(workspaceId);
  }

  async webhookSecret(workspaceId: string): Promise<string> {
    const doc = await this.workspaces.findById(new Types.ObjectId(workspaceId), { webhookSecret: 1 }).select('+webhookSecret').lean();
    if (!doc) throw new NotFoundException('workspace not found');
    return doc.webhookSecret;
  }
}
