import { SingleFlight } from '../common/single-flight';
import { Injectable, Logger } from '@nestjs/common';
import { AnyBulkWriteOperation, isValidObjectId, Types } from 'mongoose';
import { isPrivateChannel } from '../common/visibility';
import { Observable, Subject, filter as rxFilter, map } from 'rxjs';
import type { MentionInput, RejectReason } from '../collectors/collected';
import { EnrichmentService, type EnrichmentResult } from '../enrichment';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import { ListMentionsQuery } from './dto/list-mentions.dto';
import { MentionsRepository, type MentionRow } from './mentions.repository';
import { afterCursor, decodeCursor, encodeCursor } from './page-cursor';
import type { Intent, SentimentLabel } from '../common/labels';
import { Mention } from './schemas/mention.schema';
import { correctionView, type CorrectionView } from './schemas/mention-correction';
import { rollupCover, startOfUtcHour as hourOf } from '../common/time-buckets';
import type { MentionRollupRow } from '../common/rows';
import { RollupOutboxService, type CountIncrements } from './rollup-outbox.service';
import { RollupsRepository } from './rollups.repository';
import { ALL_TOPICS } from './schemas/mention-rollup.schema';
import { SPAN_COUNTERS } from './rollup-spans';
import { DUPLICATE_KEY } from '../common/errors';

export { ROLLUP_REPAIR_GRACE_MS } from './rollup-outbox.service';

export interface MentionView {
  id: string;
  topicIds: string[];
  platform: string;
  externalId: string;
  url: string;
  text: string;
  createdAt: Date;
  author: { externalId: string; handle: string; name?: string | null; followers?: number | null };
  lang: string;
  sentiment: { score: number; label: SentimentLabel };
  intent: Intent;
  routing: { team: string; keyword: string; agentId?: string } | null;
  conversationId: string | null;
  inReplyToExternalId: string | null;
  metrics: { likes: number; reposts: number; quotes: number; replies: number; impressions: number | null };
  /** Agents' reviews of the labels (the model's own label, who, when); null when none. */
  correction: CorrectionView | null;
}

export interface StoredMention extends MentionView {
  workspaceId: string;
}

/** A customer message as public care reads it: no text, just who, when, where and the intent. */
export interface CareMessageRow {
  topicIds: string[];
  platform: string;
  externalId: string;
  url: string;
  createdAt: Date;
  authorId: string;
  authorHandle: string;
  intent: string;
  conversationId: string | null;
}

const toCareMessage = (d: MentionRow): CareMessageRow => ({
  topicIds: (d.topicIds ?? []).map(String),
  platform: d.platform,
  externalId: d.externalId,
  url: d.url,
  createdAt: d.createdAt,
  authorId: d.author.externalId,
  authorHandle: d.author.handle,
  intent: d.intent,
  conversationId: d.conversationId ?? null,
});

export interface IngestResult {
  /** Mentions stored for the first time in this workspace. */
  stored: StoredMention[];
  /** Mentions already known that this topic now also matches. */
  linked: number;
  /** Mentions already stored before this batch (linked ones included). */
  known: number;
  /** Mentions faulty in themselves (no text, no valid date): not stored, for the caller to quarantine. */
  rejected: { input: MentionInput; reason: RejectReason; problem: string }[];
}

/**
 * The database refused some of a batch's writes for a reason other than the post being stored
 * already: a fault of the run, not of the posts. The mentions it did store are counted (rollups,
 * live stream) and carried here, so the caller can finish their processing before failing the run.
 */
export class MentionWriteError extends Error {
  constructor(
    message: string,
    readonly stored: StoredMention[],
  ) {
    super(message);
    this.name = 'MentionWriteError';
  }
}

/**
 * The stored document of a new post: its id first (where the server keeps it), its unique key, the
 * post and its enrichment, the topic that found it and its rollup batch.
 *
 * One object literal, fields set once: V8 (Node 20) defines each property written after a spread
 * in a literal (`{ ...key, url, ... }`) by a runtime call; that form cost 11 µs a post here, this
 * one under 1 µs.
 */
