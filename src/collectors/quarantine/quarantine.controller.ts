import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../workspaces/api-keys.service';
import { Auth, Roles } from '../../workspaces/auth/auth.decorators';
import { ListRejectedQuery, REPLAY_MAX, ReplayRejectedBody } from './quarantine.dto';
import { QuarantineService } from './quarantine.service';

/** Collected items set aside as faulty, and their replay once the cause is fixed. */
@ApiTags('topics')
@ApiBearerAuth()
@Controller('api/v1/collectors/rejected')
export class QuarantineController {
  constructor(private readonly quarantine: QuarantineService) {}

  @Get()
  @Roles('admin', 'analyst')
  @ApiOperation({
    summary:
      'Quarantined items of this workspace, newest first: network, stream, id, reason, problem and the payload as answered; cursor pagination (`nextCursor`)',
  })
  list(@Auth() auth: AuthContext, @Query() q: ListRejectedQuery) {
    const { cursor, limit, ...selection } = q;
    return this.quarantine.list(auth.workspaceId, selection, { cursor, limit: limit ?? 50 });
  }

  @Post('replay')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: `Reads quarantined items (by ids, or by filter: at most ${REPLAY_MAX}) again from their network and stores them as their stream would; reports what was stored and what is still rejected. Stored items leave quarantine.`,
  })
  replay(@Auth() auth: AuthContext, @Body() body: ReplayRejectedBody) {
    return this.quarantine.replay(auth.workspaceId, body, REPLAY_MAX);
  }
}
