/**
 * One interface for background work, two engines: BullMQ over Redis when `REDIS_URL` is set, and
 * an in-process runner otherwise. Both apply the same retry policy (attempts with exponential
 * back-off) and the same de-duplication by job id, so processors never know which one runs them.
 */
export type QueueName =
  'collect' | 'refresh-metrics' | 'alerts' | 'care' | 'rollup-repair' | 'correction-repair' | 'meta-webhooks' | 'digests';

export interface JobContext {
  attempt: number;
  jobId: string;
}

export interface JobDefinition<T = unknown, R = unknown> {
  queue: QueueName;
  process(data: T, ctx: JobContext): Promise<R>;
  /** Total tries, first included. */
  attempts?: number;
  /** First back-off delay; doubles each retry. */
  backoffMs?: number;
  concurrency?: number;
}

export interface EnqueueOptions {
  /** Jobs with the same id are not queued twice while one is waiting or running. */
  jobId?: string;
  delayMs?: number;
}

export interface QueueHealth {
  status: 'up' | 'down';
  mode: 'bullmq' | 'in-process';
  worker: boolean;
  detail?: string;
}

export interface JobEngine {
  readonly mode: 'bullmq' | 'in-process';
  define(def: JobDefinition): void;
  enqueue<T>(queue: QueueName, data: T, opts?: EnqueueOptions): Promise<void>;
  /** Enqueue and wait for the result (or the final failure). */
  run<T, R>(queue: QueueName, data: T, opts?: EnqueueOptions & { timeoutMs?: number }): Promise<R>;
  health(): Promise<QueueHealth>;
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1000;

export class JobFailedError extends Error {
  constructor(
    readonly queue: QueueName,
    readonly jobId: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobFailedError';
  }
}

/**
 * Queues `data` on `queue` every `everySeconds`. The job id names the time slot, so several
 * workers scheduling at once queue each run once. Returns the timer (unref'd) to clear on shutdown.
 */
export function enqueueEvery<T>(
  jobs: JobEngine,
  queue: QueueName,
  everySeconds: number,
  data: T,
  onError: (err: Error) => void,
): NodeJS.Timeout {
  const every = everySeconds * 1000;
  const timer = setInterval(() => {
    const slot = Math.floor(Date.now() / every);
    jobs.enqueue<T>(queue, data, { jobId: `${queue}:${slot}` }).catch(onError);
  }, every);
  timer.unref();
  return timer;
}

/**
 * A repair that must run once at start (to finish what a dead process left) and then every
 * `everySeconds`: queued now, then as `enqueueEvery` does. Returns the timer to clear on shutdown.
 */
export function enqueueNowAndEvery<T>(
  jobs: JobEngine,
  queue: QueueName,
  everySeconds: number,
  data: T,
  onError: (err: Error) => void,
): NodeJS.Timeout {
  jobs.enqueue<T>(queue, data).catch(onError);
  return enqueueEvery(jobs, queue, everySeconds, data, onError);
}
