import { Injectable, Logger } from '@nestjs/common';
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
/**
 * The freshness bound: an answer reflects every change counted (every version bump) at least this
 * long before the request arrived. Within it, an answer of an older version is still served while
 * its successor is computed, so a workspace that keeps writing does not recompute for every call.
 */
export const REPORT_FRESHNESS_MS = 1_000;

/** A query as a stable string: keys sorted, dates as ISO 8601, absent fields left out. */
export function normalisedQuery(q: object): string {
  const entries = Object.entries(q as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

/** The workspace's report version and how many of its changes were API writes. */
interface Stamp {
  version: number;
  apiWrites: number;
}

/** An answer, or its computation, and what it reflects. */
interface Snapshot<T> extends Stamp {
  /** When the computation started (ms): it reflects every change counted before then. */
  asOf: number;
  value: Promise<T>;
}

/** A version read and when it started: the version stood at least until then. */
interface VersionRead {
  startedAt: number;
  stamp: Promise<Stamp>;
}

/**
 * Report answers per workspace, keyed by the report and the normalised query, each with the
 * workspace's report version it was computed for (read from the database on every call, so a
 * change another process stored shows; concurrent calls share one read while it is in flight).
 *
 * A call is answered by the newest answer, or computation in flight, that is current enough: of
 * the workspace's current version, or started at most REPORT_FRESHNESS_MS before the call arrived
 * with no API write since (a user's own change, through the API, shows on their next call).
 * Otherwise the call starts a computation, and every identical call joins it: at most one
 * computation per key runs at a time while it is fresh enough, however many clients ask. So a
 * change shows in every answer served 1 s after it was counted, and a workspace that writes
 * several times a second costs at most about one computation per key per second. Answers live in
 * a size-capped LRU with a REPORT_CACHE_TTL_MS time to live; a failed computation is not kept.
 */
@Injectable()
export class ReportCache {
  private readonly answers = new LRUCache<string, Stamp & { asOf: number; value: object }>({
    maxSize: REPORT_CACHE_MAX_BYTES,
    sizeCalculation: (v) => Math.max(1, JSON.stringify(v.value).length),
    ttl: REPORT_CACHE_TTL_MS,
  });
  private readonly inFlight = new Map<string, Snapshot<object>>();
  private readonly versionReads = new Map<string, VersionRead>();
  private readonly logger = new Logger(ReportCache.name);

  constructor(private readonly versions: ReportVersionsRepository) {}

  async answer<T extends object>(report: string, workspaceId: string, query: object, compute: () => Promise<T>): Promise<T> {
    const arrived = Date.now();
    const stamp = await this.versionRead(workspaceId, arrived).stamp;
    const { version } = stamp;
    const key = `${report}|${workspaceId}|${normalisedQuery(query)}`;
    // current enough: nothing changed since it started, or no API write did and it started within the bound
    const fresh = (s: Stamp & { asOf: number }) =>
      s.version >= version || (s.apiWrites >= stamp.apiWrites && s.asOf >= arrived - REPORT_FRESHNESS_MS);
    const cached = this.answers.get(key);
    const pending = this.inFlight.get(key);
    if (cached && arrived - cached.asOf < REPORT_CACHE_TTL_MS && fresh(cached)) {
      // past half the bound, an outdated answer is recomputed in the background, so that the
      // calls after the bound find its successor ready instead of waiting for it
      if (cached.version < version && !pending && cached.asOf < Date.now() - REPORT_FRESHNESS_MS / 2) {
        this.start(key, stamp, compute).catch((err: Error) =>
          this.logger.warn({ err: err.message, report }, 'Could not refresh a cached report answer'),
        );
      }
      return cached.value as T;
    }
    if (pending && fresh(pending)) return pending.value as Promise<T>;
    return this.start(key, stamp, compute);
  }

  /** Starts the computation of `key` at `version`; identical calls join it while it is fresh. */
  private start<T extends object>(key: string, stamp: Stamp, compute: () => Promise<T>): Promise<T> {
    const snapshot: Snapshot<object> = { ...stamp, asOf: Date.now(), value: compute() };
    const forget = () => {
      if (this.inFlight.get(key) === snapshot) this.inFlight.delete(key);
    };
    snapshot.value = snapshot.value.then(
      (answer) => {
        const stored = this.answers.get(key, { allowStale: true });
        // an older computation finishing late never replaces a newer answer
        if (!stored || stored.asOf <= snapshot.asOf) this.answers.set(key, { ...stamp, asOf: snapshot.asOf, value: answer });
        forget();
        return answer;
      },
      (err: unknown) => {
        forget();
        throw err;
      },
    );
    this.inFlight.set(key, snapshot);
    return snapshot.value as Promise<T>;
  }

  /**
   * The workspace's version: a read in flight that started within the freshness bound, and after
   * this process's last API write, is shared (the version stood at least until it started),
   * otherwise a new one.
   */
  private versionRead(workspaceId: string, arrived: number): VersionRead {
    const shared = this.versionReads.get(workspaceId);
    if (shared && shared.startedAt >= arrived - REPORT_FRESHNESS_MS && shared.startedAt > this.versions.lastApiWriteAt) return shared;
    const read: VersionRead = { startedAt: Date.now(), stamp: this.versions.stamp(workspaceId) };
    const forget = () => {
      if (this.versionReads.get(workspaceId) === read) this.versionReads.delete(workspaceId);
    };
    read.stamp.then(forget, forget);
    this.versionReads.set(workspaceId, read);
    return read;
  }

  /** Cached answers and their total size, for tests and the bench. */
  stats(): { entries: number; bytes: number; inFlight: number } {
    return { entries: this.answers.size, bytes: this.answers.calculatedSize, inFlight: this.inFlight.size };
  }
}
