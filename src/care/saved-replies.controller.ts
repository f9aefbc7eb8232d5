import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { AgentsService } from './agents/agents.service';
import { CasesService } from './cases.service';
import { CreateSavedReplyDto, ListSavedRepliesQuery, RenderSavedReplyDto, UpdateSavedReplyDto } from './dto/case-view.dto';
import { SavedReplies } from './saved-replies.service';

@ApiTags('saved replies')
@ApiBearerAuth()
@Controller('api/v1/saved-replies')
export class SavedRepliesController {
  constructor(
    private readonly replies: SavedReplies,
    private readonly cases: CasesService,
    private readonly agents: AgentsService,
  ) {}

  /** The team's library is curated by leads (admin, analyst); agents search it and use it. */
  @Post()
  @Roles('admin', 'analyst')
  @ApiOperation({
    summary:
      'Save a reply: shortcut (unique per workspace), pt or en, optional team, variables {{customer.name}} {{agent.name}} {{case.id}}',
  })
  create(@Auth() auth: AuthContext, @Body() dto: CreateSavedReplyDto) {
    return this.replies.create(auth.workspaceId, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Saved replies, searchable by shortcut (/cartao) or words (?q=)' })
  list(@Auth() auth: AuthContext, @Query() q: ListSavedRepliesQuery) {
    return this.replies.list(auth.workspaceId, q);
  }

  @Patch(':id')
  @Roles('admin', 'analyst')
  update(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateSavedReplyDto) {
    return this.replies.update(auth.workspaceId, id, dto);
  }

  @Delete(':id')
  @Roles('admin', 'analyst')
  @HttpCode(204)
  async remove(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.replies.remove(auth.workspaceId, id);
  }

  @Post(':id/render')
  @HttpCode(200)
  @ApiOperation({ summary: "A saved reply's text with the case's customer, the agent and the case id filled in" })
  async render(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: RenderSavedReplyDto) {
    const c = await this.cases.get(auth.workspaceId, dto.caseId);
    const agent = dto.agentId ? await this.agents.find(auth.workspaceId, dto.agentId) : null;
    if (dto.agentId && !agent) throw new BadRequestException(`agentId: agent ${dto.agentId} not found in this workspace`);
    return this.replies.render(auth.workspaceId, id, { customer: c.customer, agent, case: { id: c.id } });
  }
}
