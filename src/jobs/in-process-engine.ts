import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
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

interface Pending {
  id: string;
  data: unknown;
  waiters: { resolve(v: unknown): void; reject(e: unknown): void }[];
}

/** The same processors and retry policy as BullMQ, in this process (no Redis configured). */
export class InProcessJobEngine implements JobEngine {
  readonly mode = 'in-process' as const;
  private readonly logger = new Logger('Jobs');
  private readonly defs = new Map<QueueName, JobDefinition>();
  private readonly waiting = new Map<QueueName, Pending[]>();
  private readonly byId = new Map<string, Pending>();
  private readonly active = new Map<QueueName, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Failed jobs after their last attempt, newest last (like BullMQ's failed set). */
  readonly failed: { queue: QueueName; jobId: string; error: string; at: Date }[] = [];

  constructor(private readonly worker = true) {}

  define(def: JobDefinition): void {
    this.defs.set(def.queue, def);
  }

  async enqueue<T>(queue: QueueName, data: T, opts: EnqueueOptions = {}): Promise<void> {
    this.submit(queue, data, opts);
  }

  run<T, R>(queue: QueueName, data: T, opts: EnqueueOptions & { timeoutMs?: number } = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const job = this.submit(queue, data, opts);
      job.waiters.push({ resolve: resolve, reject });
    });
  }

  private submit(queue: QueueName, data: unknown, opts: EnqueueOptions): Pending {
    if (this.closed) throw new Error('job engine is closed');
    const id = opts.jobId ? `${queue}:${opts.jobId}` : `${queue}:${randomUUID()}`;
    const existing = this.byId.get(id);
    if (existing) return existing;
    const job: Pending = { id, data, waiters: [] };
    this.byId.set(id, job);
    const start = () => {
      const list = this.waiting.get(queue) ?? [];
      list.push(job);
      this.waiting.set(queue, list);
      this.pump(queue);
    };
    if (opts.delayMs) this.later(start, opts.delayMs);
    else start();
    return job;
  }

  private later(fn: () => void, ms: number) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  private pump(queue: QueueName) {
    const def = this.defs.get(queue);
    if (!def || !this.worker || this.closed) return;
    const list = this.waiting.get(queue) ?? [];
    while (list.length && (this.active.get(queue) ?? 0) < (def.concurrency ?? 1)) {
      const job = list.shift()!;
      this.active.set(queue, (this.active.get(queue) ?? 0) + 1);
      void this.attempt(def, job, 1);
    }
  }

  private async attempt(def: JobDefinition, job: Pending, attempt: number): Promise<void> {
    const attempts = def.attempts ?? DEFAULT_ATTEMPTS;
    try {
      const result = await def.process(job.data, { attempt, jobId: job.id });
      this.finish(def.queue, job);
      job.waiters.forEach((w) => w.resolve(result));
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      if (attempt < attempts && !this.closed) {
        const delay = (def.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** (attempt - 1);
        this.logger.warn({ queue: def.queue, jobId: job.id, attempt, retryInMs: delay, err: message }, 'Job failed, retrying');
        this.later(() => void this.attempt(def, job, attempt + 1), delay);
        return;
      }
      this.finish(def.queue, job);
      this.failed.push({ queue: def.queue, jobId: job.id, error: message, at: new Date() });
      if (this.failed.length > 1000) this.failed.shift();
      this.logger.error({ queue: def.queue, jobId: job.id, attempts: attempt, err: message }, 'Job failed for good');
      const failure = err instanceof Error ? err : new JobFailedError(def.queue, job.id, message);
      job.waiters.forEach((w) => w.reject(failure));
    }
  }

  private finish(queue: QueueName, job: Pending) {
    this.byId.delete(job.id);
    this.active.set(queue, (this.active.get(queue) ?? 1) - 1);
    this.pump(queue);
  }

  async health(): Promise<QueueHealth> {
    return { status: 'up', mode: this.mode, worker: this.worker };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timers.forEach(clearTimeout);
    this.timers.clear();
  }
}
