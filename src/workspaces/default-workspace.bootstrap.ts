import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Settings, SETTINGS } from '../config/settings';
import { ApiKeysService } from './api-keys.service';
import { WorkspacesService, WorkspaceView } from './workspaces.service';

/**
 * At start the default workspace exists, with an admin key: `ADMIN_API_KEY` when given, otherwise
 * one generated at the very first start and printed once (it is stored only as a hash).
 */
@Injectable()
export class DefaultWorkspaceBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Workspaces');
  private workspace: WorkspaceView | null = null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly workspaces: WorkspacesService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  get defaultWorkspace(): WorkspaceView {
    if (!this.workspace) throw new Error('default workspace not ready');
    return this.workspace;
  }

  async onApplicationBootstrap() {
    const ws = await this.workspaces.ensureDefault(
      this.settings.demo
        ? { name: 'Lumi (demo)', timezone: 'America/Sao_Paulo', currency: 'BRL' }
        : { name: 'Default', timezone: 'UTC', currency: 'USD' },
    );
    this.workspace = ws;
    if (this.settings.adminApiKey) {
      await this.apiKeys.ensure(ws.id, 'ADMIN_API_KEY', 'admin', this.settings.adminApiKey);
      this.logger.log({ workspaceId: ws.id }, 'Admin key from ADMIN_API_KEY is active for the default workspace');
      return;
    }
    if ((await this.apiKeys.countByRole(ws.id, 'admin')) > 0) return;
    const issued = await this.apiKeys.issue(ws.id, 'generated at first start', 'admin');
    // Printed once, on purpose outside the structured log, so that log shipping never stores it.
    process.stdout.write(
      `\n  Ouvidor admin API key for the default workspace (shown once, keep it safe):\n\n    ${issued.key}\n\n` +
        `  Use it as "Authorization: Bearer <key>". Set ADMIN_API_KEY to choose your own.\n\n`,
    );
    this.logger.warn({ workspaceId: ws.id, keyPrefix: issued.prefix }, 'Generated the first admin key (printed above, once)');
  }
}
