import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomBytes } from 'node:crypto';
import { isValidObjectId, Model, Types } from 'mongoose';
import { Observable, Subject } from 'rxjs';
import { DIGEST_ISSUER } from './auth/signed-link';
import { ApiKey, Role } from './schemas/api-key.schema';
import { Workspace } from './schemas/workspace.schema';

export interface AuthContext {
  keyId: string;
  workspaceId: string;
  role: Role;
}

/** A key revoked (`keyId`) or a whole workspace's keys gone (no `keyId`), in this process. */
export interface KeyRevocation {
  workspaceId: string;
  keyId?: string;
}

export interface IssuedApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  /** The secret itself: shown once, never stored. */
  key: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
const KEY_PATTERN = /^[A-Za-z0-9_-]{24,200}$/;
const LAST_USED_PRECISION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly revocations = new Subject<KeyRevocation>();

  constructor(
    @InjectModel(ApiKey.name) private readonly keys: Model<ApiKey>,
    @InjectModel(Workspace.name) private readonly workspaces: Model<Workspace>,
  ) {}

  /**
   * Revocations made by this process, as they happen (open streams end at once). Other instances
   * learn of them through `inactiveReason`, which every open stream re-checks every few seconds.
   */
  get revoked$(): Observable<KeyRevocation> {
    return this.revocations.asObservable();
  }

  /** To call when a workspace is deleted: its keys' open streams end. */
  workspaceDeleted(workspaceId: string): void {
    this.revocations.next({ workspaceId });
  }

  /** Why a key may no longer be used (revoked, moved, its workspace deleted), or null while it may. */
  async inactiveReason(keyId: string, workspaceId: string): Promise<string | null> {
    const key = await this.keys.exists({ _id: new Types.ObjectId(keyId), workspaceId: new Types.ObjectId(workspaceId) });
    if (!key) return 'api key revoked';
    return (await this.workspaces.exists({ _id: new Types.ObjectId(workspaceId) })) ? null : 'workspace deleted';
  }

  /**
   * Who a signed link acts as: the API key that asked for it, while that key is not revoked; a
   * digest's link (`issuer` "digest"), the workspace with the least role. A string says why the
   * link may no longer be used.
   */
  async linkContext(issuer: string, workspaceId: string): Promise<AuthContext | string> {
    const workspace = new Types.ObjectId(workspaceId);
    if (issuer !== DIGEST_ISSUER) {
      const key = await this.keys.findOne({ _id: new Types.ObjectId(issuer), workspaceId: workspace }, { role: 1 }).lean();
      if (!key) return 'the API key that made this link was revoked';
      if (!(await this.workspaces.exists({ _id: workspace }))) return 'workspace deleted';
      return { keyId: issuer, workspaceId, role: key.role };
    }
    if (!(await this.workspaces.exists({ _id: workspace }))) return 'workspace deleted';
    return { keyId: issuer, workspaceId, role: 'agent' };
  }

  static generateSecret(): string {
    return `ouv_${randomBytes(24).toString('base64url')}`;
  }

  async issue(workspaceId: string, name: string, role: Role, secret = ApiKeysService.generateSecret()): Promise<IssuedApiKey> {
    const prefix = secret.slice(0, 12);
    const doc = await this.keys.create({ workspaceId: new Types.ObjectId(workspaceId), name, role, prefix, hash: hashApiKey(secret) });
    return { id: doc.id, name, role, prefix, key: secret };
  }

  /** Makes sure a known secret (ADMIN_API_KEY) is a key of the workspace with that role. */
  async ensure(workspaceId: string, name: string, role: Role, secret: string): Promise<void> {
    await this.keys.updateOne(
      { hash: hashApiKey(secret) },
      { $set: { workspaceId: new Types.ObjectId(workspaceId), role }, $setOnInsert: { name, prefix: secret.slice(0, 12) } },
      { upsert: true },
    );
  }

  async authenticate(secret: string): Promise<AuthContext | null> {
    if (!KEY_PATTERN.test(secret)) return null;
    const doc = await this.keys.findOne({ hash: hashApiKey(secret) }).lean();
    if (!doc) return null;
    const now = Date.now();
    if (!doc.lastUsedAt || now - doc.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      void this.keys.updateOne({ _id: doc._id }, { $set: { lastUsedAt: new Date(now) } }).catch(() => undefined);
    }
    return { keyId: String(doc._id), workspaceId: String(doc.workspaceId), role: doc.role };
  }

  async countByRole(workspaceId: string, role: Role): Promise<number> {
    return this.keys.countDocuments({ workspaceId: new Types.ObjectId(workspaceId), role });
  }

  async list(workspaceId: string) {
    const docs = await this.keys
      .find({ workspaceId: new Types.ObjectId(workspaceId) })
      .sort({ createdAt: 1 })
      .lean();
    return docs.map((d) => ({
      id: String(d._id),
      name: d.name,
      role: d.role,
      prefix: d.prefix,
      createdAt: (d as unknown as { createdAt: Date }).createdAt,
      lastUsedAt: d.lastUsedAt ?? null,
    }));
  }

  /** Deletes a key of this workspace; another workspace's key id is simply not found. */
  async revoke(workspaceId: string, id: string): Promise<void> {
    if (!isValidObjectId(id)) throw new NotFoundException(`api key ${id} not found`);
    const filter = { _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) };
    const doc = await this.keys.findOne(filter).lean();
    if (!doc) throw new NotFoundException(`api key ${id} not found`);
    if (doc.role === 'admin' && (await this.countByRole(workspaceId, 'admin')) <= 1) {
      throw new ConflictException('cannot revoke the last admin key of a workspace; issue another admin key first');
    }
    await this.keys.deleteOne(filter);
    this.revocations.next({ workspaceId, keyId: id });
  }
}
