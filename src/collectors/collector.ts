import type { TopicView } from '../topics/topics.service';
import type { Platform } from '../common/platform';
import type { CollectedBatch, PublicMetrics, StoredCounts } from './collected';
import type { CursorState, ReadCaps } from './collector-state.service';

/**
 * What a platform collector gets for one run: the topic, its cursors, and `store`, which runs the
 * rest of the pipeline (enrichment, ingestion, rollups, cases) and resolves once the batch is
 * stored. A collector saves a cursor only after `store` has resolved for the batch it covers.
 */
export interface CollectContext {
  topic: TopicView;
  /** Monthly read caps for paid APIs: the installation's and the topic's workspace's (0 = none). */
  readCap: ReadCaps;
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
  /** Whether the platform has an endpoint and credentials configured (`NetworkTargets`). */
  readonly configured: boolean;
  collect(ctx: CollectContext): Promise<void>;
  /** Current public metrics of posts by id (for the refresher); ids that no longer exist are omitted. */
  lookupMetrics(ids: string[]): Promise<MetricsLookup[]>;
  /**
   * Reads items of a stream again by id (a quarantine replay) and turns them into a batch exactly
   * as the stream does, faulty ones in `rejected`; `found` lists the ids the network still answers.
   */
  reread?(topic: TopicView, stream: string, ids: string[]): Promise<{ batch: CollectedBatch; found: string[] }>;
  /** What the network's own limits say now (a rate limit, a quota), shown in `GET /api/v1/collectors/status`. */
  networkStatus?(): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** A care reply to publish: its text, the post it answers, and a key that makes a retry safe where the API allows. */
export interface OutgoingReply {
  inReplyToExternalId: string;
  /** the customer's handle, for networks where a reply names whom it answers */
  customerHandle: string;
  text: string;
  idempotencyKey: string;
  /** when the customer wrote the message answered (their latest), for networks whose reply window it opens (WhatsApp's 24 hours) */
  inReplyToAt?: Date;
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Length in user-perceived characters (graphemes: 👍🏽 is one), the unit Bluesky and Mastodon count posts in. */
export const graphemeLength = (text: string): number => [...graphemeSegmenter.segment(text)].length;

export interface SentReply {
  externalId: string;
  url: string;
  at: Date;
}

/** A platform answered that it could not publish (or may not have): the message says which. */
export class ReplyNotSentError extends Error {
  constructor(
    message: string,
    /** false when the post may have been published anyway (a timeout, a 5xx): do not resend blindly */
    readonly certain: boolean,
  ) {
    super(message);
    this.name = 'ReplyNotSentError';
  }
}

/**
 * The network refused the reply for a reason the agent can act on (a deleted comment, a closed
 * 24-hour window, a permission missing): answered to the client as `status` with the network's message.
 */
export class ReplyRefusedError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 422 | 429 = 422,
  ) {
    super(message);
    this.name = 'ReplyRefusedError';
  }
}

export const COLLECTORS = Symbol('COLLECTORS');
