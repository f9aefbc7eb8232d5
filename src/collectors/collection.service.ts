import { Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { Settings, SETTINGS } from '../config/settings';
import { RepliesService } from '../care/replies.service';
import { EngagementService } from '../engagement/engagement.service';
import { MentionsService } from '../mentions/mentions.service';
import { TopicsService, TopicView } from '../topics/topics.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { CollectedBatch, StoredCounts } from './collected';
import { COLLECTORS, Collector } from './collector';
import { CollectorStateService, ReadCapReachedError } from './collector-state.service';
import { CollectionListeners } from './collection-listeners';

/** Short, renewed in the background while a run is alive: a crashed holder frees the topic soon. */
const LEASE_TTL_MS = 30_000;
const LEASE_WAIT_MS = 5 * 60_000;

const countsOf = ({ mentions, posts, replies }: StoredCounts): StoredCounts => ({ mentions, posts, replies });

export interface CollectionResult extends StoredCounts {
  topicId: string;
  capReached?: boolean;
}

/**
 * One collection of one topic: takes the topic's lease (never two at once, across instances),
 * runs each platform's collector, and passes every batch through enrichment and ingestion before
 * the collector may move its cursor.
 */
@Injectable()
export class CollectionService {
  private readonly logger = new Logger('Collection');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(COLLECTORS) private readonly collectors: Collector[],
    private readonly topics: TopicsService,
    private readonly workspaces: WorkspacesService,
    private readonly mentions: MentionsService,
    private readonly engagement: EngagementService,
    private readonly replies: RepliesService,
    private readonly state: CollectorStateService,
    private readonly listeners: CollectionListeners,
  ) {}

  async collectTopic(topicId: string): Promise<CollectionResult> {
    const topic = await this.topics.getById(topicId);
    if (!topic) throw new NotFoundException(`topic ${topicId} not found`);
    const lease = `collect:${topic.id}`;
    if (!(await this.state.waitForLease(lease, LEASE_TTL_MS, LEASE_WAIT_MS))) {
      throw new ServiceUnavailableException(`topic ${topic.id} is being collected by another instance; try again later`);
    }
    const totals: CollectionResult = { topicId: topic.id, mentions: 0, posts: 0, replies: 0 };
    const started = Date.now();
    await this.state.recordRun(topic.id, topic.workspaceId, { started: new Date(started) });
    const renewal = setInterval(() => void this.state.tryLease(lease, LEASE_TTL_MS).catch(() => undefined), LEASE_TTL_MS / 3);
    renewal.unref();
    try {
      const workspace = await this.workspaces.get(topic.workspaceId);
      for (const collector of this.collectors.filter((c) => topic.platforms.includes(c.platform))) {
        await collector.collect({
          topic,
          readCap: this.settings.demo && !this.settings.x.bearerToken ? 0 : this.settings.x.monthlyReadCap,
          cursor: (stream) => this.state.cursor(topic.id, stream),
          saveCursor: (stream, s) => this.state.saveCursor(topic.id, stream, s),
          heartbeat: async () => {
            await this.state.tryLease(lease, LEASE_TTL_MS);
          },
          ownedAccountResolved: (handle, externalId) => this.topics.setOwnedAccountId(topic.id, collector.platform, handle, externalId),
          store: async (batch) => {
            const counts = await this.store(workspace, topic, batch);
            totals.mentions += counts.mentions;
            totals.posts += counts.posts;
            totals.replies += counts.replies;
            return counts;
          },
        });
      }
    } catch (err) {
      if (err instanceof ReadCapReachedError) {
        this.logger.warn({ topicId: topic.id, cap: err.cap, month: err.month }, err.message);
        await this.state.recordRun(topic.id, topic.workspaceId, { succeeded: new Date(), counts: { ...countsOf(totals), capReached: true } });
        return { ...totals, capReached: true };
      }
      await this.state.recordRun(topic.id, topic.workspaceId, { failed: new Date(), error: (err as Error)?.message ?? String(err) }).catch(() => undefined);
      throw err;
    } finally {
      clearInterval(renewal);
      await this.state.releaseLease(lease).catch(() => undefined);
    }
    this.logger.log({ ...totals, ms: Date.now() - started }, 'Collection stored');
    await this.state.recordRun(topic.id, topic.workspaceId, { succeeded: new Date(), counts: countsOf(totals) });
    return totals;
  }

  private async store(workspace: Awaited<ReturnType<WorkspacesService['get']>>, topic: TopicView, batch: CollectedBatch): Promise<StoredCounts> {
    const ingested = await this.mentions.ingest(workspace, topic.id, batch.mentions);
    const posts = await this.engagement.ingestPosts(workspace.id, topic.id, batch.posts);
    await this.engagement.recordFollowers(workspace.id, batch.accounts);
    const replies = await this.replies.ingest(workspace.id, batch.replies);
    await this.listeners.ingested({ workspace, topic, mentions: ingested.stored, replies });
    return { mentions: ingested.stored.length, posts, replies: replies.length };
  }
}
