import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { CasesService } from './cases.service';
import { ListCasesQuery, RecordReplyDto, UpdateCaseDto } from './dto/case.dto';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  @ApiOperation({ summary: 'The triage inbox: cases with filters and sorts (waiting longest first, newest, due soonest)' })
  list(@Auth() auth: AuthContext, @Query() q: ListCasesQuery) {
    return this.cases.list(auth.workspaceId, q);
  }

  @Get('unanswered')
  @ApiOperation({ summary: "Open cases whose last message is the customer's, with the waiting time, longest first" })
  unanswered(@Auth() auth: AuthContext) {
    return this.cases.unanswered(auth.workspaceId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A case with its messages in order' })
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.cases.get(auth.workspaceId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Assign, reassign (recorded), change status, resolve, reopen' })
  update(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateCaseDto) {
    return this.cases.update(auth.workspaceId, id, dto);
  }

  @Post(':id/replies')
  @ApiOperation({ summary: 'Record a reply sent by an agent; if it is later collected from the platform it still counts once' })
  reply(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: RecordReplyDto) {
    return this.cases.recordReply(auth.workspaceId, id, dto);
  }
}
