import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Settings, SETTINGS } from '../config/settings';
import type { Platform } from '../topics/schemas/topic.schema';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { CollectorStateService, NO_READ_CAPS, type ReadCaps } from './collector-state.service';
import { WorkspaceReadQuota } from './schemas/read-quota.schema';

/** Networks whose reads are paid for, so they have a monthly budget: X only (Bluesky and Mastodon are free to read). */
export const BUDGETED_PLATFORMS: readonly Platform[] = ['x'];

export type WorkspaceCapSource = 'override' | 'setting' | 'fair share' | 'none';

/**
 * A workspace's cap when the installation admin has not set one: `X_WORKSPACE_MONTHLY_READ_CAP`
 * when set, otherwise the installation's cap shared equally among its workspaces (rounded down,
 * at least 1), so that no workspace can spend the others' reads. 0 = no cap of its own.
 */
export function defaultWorkspaceCap(
  installationCap: number,
  setting: number | null,
  workspaces: number,
): { cap: number; source: WorkspaceCapSource } {
  if (setting !== null) return { cap: setting, source: setting > 0 ? 'setting' : 'none' };
  if (installationCap <= 0) return { cap: 0, source: 'none' };
  return { cap: Math.max(1, Math.floor(installationCap / Math.max(1, workspaces))), source: 'fair share' };
}

export interface WorkspaceQuotaView {
  platform: Platform;
  /** posts this workspace read this month (UTC) */
  readsThisMonth: number;
  /** this workspace's cap (null: none of its own) */
  monthlyReadCap: number | null;
  source: WorkspaceCapSource;
  installation: { readsThisMonth: number; monthlyReadCap: number | null };
}

/** The monthly read budget of each workspace on each paid network: defaults, overrides and use. */
@Injectable()
export class ReadQuotasService {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @InjectModel(WorkspaceReadQuota.name) private readonly quotas: Model<WorkspaceReadQuota>,
    private readonly workspaces: WorkspacesService,
    private readonly state: CollectorStateService,
  ) {}

  /** The caps a collection of this workspace on this network runs under. */
  async capsFor(workspaceId: string, platform: Platform): Promise<ReadCaps> {
    return (await this.resolve(workspaceId, platform)).caps;
  }

  /** Sets (a number, 0 = no cap of its own) or clears (null: back to the default) a workspace's cap. */
  async setOverride(workspaceId: string, platform: Platform, monthlyReadCap: number | null): Promise<WorkspaceQuotaView> {
    const filter = { workspaceId: new Types.ObjectId(workspaceId), platform };
    if (monthlyReadCap === null) await this.quotas.deleteOne(filter);
    else await this.quotas.updateOne(filter, { $set: { monthlyReadCap } }, { upsert: true });
    return this.view(workspaceId, platform);
  }

  /** Use and cap of each paid network for this workspace, with the installation's totals (installation admins). */
  async list(workspaceId: string): Promise<WorkspaceQuotaView[]> {
    return Promise.all(BUDGETED_PLATFORMS.map((p) => this.view(workspaceId, p)));
  }

  /** This workspace's reads and cap on a network this month (every network; free ones have no cap). */
  async usage(workspaceId: string, platform: Platform): Promise<{ readsThisMonth: number; monthlyReadCap: number | null }> {
    const [{ caps }, readsThisMonth] = await Promise.all([
      this.resolve(workspaceId, platform),
      this.state.readsThisMonth(platform, workspaceId),
    ]);
    return { readsThisMonth, monthlyReadCap: caps.workspace > 0 ? caps.workspace : null };
  }

  private async view(workspaceId: string, platform: Platform): Promise<WorkspaceQuotaView> {
    const [{ caps, source }, own, all] = await Promise.all([
      this.resolve(workspaceId, platform),
      this.state.readsThisMonth(platform, workspaceId),
      this.state.readsThisMonth(platform),
    ]);
    return {
      platform,
      readsThisMonth: own,
      monthlyReadCap: caps.workspace > 0 ? caps.workspace : null,
      source,
      installation: { readsThisMonth: all, monthlyReadCap: caps.installation > 0 ? caps.installation : null },
    };
  }

  private async resolve(workspaceId: string, platform: Platform): Promise<{ caps: ReadCaps; source: WorkspaceCapSource }> {
    // Without a bearer token in the settings X is not read, or only a local network is, which costs nothing.
    if (!BUDGETED_PLATFORMS.includes(platform) || !this.settings.x.bearerToken) return { caps: NO_READ_CAPS, source: 'none' };
    const installation = this.settings.x.monthlyReadCap;
    const override = await this.quotas.findOne({ workspaceId: new Types.ObjectId(workspaceId), platform }).lean();
    if (override) return { caps: { installation, workspace: override.monthlyReadCap }, source: 'override' };
    const { cap, source } = defaultWorkspaceCap(
      installation,
      this.settings.x.workspaceMonthlyReadCap,
      (await this.workspaces.list()).length,
    );
    return { caps: { installation, workspace: cap }, source };
  }
}