export function mentionDocument(
  _id: Types.ObjectId,
  key: Pick<Mention, 'workspaceId' | 'platform' | 'externalId'>,
  input: MentionInput,
  e: EnrichmentResult,
  scope: { topicId: Types.ObjectId; batchId: Types.ObjectId; competitor?: boolean },
): MentionRow {
  const doc: MentionRow = {
    _id,
    workspaceId: key.workspaceId,
    platform: key.platform,
    externalId: key.externalId,
    url: input.url,
    text: input.text,
    createdAt: input.createdAt,
    author: input.author,
    lang: e.lang,
    platformLang: input.platformLang ?? null,
    sentiment: { score: e.sentiment.score, label: e.sentiment.label },
    intent: e.intent,
    routing: e.routing,
    conversationId: input.conversationId ?? null,
    inReplyToExternalId: input.inReplyToExternalId ?? null,
    metrics: input.metrics,
    metricsUpdatedAt: new Date(),
    topicIds: [scope.topicId],
    rollupBatch: scope.batchId,
  };
  if (scope.competitor) doc.competitorOnly = true;
  return doc;
}

const byCreatedAt = (a: MentionRow, b: MentionRow) => a.createdAt.getTime() - b.createdAt.getTime();

/** What makes a mention unusable whatever the run: the caller quarantines it instead of storing it. */
function faultOf(input: MentionInput): { reason: RejectReason; problem: string } | null {
  if (typeof input.text !== 'string' || input.text.trim() === '')
    return { reason: 'no_text', problem: 'text: the post has no text to analyse' };
  if (!(input.createdAt instanceof Date) || Number.isNaN(input.createdAt.getTime()))
    return { reason: 'invalid_payload', problem: 'createdAt: not a date' };
  return null;
}

export function toMentionView(doc: MentionRow): StoredMention {
  return {
    id: String(doc._id),
    workspaceId: String(doc.workspaceId),
    topicIds: (doc.topicIds ?? []).map(String),
    platform: doc.platform,
    externalId: doc.externalId,
    url: doc.url,
    text: doc.text,
    createdAt: doc.createdAt,
    author: doc.author,
    lang: doc.lang,
    sentiment: doc.sentiment,
    intent: doc.intent,
    routing: doc.routing ?? null,
    conversationId: doc.conversationId ?? null,
    inReplyToExternalId: doc.inReplyToExternalId ?? null,
    metrics: doc.metrics,
    correction: correctionView(doc.correction),
  };
}

/**
 * Mentions: ingestion (enrich, store once, count in the rollups through their outbox), the list,
 * export and live stream, and the rollup rows reports read.
 */
@Injectable()
export class MentionsService {
  private readonly logger = new Logger('Mentions');
  private readonly live = new Subject<StoredMention>();

  constructor(
    private readonly mentions: MentionsRepository,
    private readonly rollups: RollupsRepository,
    private readonly outbox: RollupOutboxService,
    private readonly enrichment: EnrichmentService,
  ) {}

