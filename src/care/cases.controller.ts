import { BadRequestException, Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { answeredMessageKey, CaseCollaboration } from './collaboration/case-collaboration';
import { CasesService } from './cases.service';
import { ListCasesQuery, RecordReplyDto, UpdateCaseDto } from './dto/case.dto';
import { BulkCasesDto, UnansweredQuery } from './dto/triage.dto';
import { CareReplySender } from './reply-sender';
import { TriageService } from './triage.service';
import { SavedReplies } from './saved-replies.service';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly sender: CareReplySender,
    private readonly savedReplies: SavedReplies,
    private readonly triage: TriageService,
    private readonly collaboration: CaseCollaboration,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The triage inbox: cases with filters and sorts (waiting longest first, newest, due soonest)' })
  list(@Auth() auth: AuthContext, @Query() q: ListCasesQuery) {
    return this.cases.list(auth.workspaceId, q);
  }

  @Get('unanswered')
  @ApiOperation({
    summary:
      "The triage list: open cases whose last message is the customer's, with the latest message, why and since when it waits, and priority; most urgent first",
  })
  @ApiOkResponse({
    description:
      'Each case with latestMessage, waitReason (new, customer_replied, reopened), waitingSince (the message that needs an answer), waitingSeconds, vip and priority {level, score, reasons}',
  })
  unanswered(@Auth() auth: AuthContext, @Query() q: UnansweredQuery) {
    return this.triage.unanswered(auth.workspaceId, q);
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiOperation({ summary: 'One action on many cases (assign, team, resolve, not_support), with a result per case' })
  bulk(@Auth() auth: AuthContext, @Body() dto: BulkCasesDto) {
    return this.triage.bulk(auth.workspaceId, auth.keyId, dto);
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
      'Record a reply an agent sent on the platform (if it is later collected it still counts once), or with "send": true send it on Bluesky or Mastodon in answer to the latest customer message and record it; 409 naming the colleague when another reply to that message is in flight',
  })
  async reply(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: RecordReplyDto) {
    if (dto.send && (dto.externalId !== undefined || dto.at !== undefined))
      throw new BadRequestException(
        'send: a reply Ouvidor sends gets its externalId and time from the platform; leave externalId and at out',
      );
    const { savedReplyId, ...reply } = dto;
    if (savedReplyId) await this.savedReplies.assertExists(auth.workspaceId, savedReplyId);
    // one reply at a time to each customer message: a colleague's second one meanwhile is refused (409)
    const messageKey = answeredMessageKey((await this.cases.get(auth.workspaceId, id)).messages);
    const result = await this.collaboration.whileReplying(auth.workspaceId, id, messageKey, reply.agentId, () =>
      reply.send
        ? this.sender.send(auth.workspaceId, id, { text: reply.text, agentId: reply.agentId })
        : this.cases.recordReply(auth.workspaceId, id, reply),
    );
    if (savedReplyId) await this.savedReplies.countUse(auth.workspaceId, savedReplyId, reply.agentId);
    return result;
  }
}
