import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Settings, SETTINGS } from '../config/settings';
import { JOB_ENGINE } from '../jobs/jobs.module';
import { enqueueEvery, JobFailedError, type JobEngine } from '../jobs/job-queue';
import { PLATFORM_NAMES, PLATFORMS } from '../common/platform';
import { TopicsService } from '../topics/topics.service';
import { CollectionResult, CollectionService } from './collection.service';
import { CollectorStateService } from './collector-state.service';
import { MetricsRefresher } from './metrics-refresher';
import { NetworkApiError } from './network-error';
import { messageOf } from '../common/errors';

export interface CollectJob {
  topicId: string;
}

/**
 * Every `COLLECT_INTERVAL_SECONDS` a collect job per active topic goes to the `collect` queue
 * (BullMQ or in process). The job id names the topic and the interval, so several workers
 * scheduling at once queue it once; the topic's lease keeps two runs from overlapping.
 * `refresh-metrics` re-reads recent posts' metrics on its own interval.
 */
@Injectable()
export class CollectScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CollectScheduler');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
    private readonly registry: SchedulerRegistry,
    private readonly topics: TopicsService,
    private readonly collection: CollectionService,
    private readonly refresher: MetricsRefresher,
    private readonly state: CollectorStateService,
  ) {
    this.jobs.define({
      queue: 'collect',
      attempts: 3,
      backoffMs: this.settings.collectRetryBackoffMs,
      concurrency: 2,
      process: (data) => this.collection.collectTopic((data as CollectJob).topicId),
    });
    this.jobs.define({
      queue: 'refresh-metrics',
      attempts: 3,
      backoffMs: 10_000,
      process: () => this.refresher.refreshAll(),
    });
  }

  /**
   * Runs a collection now and resolves once it is stored (after any run already under way). A
   * BullMQ worker's error reaches us as its message only: the run's record says whether the
   * network was at fault, and the error is that network's again.
   */
  async collectNow(topicId: string): Promise<CollectionResult> {
    try {
      return await this.jobs.run<CollectJob, CollectionResult>('collect', { topicId });
    } catch (err) {
      if (err instanceof JobFailedError) {
        const last = await this.state.lastRun(topicId);
        if (last?.lastErrorKind === 'network' && last.lastError && err.message.startsWith(last.lastError)) {
          const platform = PLATFORMS.find((p) => last.lastError!.startsWith(`${PLATFORM_NAMES[p]} API: `));
          if (platform) throw new NetworkApiError(platform, last.lastError.slice(`${PLATFORM_NAMES[platform]} API: `.length));
        }
      }
      throw err;
    }
  }

  async enqueueAll(): Promise<number> {
    const topics = await this.topics.listActive();
    const slot = Math.floor(Date.now() / (this.settings.collectIntervalSeconds * 1000));
    for (const t of topics) await this.jobs.enqueue<CollectJob>('collect', { topicId: t.id }, { jobId: `collect:${t.id}:${slot}` });
    return topics.length;
  }

  onApplicationBootstrap() {
    // Only one kind of instance schedules: API-only instances (WORKER=false) leave it to workers.
    if (!this.settings.worker) return;
    const collect = setInterval(() => {
      this.enqueueAll().catch((err: unknown) => this.logger.error({ err: messageOf(err) }, 'Could not schedule collections'));
    }, this.settings.collectIntervalSeconds * 1000);
    const refresh = enqueueEvery(this.jobs, 'refresh-metrics', this.settings.refreshMetricsIntervalSeconds, {}, (err) =>
      this.logger.error({ err: err.message }, 'Could not schedule the metrics refresh'),
    );
    this.registry.addInterval('collect', collect);
    this.registry.addInterval('refresh-metrics', refresh);
    this.logger.log(
      { collectEverySeconds: this.settings.collectIntervalSeconds, refreshEverySeconds: this.settings.refreshMetricsIntervalSeconds },
      'Collection scheduled',
    );
  }

  onApplicationShutdown() {
    for (const name of ['collect', 'refresh-metrics']) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
  }
}
