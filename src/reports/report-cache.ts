import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ReportVersionsRepository } from '../report-freshness/report-versions.repository';

/** Cap on the cached answers' total size (their JSON length, about bytes): bounded memory whatever the traffic. */
export const REPORT_CACHE_MAX_BYTES = 32 * 1024 * 1024;
/**
 * How long an answer is reused while the workspace's version stands still. The version covers
 * every stored change; this bounds the drift of what moves with the clock alone (`service.unanswered`
 * waits, SLA and abandonment windows elapsing) in a report over a range that reaches now.
 */
export const REPORT_CACHE_TTL_MS = 10_000;

/** A query as a stable string: keys sorted, dates as ISO 8601, absent fields left out. */
export function normalisedQuery(q: object): string {
  const entries = Object.entries(q as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

/**
 * Report answers per workspace, keyed by the report, the normalised query and the workspace's
 * report version (read from the database on every call, so a change another process stored shows
 * on the next call). Identical concurrent queries share one computation; an answer is cached in a
 * size-capped LRU. A version bump makes older answers unreachable; the LRU ages them out.
 */
@Injectable()
export class ReportCache {
  private readonly answers = new LRUCache<string, object>({
    maxSize: REPORT_CACHE_MAX_BYTES,
    sizeCalculation: (v) => Math.max(1, JSON.stringify(v).length),
    ttl: REPORT_CACHE_TTL_MS,
  });
  private readonly inFlight = new Map<string, Promise<object>>();

  constructor(private readonly versions: ReportVersionsRepository) {}

  async answer<T extends object>(report: string, workspaceId: string, query: object, compute: () => Promise<T>): Promise<T> {
    const version = await this.versions.current(workspaceId);
    const key = `${report}|${workspaceId}|${version}|${normalisedQuery(query)}`;
    const cached = this.answers.get(key);
    if (cached) return cached as T;
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const run = compute()
      .then((value) => {
        this.answers.set(key, value);
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
    return run;
  }

  /** Cached answers and their total size, for tests and the bench. */
  stats(): { entries: number; bytes: number; inFlight: number } {
    return { entries: this.answers.size, bytes: this.answers.calculatedSize, inFlight: this.inFlight.size };
  }
}
