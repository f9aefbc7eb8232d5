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
 * How long shutdown waits for running jobs before it abandons them. A job abandoned is not lost:
 * its lock lapses, BullMQ's stalled-job check hands it to the next worker, and the processors
 * resume from what they saved (collection keeps its cursor per page). Well under the usual 30 s
 * between an orchestrator's SIGTERM and its SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 12_000;
/** Bound on each closing step after the grace period (closing workers, queues, connections). */
export const SHUTDOWN_STEP_MS = 3_000;

/** Whether `promise` settled within `ms`; a rejection counts as settled and is swallowed. */
const settledWithin = (ms: number, promise: Promise<unknown>): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
};

interface RunningJob {
  queue: QueueName;
  jobId: string;
  /** settles (never rejects) when the processor returns or throws */
  done: Promise<void>;
}

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
  /** Jobs this instance's processors are running, by queue and job id. */
  private readonly running = new Map<string, RunningJob>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly worker = true,
    private readonly prefix = 'ouvidor',
    /** BullMQ's lock on a running job and its stalled-job check (BullMQ's default: 30 s each) */
    private readonly lockMs = 30_000,
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
      async (job: Job) => {
        const jobId = job.id ?? '';
        const key = `${def.queue}/${jobId}`;
        const run = def.process(job.data, { attempt: job.attemptsMade + 1, jobId });
        this.running.set(key, {
          queue: def.queue,
          jobId,
          done: run.then(
            () => undefined,
            () => undefined,
          ),
        });
        try {
          return await run;
        } finally {
          this.running.delete(key);
        }
      },
      {
        connection: this.duplicate(),
        prefix: this.prefix,
        concurrency: def.concurrency ?? 1,
        lockDuration: this.lockMs,
        stalledInterval: this.lockMs,
      },
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

  /**
   * Bounded whatever Redis does: BullMQ's own close waits for running jobs and for Redis, and
   * ioredis reconnects for ever, so a stop during an outage would hang. Running jobs get
   * SHUTDOWN_GRACE_MS; then workers are closed by force and connections dropped without a
   * goodbye when Redis is not there to hear it.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // no new jobs from here on; pause(true) does not wait for the running ones
    await settledWithin(SHUTDOWN_STEP_MS, Promise.allSettled(this.workers.map((w) => w.pause(true))));
    const waiting = [...this.running.values()];
    if (waiting.length) {
      this.logger.log(
        { jobs: waiting.map(({ queue, jobId }) => ({ queue, jobId })), graceMs: SHUTDOWN_GRACE_MS },
        'Waiting for running jobs before closing',
      );
      await settledWithin(SHUTDOWN_GRACE_MS, Promise.all(waiting.map((j) => j.done)));
    }
    const abandoned = [...this.running.values()].map(({ queue, jobId }) => ({ queue, jobId }));
    if (abandoned.length) {
      this.logger.warn(
        { jobs: abandoned, graceMs: SHUTDOWN_GRACE_MS },
        'Running jobs abandoned at shutdown: BullMQ will find them stalled and run them again',
      );
    }
    const redisUp = this.connection.status === 'ready';
    if (!redisUp) this.logger.warn({ redis: this.connection.status }, 'Redis unreachable at shutdown: closing without waiting for it');
    const force = abandoned.length > 0 || !redisUp;

    const step = async (what: string, closes: Promise<unknown>[]) => {
      if (!(await settledWithin(SHUTDOWN_STEP_MS, Promise.allSettled(closes)))) {
        this.logger.warn({ step: what, waitedMs: SHUTDOWN_STEP_MS }, 'Shutdown step did not finish in time: left behind');
      }
    };
    await step(
      'workers',
      this.workers.map((w) => w.close(force)),
    );
    // closed even with Redis away: a closing QueueEvents or Queue stops its loops, which would
    // otherwise reconnect the connections dropped below
    await step(
      'queue events',
      [...this.events.values()].map((e) => e.close()),
    );
    await step(
      'queues',
      [...this.queues.values()].map((q) => q.close()),
    );
    if (redisUp)
      await step(
        'connections',
        [...this.owned, this.connection].map((c) => c.quit()),
      );
    // Whatever is still open (Redis away, or a step left behind) is dropped: disconnect() also
    // stops ioredis reconnecting, and fails the commands still queued for Redis, which their
    // callers (BullMQ) catch.
    for (const c of [...this.owned, this.connection]) {
      if (c.status !== 'end') c.disconnect();
    }
  }
}
