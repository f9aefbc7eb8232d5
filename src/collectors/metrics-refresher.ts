import { Inject, Injectable, Logger } from '@nestjs/common';
import { EngagementService } from '../engagement/engagement.service';
import { MentionsService } from '../mentions/mentions.service';
import { TopicsService } from '../topics/topics.service';
import { COLLECTORS, Collector } from './collector';

const WINDOW_MS = 7 * 24 * 3600_000;

/**
 * Likes and shares keep changing after a post is collected: re-read the metrics of own posts and
 * mentions of the last 7 days (X tweet lookup, 100 ids a request) and store the latest values.
 */
@Injectable()
export class MetricsRefresher {
  private readonly logger = new Logger('MetricsRefresher');

  constructor(
    @Inject(COLLECTORS) private readonly collectors: Collector[],
    private readonly topics: TopicsService,
    private readonly mentions: MentionsService,
    private readonly engagement: EngagementService,
  ) {}

  async refreshAll(): Promise<{ posts: number; mentions: number }> {
    const topics = await this.topics.listActive();
    const since = new Date(Date.now() - WINDOW_MS);
    const totals = { posts: 0, mentions: 0 };
    const pairs = new Set(topics.flatMap((t) => t.platforms.map((p) => `${t.workspaceId}|${p}`)));
    for (const pair of pairs) {
      const [workspaceId, platform] = pair.split('|');
      const collector = this.collectors.find((c) => c.platform === platform);
      if (!collector) continue;
      const postIds = await this.engagement.recentPostIds(workspaceId, platform, since);
      const postMetrics = await collector.lookupMetrics(postIds);
      totals.posts += await this.engagement.applyMetrics(workspaceId, platform, postMetrics);
      const mentionIds = await this.mentions.recentIds(workspaceId, platform, since);
      const mentionMetrics = await collector.lookupMetrics(mentionIds);
      totals.mentions += await this.mentions.applyMetrics(workspaceId, platform, mentionMetrics);
    }
    this.logger.log(totals, 'Metrics refreshed');
    return totals;
  }
}
