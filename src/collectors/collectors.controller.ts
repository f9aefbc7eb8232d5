import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Settings, SETTINGS } from '../config/settings';
import { TopicsService } from '../topics/topics.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { COLLECTORS, Collector } from './collector';
import { CollectorStateService } from './collector-state.service';

/** Is collection working? The networks this installation reads, and how each topic's last runs went. */
@ApiTags('topics')
@ApiBearerAuth()
@Controller('api/v1/collectors')
export class CollectorsController {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(COLLECTORS) private readonly collectors: Collector[],
    private readonly topics: TopicsService,
    private readonly state: CollectorStateService,
  ) {}

  @Get('status')
  @Roles('admin', 'analyst')
  @ApiOperation({
    summary: "Networks (configured or not, posts read this month against X's cap) and, per topic of this workspace, its last run, last success, last error and where each stream stands",
  })
  async status(@Auth() auth: AuthContext) {
    const networks = await Promise.all(
      this.collectors.map(async (c) => ({
        platform: c.platform,
        configured: c.configured,
        readsThisMonth: await this.state.readsThisMonth(c.platform),
        // the cap guards X's paid reads; the demo emulator has none
        monthlyReadCap: c.platform === 'x' && this.settings.x.bearerToken && this.settings.x.monthlyReadCap > 0 ? this.settings.x.monthlyReadCap : null,
      })),
    );
    const topics = await this.topics.list(auth.workspaceId);
    const { statuses, cursors } = await this.state.topicStatus(topics.map((t) => t.id));
    const statusOf = new Map(statuses.map((s) => [String(s.topicId), s]));
    return {
      networks,
      topics: topics.map((t) => {
        const s = statusOf.get(t.id);
        return {
          id: t.id,
          name: t.name,
          active: t.active,
          platforms: t.platforms,
          lastStartedAt: s?.lastStartedAt ?? null,
          lastSucceededAt: s?.lastSucceededAt ?? null,
          lastCounts: s?.lastCounts ?? null,
          lastFailedAt: s?.lastFailedAt ?? null,
          lastError: s?.lastError ?? null,
          streams: cursors
            .filter((c) => String(c.topicId) === t.id)
            .map((c) => ({ stream: c.stream, platform: c.stream.split(':')[0], caughtUpTo: c.sinceId, resuming: c.pending !== null, updatedAt: c.updatedAt ?? null })),
        };
      }),
    };
  }
}
