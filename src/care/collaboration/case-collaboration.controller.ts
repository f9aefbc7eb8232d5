import { Body, Controller, Get, HttpCode, MessageEvent, Param, Post, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsMongoId } from 'class-validator';
import { concatMap, from, interval, map, merge, Observable, startWith, throttleTime } from 'rxjs';
import type { AuthContext } from '../../workspaces/api-keys.service';
import { Auth } from '../../workspaces/auth/auth.decorators';
import { CasesService } from '../cases.service';
import { CaseCollaboration } from './case-collaboration';

export class PresenceDto {
  @ApiProperty({ description: 'agent id of this workspace' }) @IsMongoId({ message: 'agentId must be an agent id' }) agentId!: string;
  @ApiProperty({ enum: ['viewing', 'typing'] })
  @IsIn(['viewing', 'typing'], { message: 'state must be viewing or typing' })
  state!: 'viewing' | 'typing';
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/cases/:id/presence')
export class CaseCollaborationController {
  constructor(
    private readonly collaboration: CaseCollaboration,
    private readonly cases: CasesService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Heartbeat: an agent is viewing or typing on the case (expires after 30 s unless renewed); answers who is there',
  })
  async beat(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: PresenceDto) {
    await this.cases.get(auth.workspaceId, id);
    return { data: await this.collaboration.heartbeat(auth.workspaceId, id, dto.agentId, dto.state) };
  }

  @Get()
  @ApiOperation({ summary: 'Who is viewing or typing on the case now' })
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.cases.get(auth.workspaceId, id);
    return { data: await this.collaboration.present(auth.workspaceId, id) };
  }

  @Sse('stream')
  @ApiOperation({
    summary: 'Server-sent events: who is on the case (`event: presence`), at once, on each heartbeat and as heartbeats expire',
  })
  stream(@Auth() auth: AuthContext, @Param('id') id: string): Observable<MessageEvent> {
    const ticks = merge(this.collaboration.changesOf(auth.workspaceId, id), interval(5_000)).pipe(
      startWith(0),
      throttleTime(250, undefined, { leading: true, trailing: true }),
    );
    return from(this.cases.get(auth.workspaceId, id)).pipe(
      concatMap(() => ticks),
      concatMap(() => this.collaboration.present(auth.workspaceId, id)),
      map((data) => ({ type: 'presence', data })),
    );
  }
}