  /**
   * Enriches and stores a batch for one topic. Idempotent: a post already stored for the
   * workspace is not stored again (unique workspace + platform + id); the hourly rollups count a
   * mention once per topic, and once for the workspace when a brand topic matches it (on the insert
   * the server acknowledged, or on the first brand topic's link): a competitor topic's mentions
   * (`competitor: true`) stay out of the workspace-wide figures.
   */
  async ingest(
    workspace: WorkspaceView,
    topicId: string,
    inputs: MentionInput[],
    opts: { competitor?: boolean } = {},
  ): Promise<IngestResult> {
    const competitor = opts.competitor === true;
    const wsId = new Types.ObjectId(workspace.id);
    const tId = new Types.ObjectId(topicId);
    const rejected: IngestResult['rejected'] = [];
    const unique = [...new Map(inputs.map((m) => [`${m.platform}:${m.externalId}`, m])).values()].filter((input) => {
      const fault = faultOf(input);
      if (fault) rejected.push({ input, ...fault });
      return !fault;
    });
    if (unique.length === 0) return { stored: [], linked: 0, known: 0, rejected };

    // The outbox entry goes first: if the process dies after the mentions are written, the repair
    // finds this batch and applies the increments they owe (exactly once, see RollupOutboxService).
    // It is written beside the lookup of known posts (one round trip less a page) and awaited before
    // the mentions; a page with nothing to write discards it.
    const batchId = new Types.ObjectId();
    // The batch's rollup write is the next one of a writer lane no other write uses meanwhile; on
    // any failure below the lane is dropped, not released, so the open entry's guard stays exact.
    const lane = this.outbox.lanes.acquire();
    const guard = lane.next();
    const opened = this.outbox.open(batchId, wsId, tId, !competitor, guard);
    opened.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled meanwhile
    const lookup = this.knownAmong(wsId, unique);
    lookup.catch(() => undefined); // awaited below, as `opened`

    const thresholds = workspace.settings.sentiment;
    const routingRules = workspace.settings.routingRules ?? [];
    // While the engine looks the page up (once the lookup is sent: one turn of the event loop), its
    // posts are enriched: a page is mostly new posts, and a known one's labels are simply not used.
    // An exception here (a broken setting, a failing model) is the run's fault, not the post's: it
    // propagates, so the batch is not acknowledged and its cursor does not move.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const options = { routingRules, thresholds: { positive: thresholds.positiveThreshold, negative: thresholds.negativeThreshold } };
    const enriched = unique.map((input) => this.enrichment.enrich({ text: input.text, platformLang: input.platformLang ?? null }, options));
    // New posts are inserted (the lookup found them new: an insert is a third of an upsert's cost
    // in the engine); one another run stored meanwhile fails on the unique key and is looked up
    // again and linked, like any known post, so a race loses no topic link (at most twice more).
    const linkIds: Types.ObjectId[] = [];
    const stored: MentionRow[] = [];
    const refused: string[] = [];
    let pending = unique.map((input, i) => ({ input, e: enriched[i] }));
    let existing = await lookup;
    await opened;
    let writes = 0;
    const scopes = competitor ? [tId] : [ALL_TOPICS, tId];
    let counted: CountIncrements | undefined;
    let firstInserts = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const known = new Map(existing.map((d) => [`${d.platform}:${d.externalId}`, d]));
      const ops: AnyBulkWriteOperation<Mention>[] = [];
      // The post each insert carries, by the operation's index (its write error names that index).
      const inserts = new Map<number, { row: MentionRow; item: (typeof pending)[number] }>();
      for (const item of pending) {
        const { input, e } = item;
        const prior = known.get(`${input.platform}:${input.externalId}`);
        const key = { workspaceId: wsId, platform: input.platform, externalId: input.externalId };
        if (prior) {
          if ((prior.topicIds ?? []).some((t) => t.equals(tId))) continue;
          linkIds.push(prior._id);
          ops.push({
            updateOne: {
              filter: key,
              update: {
                $addToSet: { topicIds: tId },
                $set: { metrics: input.metrics },
                $push: { rollupLinks: { batch: batchId, topic: tId } },
              },
            },
          });
          // A brand topic brings a mention only competitors had matched into the workspace's rollups,
          // once: the mark is cleared by the same write that records the link to count.
          if (!competitor && prior.competitorOnly)
            ops.push({
              updateOne: {
                filter: { ...key, competitorOnly: true },
                update: { $unset: { competitorOnly: '' }, $push: { rollupLinks: { batch: batchId, topic: ALL_TOPICS } } },
              },
            });
          continue;
        }
        const row = mentionDocument(new Types.ObjectId(), key, input, e, { topicId: tId, batchId, competitor });
        inserts.set(ops.length, { row, item });
        ops.push({ insertOne: { document: row } });
      }
      if (ops.length === 0) break;
      writes += ops.length;
      const failed = new Set<number>();
      const written = this.mentions.write(ops).catch((err: unknown) => {
        const writeErrors = (err as { writeErrors?: { index: number; code?: number; errmsg?: string }[] } | null)?.writeErrors ?? [];
        if (writeErrors.length === 0) throw err;
        // Unordered: the other writes are applied and counted below. Anything but a post stored
        // meanwhile is the database failing, which fails the run.
        for (const we of writeErrors) {
          failed.add(we.index);
          if (we.code !== DUPLICATE_KEY || !inserts.has(we.index)) refused.push(we.errmsg ?? 'write refused');
        }
      });
      if (attempt === 0 && inserts.size > 0) {
        // While the engine stores the page (once it is sent: one turn of the event loop), its counts
        // are computed as if every insert succeeds, the usual case; otherwise they are not used.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const rows = [...inserts.values()].map((i) => i.row).sort(byCreatedAt);
        firstInserts = rows.length;
        counted = this.outbox.increments(rows.map((row) => ({ row, topics: scopes })));
      }
      await written;
      const raced: typeof pending = [];
      for (const [index, { row, item }] of inserts) {
        if (!failed.has(index)) stored.push(row);
        else if (!refused.length) raced.push(item);
      }
      if (raced.length && attempt >= 2) refused.push(`${raced.length} posts kept colliding with concurrent writes`);
      if (refused.length || raced.length === 0) break;
      pending = raced;
      existing = await this.knownAmong(
        wsId,
        raced.map((r) => r.input),
      );
    }
    if (writes === 0) {
      await this.outbox.discard(batchId);
      this.outbox.lanes.release(lane);
      return { stored: [], linked: 0, known: unique.length, rejected };
    }
    stored.sort(byCreatedAt);
    const linkedRows = await this.mentions.byIds(linkIds);

