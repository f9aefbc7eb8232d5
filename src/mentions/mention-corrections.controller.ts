import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { CorrectMentionDto, MentionLabelsQuery } from './dto/correct-mention.dto';
import { MentionCorrectionsService } from './mention-corrections.service';

@ApiTags('mentions')
@ApiBearerAuth()
@Controller('api/v1/mentions')
export class MentionCorrectionsController {
  constructor(private readonly corrections: MentionCorrectionsService) {}

  @Get('labels')
  @ApiOperation({ summary: "Current sentiment and intent of some mentions, with the agents' reviews (`?ids=a,b`)" })
  labels(@Auth() auth: AuthContext, @Query() q: MentionLabelsQuery) {
    return this.corrections.labels(auth.workspaceId, [...new Set(q.ids.split(','))]);
  }

  @Patch(':id')
  @Roles('agent', 'analyst', 'admin')
  @ApiOperation({
    summary:
      "Correct a mention's sentiment and/or intent: stored beside the model's label (who, when), the rollup counts move by one, and a mention corrected to support, complaint or question opens or joins a case, while a case it opened is closed as not_support when it is corrected away",
  })
  correct(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: CorrectMentionDto) {
    return this.corrections.correct(auth.workspaceId, id, dto, auth.keyId);
  }
}
