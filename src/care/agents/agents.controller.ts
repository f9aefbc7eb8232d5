import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../workspaces/api-keys.service';
import { Auth, Roles } from '../../workspaces/auth/auth.decorators';
import { AgentsService } from './agents.service';
import { CreateAgentDto, CreateTeamDto, PresenceDto, UpdateAgentDto } from './dto/agent.dto';

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
}
