import { BadRequestException, Inject, Injectable, Logger, NotFoundException, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { isEncryptedSecret, SecretCipher } from '../common/secrets-at-rest';
import { Settings, SETTINGS } from '../config/settings';
import { validateRecord } from '../inputs/record-batch';
import { ApiKeysService, IssuedApiKey } from './api-keys.service';
import { WorkspaceStateDto } from './dto/workspace.dto';
import { defaultWorkspaceSettings, Workspace, WorkspaceSettings } from './schemas/workspace.schema';
import { openWorkspaceSecrets, webhookSecretContext } from './workspace-secrets';
import { dropUnsetFields, isRecord, mergePatch, patchUpdate, UnsafeKeyError, withDefaults } from './settings-merge';
import { isDuplicateKeyError } from '../common/errors';

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
    settings: withDefaults(doc.settings).settings,
  };
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) value = isRecord(value) ? value[key] : undefined;
  return value;
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
export class WorkspacesService implements OnModuleInit {
  private readonly logger = new Logger(WorkspacesService.name);

  constructor(
    @InjectModel(Workspace.name) private readonly workspaces: Model<Workspace>,
    private readonly apiKeys: ApiKeysService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  private cipherReady: Promise<SecretCipher> | null = null;

  /**
   * The cipher of secrets at rest, its key loaded and checked against the stored values once
   * (at module init; a missing or wrong key refuses the start).
   */
  private cipher(): Promise<SecretCipher> {
    this.cipherReady ??= openWorkspaceSecrets(this.settings, this.workspaces);
    return this.cipherReady;
  }

  /** A key derived from the key of secrets at rest for `purpose` (signed links): see SecretCipher.deriveKey. */
  async derivedKey(purpose: string): Promise<Buffer> {
    return (await this.cipher()).deriveKey(purpose);
  }

  /** A new random webhook secret for the workspace `_id`: the plaintext (shown once) and its stored, encrypted form. */
  private async newWebhookSecret(_id: Types.ObjectId): Promise<{ plaintext: string; stored: string }> {
    const plaintext = randomBytes(32).toString('hex');
    return { plaintext, stored: (await this.cipher()).encrypt(plaintext, webhookSecretContext(_id)) };
  }

  /** The installation's own workspace; created once, even when several instances start together. */
  async ensureDefault(defaults: { name: string; timezone: string; currency: string }): Promise<WorkspaceView> {
    const existing = await this.workspaces.findOne({ slug: DEFAULT_WORKSPACE_SLUG }).lean();
    if (existing) return toView(existing);
    // The id is chosen here: the encrypted secret is bound to it. The unique slug makes a second
    // instance's insert fail (11000); both then read the one that won.
    const _id = new Types.ObjectId();
    const secret = await this.newWebhookSecret(_id);
    await this.workspaces
      .create({ _id, ...defaults, slug: DEFAULT_WORKSPACE_SLUG, settings: defaultWorkspaceSettings(), webhookSecret: secret.stored })
      .catch((err) => {
        if (!isDuplicateKeyError(err)) throw err;
      });
    const doc = await this.workspaces.findOne({ slug: DEFAULT_WORKSPACE_SLUG }).lean();
    return toView(doc!);
  }

  async create(input: NewWorkspace): Promise<{ workspace: WorkspaceView; apiKey: IssuedApiKey; webhookSecret: string }> {
    const _id = new Types.ObjectId();
    const secret = await this.newWebhookSecret(_id);
    const doc = await this.workspaces.create({
      _id,
      name: input.name,
      timezone: input.timezone,
      currency: input.currency,
      slug: slugify(input.name),
      // The validated DTO instance carries every declared field, the absent ones as undefined;
      // a JSON round trip drops those, so they cannot overwrite a default.
      settings: withDefaults(
        mergePatch(defaultWorkspaceSettings(), JSON.parse(JSON.stringify(input.settings ?? {})), defaultWorkspaceSettings(), 'settings'),
      ).settings,
      webhookSecret: secret.stored,
    });
    const apiKey = await this.apiKeys.issue(doc.id, 'first admin key', 'admin');
    this.logger.log({ workspaceId: doc.id }, 'Workspace created');
    return { workspace: toView(doc.toObject()), apiKey, webhookSecret: secret.plaintext };
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

  /**
   * Applies a JSON Merge Patch to the workspace (see settings-merge.ts): fields not sent keep their
   * stored values, `null` resets a field to its default. The merged result is validated as a
   * whole; when it is invalid the answer is a 400 naming each field and nothing is stored.
   */
  async update(workspaceId: string, patch: unknown): Promise<WorkspaceView> {
    if (!isRecord(patch)) throw new BadRequestException('the body must be a JSON object: the fields to change (JSON Merge Patch)');
    const _id = new Types.ObjectId(workspaceId);
    const doc = await this.workspaces.findById(_id).lean();
    if (!doc) throw new NotFoundException('workspace not found');
    const stored = { name: doc.name, timezone: doc.timezone, currency: doc.currency, settings: doc.settings as unknown };
    let merged: unknown;
    try {
      merged = mergePatch({ ...stored, settings: withDefaults(doc.settings).settings }, patch);
    } catch (err) {
      if (err instanceof UnsafeKeyError) throw new BadRequestException([err.message]);
      throw err;
    }
    const checked = await validateRecord(WorkspaceStateDto, merged);
    if (checked.errors) throw new BadRequestException(checked.errors);
    const { $set, $unset } = patchUpdate(patch, stored, dropUnsetFields(merged) as Record<string, unknown>);
    if (Object.keys($set).length || Object.keys($unset).length) {
      await this.workspaces.updateOne({ _id }, Object.keys($unset).length ? { $set, $unset } : { $set });
    }
    return this.get(workspaceId);
  }

  async onModuleInit() {
    await this.encryptStoredSecrets();
    await this.repairSettings();
  }

  /**
   * Encrypts, in place, webhook secrets stored in plain text by an older version; one log line
   * with the count. Each is replaced only if it still holds what was read.
   */
  async encryptStoredSecrets(): Promise<number> {
    const cipher = await this.cipher();
    const docs = await this.workspaces.find({}, { webhookSecret: 1 }).select('+webhookSecret').lean();
    let encrypted = 0;
    for (const doc of docs) {
      const plaintext = doc.webhookSecret;
      if (typeof plaintext !== 'string' || isEncryptedSecret(plaintext)) continue;
      const res = await this.workspaces.updateOne(
        { _id: doc._id, webhookSecret: plaintext },
        { $set: { webhookSecret: cipher.encrypt(plaintext, webhookSecretContext(doc._id)) } },
      );
      encrypted += res.modifiedCount;
    }
    if (encrypted) this.logger.warn({ encrypted }, 'Webhook secrets stored in plain text by an older version are now encrypted at rest');
    return encrypted;
  }

  /**
   * Fills the settings blocks that an older version stored as `null` (its PATCH replaced every
   * block it was not sent) with their defaults, one log line per workspace repaired. Each field is
   * written only if it still holds what was read, so a change made meanwhile is kept.
   */
  async repairSettings(): Promise<number> {
    const docs = await this.workspaces.find({}, { settings: 1 }).lean();
    let repaired = 0;
    for (const doc of docs) {
      const { settings, filled } = withDefaults(doc.settings);
      if (!filled.length) continue;
      const filter: Record<string, unknown> = { _id: doc._id };
      const $set: Record<string, unknown> = {};
      for (const path of filled) {
        filter[path] = valueAt(doc, path) ?? null;
        $set[path] = valueAt({ settings }, path);
      }
      const res = await this.workspaces.updateOne(filter, { $set });
      if (!res.matchedCount) continue;
      repaired++;
      this.logger.warn(
        { workspaceId: String(doc._id), filled },
        'Workspace settings repaired: missing or null fields now hold their defaults',
      );
    }
    return repaired;
  }

  async webhookSecret(workspaceId: string): Promise<string> {
    const doc = await this.workspaces.findById(new Types.ObjectId(workspaceId), { webhookSecret: 1 }).select('+webhookSecret').lean();
    if (!doc) throw new NotFoundException('workspace not found');
    // Stored encrypted (a value from an older version not yet encrypted passes through).
    return (await this.cipher()).reveal(doc.webhookSecret, webhookSecretContext(doc._id));
  }
}
