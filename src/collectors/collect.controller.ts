import { BadGatewayException, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TopicsService } from '../topics/topics.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { CollectScheduler } from './collect.scheduler';
import { NetworkApiError } from './network-error';

@ApiTags('topics')
@ApiBearerAuth()
@Controller('api/v1/topics')
export class CollectController {
  constructor(
    private readonly topics: TopicsService,
    private readonly scheduler: CollectScheduler,
  ) {}

  @Post(':id/collect')
  @HttpCode(200)
  @Roles('admin', 'analyst')
  @ApiOperation({
    summary:
      "Collect this topic now; answers once the batch is stored, with the counts of new mentions, posts and replies. 502 with the network's error when a network's API cannot be read (down after retries, refusing connections, answering something other than its API)",
  })
  async collect(@Auth() auth: AuthContext, @Param('id') id: string) {
    const topic = await this.topics.get(auth.workspaceId, id);
    try {
      const { mentions, posts, replies, capReached } = await this.scheduler.collectNow(topic.id);
      return { mentions, posts, replies, ...(capReached ? { capReached } : {}) };
    } catch (err) {
      if (err instanceof NetworkApiError) throw new BadGatewayException(err.message);
      throw err;
    }
  }
}