    // Stored: the counts go to the outbox's next group write (within COUNT_DELAY_MS), which
    // releases the lane and closes the entry; the open entry guarantees them if this process dies.
    await this.outbox.countLater({
      batchId,
      lane,
      guard,
      // computed during the write, when it stored every insert and linked nothing (else computed by the group write)
      increments: stored.length === firstInserts && linkedRows.length === 0 ? counted : undefined,
      entries: [
        ...stored.map((row) => ({ row, topics: scopes })),
        // the scopes this batch linked it to: its topic, and ALL_TOPICS if it brought it into the workspace's
        ...linkedRows.map((row) => ({ row, topics: (row.rollupLinks ?? []).filter((l) => l.batch.equals(batchId)).map((l) => l.topic) })),
      ],
    });

    const views = stored.map(toMentionView);
    for (const v of views) this.live.next(v);
    if (refused.length)
      throw new MentionWriteError(`the database refused ${refused.length} of ${writes} mention writes: ${refused[0]}`, views);
    return { stored: views, linked: linkedRows.length, known: unique.length - views.length, rejected };
  }

  /** The stored ones among these posts, by the full unique key (workspace, platform, id): an index hit per id. */
  private async knownAmong(wsId: Types.ObjectId, inputs: MentionInput[]) {
    const platforms = [...new Set(inputs.map((m) => m.platform))];
    const found = await Promise.all(
      platforms.map((platform) =>
        this.mentions.known(
          wsId,
          platform,
          inputs.filter((m) => m.platform === platform).map((m) => m.externalId),
        ),
      ),
    );
    return found.flat();
  }

  /**
   * Writes the rollup counts of every batch this process stored so far (ingestion queues them for
   * the outbox's group commit): a collection run's end, so what waited for the run reads them.
   */
  flushCounts(): Promise<void> {
    return this.outbox.flush();
  }

  /** Every mention matching the list filters, newest first, streamed from a cursor (CSV export). */
  async *exportRows(workspaceId: string, q: ListMentionsQuery): AsyncGenerator<StoredMention> {
    for await (const doc of this.mentions.newestCursor(this.mentions.listFilter(workspaceId, q))) yield toMentionView(doc);
  }

  async list(workspaceId: string, q: ListMentionsQuery) {
    const limit = q.limit ?? 50;
    const filter = this.mentions.listFilter(workspaceId, q);
    const query = q.cursor ? { $and: [filter, afterCursor('createdAt', decodeCursor(q.cursor))] } : filter;
    const rows = await this.mentions.newest(query, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => {
        const { workspaceId: _w, ...view } = toMentionView(r);
        return view;
      }),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last._id) : null,
    };
  }

  /**
   * Rollups for reports, one row per 15-minute UTC slot (rows written before slots were 15 minutes
   * cover a UTC hour), platforms summed unless one is asked for (with the split in `byPlatform`); without a topic, the
   * workspace-wide rows, where each mention counts once. Rows from the hour that contains `from`
   * are included: callers keep the ones in their range.
   *
   * With `cuts` (the ranges' bounds, e.g. the previous period's start, the range's start and its
   * end), the rows are the fewest that hold exactly the slots of each range between consecutive
   * cuts (`rollupCover`: UTC days, hours beside them, slots at the ends), so a long range reads
   * about a row a day; a row then lies wholly in one of those ranges, and an hour or day row keeps
   * each slot's inbound support in `inboundBySlot`. Until the workspace's hour and day rows are
   * built (a workspace with rollups from before they existed), the slots, while a rebuild runs.
   * Hour and day rows starting before `inboundFrom` come without `inboundBySlot` (no peak hour
   * is asked of them).
   */
  async rollupRows(
    workspaceId: string,
    from: Date,
    to: Date,
    opts: { topic?: string; platform?: string; cuts?: Date[]; inboundFrom?: Date } = {},
  ): Promise<MentionRollupRow[]> {
    // What this process stored before the call is counted first (the outbox's group commit).
    await this.outbox.flush();
    const wsId = new Types.ObjectId(workspaceId);
    const topicId = opts.topic ? new Types.ObjectId(opts.topic) : ALL_TOPICS;
    const cuts = opts.cuts && opts.cuts.length >= 2 ? opts.cuts : null;
    let docs: (Record<string, unknown> & { hour: Date; platform: string; span?: string; inb?: Record<string, number> })[];
    if (cuts && (await this.spansWhole(wsId))) {
      const pieces = cuts.slice(1).flatMap((end, i) => rollupCover(cuts[i], end));
      // Hour and day rows before `inboundFrom` (the overview's previous period, which has no peak
      // hour) are read without their per-slot inbound support.
      const inboundAt = opts.inboundFrom?.getTime() ?? -Infinity;
      const [slots, spans, earlier] = await Promise.all([
        this.rollups.slotRowsIn(wsId, topicId, pieces, opts.platform),
        this.rollups.spanRows(
          wsId,
          topicId,
          pieces.filter((p) => p.from.getTime() >= inboundAt),
          opts.platform,
        ),
        this.rollups.spanRows(
          wsId,
          topicId,
          pieces.filter((p) => p.from.getTime() < inboundAt),
          opts.platform,
          false,
        ),
      ]);
      docs = [...slots, ...[...spans, ...earlier].map(({ start, ...d }) => ({ ...d, hour: start }))];
    } else {
      docs = await this.rollups.rows(wsId, topicId, hourOf(from), to, opts.platform);
    }
    const byHour = new Map<string, MentionRollupRow & { byPlatform: Record<string, number> }>();
    for (const { platform, span, inb, ...raw } of docs) {
      // A private channel's messages (WhatsApp) are care, not listening: they count only as inbound support.
      const d = isPrivateChannel(platform)
        ? { hour: raw.hour, count: 0, privateInbound: (raw.count as number | undefined) ?? 0 }
        : (raw as unknown as MentionRollupRow);
      const id = `${span ?? 'slot'}|${d.hour.getTime()}`;
      const row = byHour.get(id);
      if (!row) {
        const fresh = {
          scoreSum: 0,
          positive: 0,
          negative: 0,
          neutral: 0,
          support: 0,
          complaint: 0,
          question: 0,
          lead: 0,
          ...d,
          hour: d.hour,
        };
        byHour.set(id, {
          ...fresh,
          byPlatform: isPrivateChannel(platform) ? {} : { [platform]: d.count ?? 0 },
          ...(inb ? { inboundBySlot: { ...inb } } : {}),
        });
        continue;
      }
      for (const k of [...SPAN_COUNTERS, 'privateInbound'] as const) {
        row[k] = (row[k] ?? 0) + ((d as Partial<MentionRollupRow>)[k] ?? 0);
      }
      if (!isPrivateChannel(platform)) row.byPlatform[platform] = (row.byPlatform[platform] ?? 0) + (d.count ?? 0);
      if (inb) {
        const into = (row.inboundBySlot ??= {}) as Record<string, number>;
        for (const i in inb) into[i] = (into[i] ?? 0) + inb[i];
      }
    }
    return [...byHour.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime());
  }

  private readonly spanBuilds = new SingleFlight<unknown>();

  /** Whether the hour and day rows can be read; if not, builds them in the background (once at a time). */
  private async spansWhole(wsId: Types.ObjectId): Promise<boolean> {
    if (await this.rollups.spansWhole(wsId)) return true;
    const id = String(wsId);
    void this.spanBuilds.run(id, () =>
      this.rollups
        .rebuildSpans(wsId)
        .catch((err: Error) => this.logger.error({ err: err.message, workspaceId: id }, 'Could not build the hour and day rollups')),
    );
    return false;
  }

  /** Builds the workspace's hour and day rollup rows from its slots now (a repair; the bench's seed). */
  rebuildRollupSpans(workspaceId: string): Promise<number> {
    return this.rollups.rebuildSpans(new Types.ObjectId(workspaceId));
  }

  /** Whether `id` is a mention of this workspace; another workspace's mention does not exist here. */
  /** Mention id → its author's followers, where the network reported them. */
  async authorFollowers(workspaceId: string, ids: string[]): Promise<Map<string, number>> {
    const valid = ids.filter((id) => isValidObjectId(id));
    if (valid.length === 0) return new Map();
    const rows = await this.mentions.authorFollowers(workspaceId, valid);
    return new Map(rows.filter((r) => typeof r.author?.followers === 'number').map((r) => [String(r._id), r.author.followers!]));
  }

  exists(workspaceId: string, id: string): Promise<boolean> {
    return this.mentions.exists(workspaceId, id);
  }

  /** One author's mentions from `from` on, oldest first (cases gather a customer's later messages). */
  async byAuthorSince(workspaceId: string, platform: string, authorExternalId: string, from: Date, limit = 200): Promise<StoredMention[]> {
    return (await this.mentions.byAuthorSince(workspaceId, platform, authorExternalId, from, limit)).map(toMentionView);
  }

  /** Mentions posted since `since`, for the metrics refresher. */
  recentIds(workspaceId: string, platform: string, since: Date): Promise<string[]> {
    return this.mentions.externalIdsSince(workspaceId, platform, since);
  }

  applyMetrics(workspaceId: string, platform: string, updates: { externalId: string; metrics: Mention['metrics'] }[]): Promise<number> {
    return this.mentions.updateMetrics(workspaceId, platform, updates, new Date());
  }

  /** New mentions of one workspace as they are stored (server-sent events); private care messages (WhatsApp) are not listening. */
  stream(workspaceId: string, topicId?: string): Observable<{ type: string; data: MentionView }> {
    return this.live.pipe(
      rxFilter((m) => m.workspaceId === workspaceId && (!topicId || m.topicIds.includes(topicId)) && !isPrivateChannel(m.platform)),
      map(({ workspaceId: _w, ...m }) => ({ type: 'mention', data: m })),
    );
  }

  // ---- competitors and influential authors (src/competitors) ----------------------------------

  /** Customer messages as public care places them in cases (src/competitors/public-care.ts). */
  async careMessagesOfTopics(
    workspaceId: string,
    topicIds: string[],
    intents: readonly string[],
    from: Date,
    to: Date,
    platform?: string,
  ): Promise<CareMessageRow[]> {
    return (await this.mentions.ofTopicsWithIntents(workspaceId, topicIds, intents, from, to, platform)).map(toCareMessage);
  }

  /** The same rows for every post of these authors that matched the topic (public care per customer). */
  async careMessagesOfAuthors(workspaceId: string, topicId: string, platform: string, authorIds: string[]): Promise<CareMessageRow[]> {
    return (await this.mentions.ofTopicByAuthors(workspaceId, topicId, platform, authorIds)).map(toCareMessage);
  }

  /** The same rows for posts known by their network ids (the customer messages replies answer). */
  async careMessagesByExternalIds(workspaceId: string, platform: string, externalIds: string[]): Promise<CareMessageRow[]> {
    return (await this.mentions.byExternalIds(workspaceId, platform, externalIds)).map(toCareMessage);
  }

  /** The mentions of [from, to) as the theme counting reads them (a themes report's partial hours). */
  themeMentions(
    workspaceId: string,
    scope: { topic?: string; platform?: string; sentiment?: string; intent?: string },
    from: Date,
    to: Date,
  ) {
    return this.mentions.forThemes(workspaceId, {
      topic: scope.topic,
      platform: scope.platform,
      sentiment: scope.sentiment,
      intent: scope.intent,
      from,
      to,
    });
  }

  /** Mentions and what they earned per author, network and sentiment label in [from, to). */
  authorTotals(workspaceId: string, from: Date, to: Date, opts: { topic?: string; platform?: string } = {}) {
    return this.mentions.authorTotals(workspaceId, from, to, opts);
  }
}
