import { BadGatewayException, Controller, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { Settings, SETTINGS } from '../config/settings';
import { TopicsService } from '../topics/topics.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { CollectScheduler } from './collect.scheduler';
import { CollectorStateService } from './collector-state.service';
import { NetworkApiError } from './network-error';

@ApiTags('topics')
@ApiBearerAuth()
@Controller('api/v1/topics')
export class CollectController {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly topics: TopicsService,
    private readonly scheduler: CollectScheduler,
    private readonly state: CollectorStateService,
  ) {}

  @Post(':id/collect')
  @HttpCode(200)
  @Roles('admin', 'analyst')
  @ApiOperation({
    summary:
      "Collect this topic now; answers once the batch is stored, with the counts of new mentions, posts and replies (`capReached` when the workspace's or the installation's monthly read cap stopped it). 502 with the network's error when a network's API cannot be read (down after retries, refusing connections, answering something other than its API)",
  })
  @ApiTooManyRequestsResponse({
    description:
      'the topic was collected on demand less than COLLECT_ON_DEMAND_INTERVAL_SECONDS ago (default 60); Retry-After says when it may be again',
  })
  async collect(@Auth() auth: AuthContext, @Param('id') id: string, @Res({ passthrough: true }) res: Response) {
    const topic = await this.topics.get(auth.workspaceId, id);
    const interval = this.settings.collectOnDemandIntervalSeconds;
    // Every on-demand run spends the network's paid reads: one per topic per interval, whoever asks.
    if (interval > 0) {
      const claim = await this.state.claimInterval(`collect-on-demand:${topic.id}`, interval * 1000);
      if (!claim.ok) {
        res.setHeader('Retry-After', String(claim.retryAfterSeconds));
        throw new HttpException(
          {
            statusCode: 429,
            error: 'Too Many Requests',
            message: `topic ${topic.id} was collected on demand less than ${interval} s ago; try again in ${claim.retryAfterSeconds} s`,
          },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
    }
    try {
      const { mentions, posts, replies, capReached } = await this.scheduler.collectNow(topic.id);
      return { mentions, posts, replies, ...(capReached ? { capReached } : {}) };
    } catch (err) {
      if (err instanceof NetworkApiError) throw new BadGatewayException(err.message);
      throw err;
    }
  }
}
