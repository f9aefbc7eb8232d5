import { Body, Controller, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../workspaces/api-keys.service';
import { Auth, Roles } from '../../workspaces/auth/auth.decorators';
import { AgentsService } from './agents.service';
import { AssignmentRuleDto, CreateAgentDto, CreateTeamDto, PresenceDto, UpdateAgentDto } from './dto/agent.dto';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('api/v1')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post('teams')
  @Roles('admin')
  createTeam(@Auth() auth: AuthContext, @Body() dto: CreateTeamDto) {
    return this.agents.createTeam(auth.workspaceId, dto.name);
  }

  @Get('teams')
  listTeams(@Auth() auth: AuthContext) {
    return this.agents.listTeams(auth.workspaceId);
  }

  @Post('agents')
  @Roles('admin')
  create(@Auth() auth: AuthContext, @Body() dto: CreateAgentDto) {
    return this.agents.create(auth.workspaceId, dto);
  }

  @Get('agents')
  list(@Auth() auth: AuthContext) {
    return this.agents.list(auth.workspaceId);
  }

  @Patch('agents/:id')
  @Roles('admin')
  update(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateAgentDto) {
    return this.agents.update(auth.workspaceId, id, dto);
  }

  @Post('agents/:id/presence')
  @ApiOperation({ summary: 'Record a presence change (online / away / offline); online time comes from these events' })
  presence(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: PresenceDto) {
    return this.agents.recordPresence(auth.workspaceId, id, dto);
  }

  @Put('agents/:id/presence')
  @ApiOperation({ summary: "Set an agent's presence (online / away / offline), kept with when it began; any role of the workspace" })
  setPresence(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: PresenceDto) {
    return this.agents.recordPresence(auth.workspaceId, id, dto);
  }

  @Get('teams/:team/assignment')
  @ApiOperation({ summary: "The team's assignment rule (manual when none was set)" })
  assignment(@Auth() auth: AuthContext, @Param('team') team: string) {
    return this.agents.assignmentRule(auth.workspaceId, team);
  }

  @Put('teams/:team/assignment')
  @Roles('admin')
  @ApiOperation({
    summary: 'Set how new cases of the team reach its online agents: manual, round_robin or least_loaded, with a cap and an offline grace',
  })
  setAssignment(@Auth() auth: AuthContext, @Param('team') team: string, @Body() dto: AssignmentRuleDto) {
    return this.agents.setAssignmentRule(auth.workspaceId, team, dto);
  }
}
