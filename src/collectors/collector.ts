import type { TopicView } from '../topics/topics.service';
import type { Platform } from '../topics/schemas/topic.schema';
import type { CollectedBatch, PublicMetrics, StoredCounts } from './collected';
import type { CursorState } from './collector-state.service';

/**
 * What a platform collector gets for one run: the topic, its cursors, and `store`, which runs the
 * rest of the pipeline (enrichment, ingestion, rollups, cases) and resolves once the batch is
 * stored. A collector saves a cursor only after `store` has resolved for the batch it covers.
 */
export interface CollectContext {
  topic: TopicView;
  /** Monthly read cap for paid APIs (0 = none). */
  readCap: number;
  cursor(stream: string): Promise<CursorState>;
  saveCursor(stream: string, state: CursorState): Promise<void>;
  store(batch: CollectedBatch): Promise<StoredCounts>;
  /** Keeps the topic's lease alive during long runs. */
  heartbeat(): Promise<void>;
  ownedAccountResolved(handle: string, externalId: string): Promise<void>;
}

export interface MetricsLookup {
  externalId: string;
  metrics: PublicMetrics;
}

/** One implementation per platform (X, Bluesky and Mastodon now; YouTube and Meta later). */
export interface Collector {
  readonly platform: Platform;
  /** Whether this installation has credentials (or the demo emulator) for the platform. */
  readonly configured: boolean;
  collect(ctx: CollectContext): Promise<void>;
  /** Current public metrics of posts by id (for the refresher); ids that no longer exist are omitted. */
  lookupMetrics(ids: string[]): Promise<MetricsLookup[]>;
}

export const COLLECTORS = Symbol('COLLECTORS');
