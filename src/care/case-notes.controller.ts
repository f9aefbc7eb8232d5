import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { AgentsService } from './agents/agents.service';
import { CaseHistory } from './case-history';
import { CaseNotes } from './case-notes';
import { CasesService } from './cases.service';
import { CreateNoteDto } from './dto/case-view.dto';
import { PeopleService } from './people/people.service';

/** The case view's side panels: internal notes, the case's history, the customer's other cases. */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/cases/:id')
export class CaseNotesController {
  constructor(
    private readonly cases: CasesService,
    private readonly agents: AgentsService,
    private readonly notes: CaseNotes,
    private readonly history: CaseHistory,
    private readonly people: PeopleService,
  ) {}

  @Post('notes')
  @ApiOperation({ summary: 'Add an internal note; @name mentions of teammates are resolved to agent ids. Never sent to the customer.' })
  async addNote(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: CreateNoteDto) {
    await this.cases.get(auth.workspaceId, id);
    return this.notes.add(auth.workspaceId, id, dto, await this.agents.list(auth.workspaceId));
  }

  @Get('notes')
  @ApiOperation({ summary: "The case's internal notes, oldest first" })
  async listNotes(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.cases.get(auth.workspaceId, id);
    return this.notes.list(auth.workspaceId, id);
  }

  @Get('history')
  @ApiOperation({ summary: "The case's history: assignments, reassignments (reroutes), team and status changes, oldest first" })
  async history_(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.cases.get(auth.workspaceId, id);
    return this.history.list(auth.workspaceId, id);
  }

  @Get('other-cases')
  @ApiOperation({
    summary:
      "The customer's other cases, any status, newest first: on the same network, and on every network where the workspace linked the same person (POST /people)",
  })
  async otherCases(@Auth() auth: AuthContext, @Param('id') id: string) {
    const c = await this.cases.get(auth.workspaceId, id);
    const identities = await this.people.identitiesOf(auth.workspaceId, { platform: c.platform, authorId: c.customer.externalId });
    return this.history.otherCases(auth.workspaceId, c.id, identities);
  }
}
