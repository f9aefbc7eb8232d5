import { Controller, Get, MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { interval, map, merge, Observable } from 'rxjs';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { ListMentionsQuery, StreamMentionsQuery } from './dto/list-mentions.dto';
import { MentionsService } from './mentions.service';

@ApiTags('mentions')
@ApiBearerAuth()
@Controller('api/v1/mentions')
export class MentionsController {
  constructor(private readonly mentions: MentionsService) {}

  @Get()
  @ApiOperation({ summary: 'Mentions, newest first, with filters and cursor pagination (`nextCursor`)' })
  list(@Auth() auth: AuthContext, @Query() query: ListMentionsQuery) {
    return this.mentions.list(auth.workspaceId, query);
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Server-sent events: every new mention of the workspace as it is stored (`event: mention`)' })
  stream(@Auth() auth: AuthContext, @Query() query: StreamMentionsQuery): Observable<MessageEvent> {
    // A comment-like heartbeat keeps proxies from closing an idle stream.
    const heartbeat = interval(25_000).pipe(map(() => ({ type: 'ping', data: { at: new Date().toISOString() } })));
    return merge(this.mentions.stream(auth.workspaceId, query.topic), heartbeat);
  }
}
