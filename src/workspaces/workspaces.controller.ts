import { BadRequestException, Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from './api-keys.service';
import type { Role } from './schemas/api-key.schema';
import { Auth, InstallationAdmin, Roles } from './auth/auth.decorators';
import { CreateWorkspaceDto, UpdateWorkspaceDto } from './dto/workspace.dto';
import { AgentsService } from '../care/agents/agents.service';
import { isRecord } from './settings-merge';
import { WorkspacesService, WorkspaceView } from './workspaces.service';

/** What a role may read of its workspace: the settings, less what only an admin may hold. */
export type WorkspaceViewForRole = Omit<WorkspaceView, 'settings'> & {
  settings: Omit<WorkspaceView['settings'], 'webhook'> & Partial<Pick<WorkspaceView['settings'], 'webhook'>>;
};

/**
 * An admin sees the whole workspace. Any other role sees it without `settings.webhook`: a webhook
 * URL is a credential (a Slack or Teams URL carries its token), and only an admin may change it.
 */
export function workspaceViewForRole(view: WorkspaceView, role: Role): WorkspaceViewForRole {
  if (role === 'admin') return view;
  const { webhook: _secret, ...settings } = view.settings;
  return { ...view, settings };
}

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('api/v1/workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * A routing rule's `agentId` must be an agent of the caller's workspace. The care module owns
   * agents and itself imports this module, so its service is looked up at call time.
   */
  private async foreignRoutingAgents(workspaceId: string, patch: unknown): Promise<string[]> {
    const rules = isRecord(patch) && isRecord(patch.settings) ? patch.settings.routingRules : undefined;
    if (!Array.isArray(rules)) return [];
    const agents = this.moduleRef.get(AgentsService, { strict: false });
    const problems: string[] = [];
    for (const [i, rule] of rules.entries()) {
      const agentId = isRecord(rule) ? rule.agentId : undefined;
      if (typeof agentId === 'string' && !(await agents.find(workspaceId, agentId))) {
        problems.push(`settings.routingRules.${i}.agentId must be an agent of this workspace (got ${agentId})`);
      }
    }
    return problems;
  }

  @Post()
  @InstallationAdmin()
  @ApiOperation({ summary: 'Create a workspace and its first admin key (installation admins only). The key is shown once.' })
  create(@Body() dto: CreateWorkspaceDto) {
    return this.workspaces.create(dto as never);
  }

  @Get()
  @InstallationAdmin()
  @ApiOperation({ summary: 'List every workspace of the installation' })
  list() {
    return this.workspaces.list();
  }

  @Get('current')
  @ApiOperation({
    summary: "The caller's workspace and its settings; `settings.webhook` only for admin keys (a webhook URL is a credential)",
  })
  async current(@Auth() auth: AuthContext) {
    return workspaceViewForRole(await this.workspaces.get(auth.workspaceId), auth.role);
  }

  @Patch('current')
  @Roles('admin')
  @ApiOperation({
    summary: "Change the caller's workspace: name, time zone, currency, SLA targets, business hours, costs",
    description:
      'A JSON Merge Patch (RFC 7396): send only what changes. A field not sent keeps its value, an object is merged into the stored one ' +
      'at every depth, an array replaces the stored one, and null resets a field to its default. The result is validated as a whole: ' +
      'a 400 names each invalid field and stores nothing.',
  })
  @ApiBody({ type: UpdateWorkspaceDto })
  // The body is a patch, not a workspace: it is validated after merging (WorkspacesService.update),
  // so it is taken as `unknown` and the global ValidationPipe leaves it alone.
  async update(@Auth() auth: AuthContext, @Body() body: unknown) {
    const foreign = await this.foreignRoutingAgents(auth.workspaceId, body);
    if (foreign.length) throw new BadRequestException(foreign);
    return this.workspaces.update(auth.workspaceId, body);
  }
}
