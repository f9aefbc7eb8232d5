import { Logger } from '@nestjs/common';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import IORedis from 'ioredis';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  EnqueueOptions,
  JobDefinition,
  JobEngine,
  JobFailedError,
  QueueHealth,
  QueueName,
} from './job-queue';

/** BullMQ keeps `:` for its own keys, so custom job ids must not contain it. */
const safeJobId = (id?: string) => id?.replace(/:/g, '.');

/**
 * BullMQ over Redis: retries with exponential back-off are BullMQ's own (`attempts`, `backoff`),
 * failed jobs stay in the failed set with their error, and several instances share the queues.
 * `WORKER=false` instances only add jobs.
 */
export class BullMqJobEngine implements JobEngine {
  readonly mode = 'bullmq' as const;
  private readonly logger = new Logger('Jobs');
  private readonly connection: IORedis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly events = new Map<QueueName, QueueEvents>();
  private readonly workers: Worker[] = [];
  private readonly defs = new Map<QueueName, JobDefinition>();
  /** Connections handed to BullMQ as instances: BullMQ leaves those open, so close() quits them. */
  private readonly owned: IORedis[] = [];

  constructor(
    private readonly redisUrl: string,
    private readonly worker = true,
    private readonly prefix = 'ouvidor',
  ) {
    this.connection = new IORedis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', (err) => this.logger.warn({ err: err.message }, 'Redis connection error'));
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const def = this.defs.get(name);
      q = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: {
          attempts: def?.attempts ?? DEFAULT_ATTEMPTS,
          backoff: { type: 'exponential', delay: def?.backoffMs ?? DEFAULT_BACKOFF_MS },
          removeOnComplete: { age: 3600, count: 100 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
      // without a listener BullMQ prints each connection error to the console, unstructured
      q.on('error', (err) => this.logger.warn({ queue: name, err: err.message }, 'Queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  private queueEvents(name: QueueName): QueueEvents {
    let e = this.events.get(name);
    if (!e) {
      e = new QueueEvents(name, { connection: this.duplicate(), prefix: this.prefix });
      e.on('error', (err) => this.logger.warn({ queue: name, err: err.message }, 'Queue events error'));
      this.events.set(name, e);
    }
    return e;
  }

  private duplicate(): IORedis {
    const c = this.connection.duplicate();
    c.on('error', (err) => this.logger.warn({ err: err.message }, 'Redis connection error'));
    this.owned.push(c);
    return c;
  }

  define(def: JobDefinition): void {
    this.defs.set(def.queue, def);
    this.queue(def.queue);
    if (!this.worker) return;
    const w = new Worker(
      def.queue,
      async (job: Job) => def.process(job.data, { attempt: job.attemptsMade + 1, jobId: job.id ?? '' }),
      { connection: this.duplicate(), prefix: this.prefix, concurrency: def.concurrency ?? 1 },
    );
    w.on('failed', (job, err) =>
      this.logger.warn({ queue: def.queue, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'Job failed'),
    );
    w.on('error', (err) => this.logger.warn({ queue: def.queue, err: err.message }, 'Worker error'));
    this.workers.push(w);
  }

  async enqueue<T>(queue: QueueName, data: T, opts: EnqueueOptions = {}): Promise<void> {
    await this.queue(queue).add(queue, data, { jobId: safeJobId(opts.jobId), delay: opts.delayMs });
  }

  async run<T, R>(queue: QueueName, data: T, opts: EnqueueOptions & { timeoutMs?: number } = {}): Promise<R> {
    const events = this.queueEvents(queue);
    await events.waitUntilReady();
    const job = await this.queue(queue).add(queue, data, { jobId: safeJobId(opts.jobId), delay: opts.delayMs });
    try {
      return (await job.waitUntilFinished(events, opts.timeoutMs ?? 10 * 60_000)) as R;
    } catch (err) {
      throw new JobFailedError(queue, job.id ?? '', (err as Error).message);
    }
  }

  async health(): Promise<QueueHealth> {
    // While the client reconnects a PING would only wait in its offline queue (one more per
    // health check, all sent when Redis returns): the connection's state already says it is down.
    if (this.connection.status !== 'ready') {
      return { status: 'down', mode: this.mode, worker: this.worker, detail: `Redis connection is ${this.connection.status}` };
    }
    try {
      const pong = await Promise.race([
        this.connection.ping(),
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error('Redis ping timed out')), 2000).unref()),
      ]);
      return { status: pong === 'PONG' ? 'up' : 'down', mode: this.mode, worker: this.worker };
    } catch (err) {
      return { status: 'down', mode: this.mode, worker: this.worker, detail: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.events.values()].map((e) => e.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled([...this.owned, this.connection].map((c) => c.quit()));
  }
}
