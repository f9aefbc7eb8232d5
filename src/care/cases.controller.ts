import { BadRequestException, Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { CasesService } from './cases.service';
import { ListCasesQuery, RecordReplyDto, UpdateCaseDto } from './dto/case.dto';
import { CareReplySender } from './reply-sender';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly sender: CareReplySender,
  ) {}

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
  @ApiOperation({
    summary:
      'Record a reply an agent sent on the platform (if it is later collected it still counts once), or with "send": true send it on Bluesky or Mastodon in answer to the latest customer message and record it',
  })
  reply(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: RecordReplyDto) {
    if (!dto.send) return this.cases.recordReply(auth.workspaceId, id, dto);
    if (dto.externalId !== undefined || dto.at !== undefined)
      throw new BadRequestException(
        'send: a reply Ouvidor sends gets its externalId and time from the platform; leave externalId and at out',
      );
    return this.sender.send(auth.workspaceId, id, { text: dto.text, agentId: dto.agentId });
  }
}
