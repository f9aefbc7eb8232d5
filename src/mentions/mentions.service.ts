import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, isValidObjectId, Model, Types } from 'mongoose';
import { Observable, Subject, filter as rxFilter, map } from 'rxjs';
import type { MentionInput, RejectReason } from '../collectors/collected';
import { Settings, SETTINGS } from '../config/settings';
import { EnrichmentService } from '../enrichment';
import { enqueueNowAndEvery, type JobEngine } from '../jobs/job-queue';
import { JOB_ENGINE } from '../jobs/jobs.module';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import { ListMentionsQuery } from './dto/list-mentions.dto';
import { afterCursor, decodeCursor, encodeCursor } from './page-cursor';
import type { Intent, SentimentLabel } from '../common/labels';
import { Mention } from './schemas/mention.schema';
import { correctionView, type CorrectionView } from './schemas/mention-correction';
import { startOfRollupSlot, startOfUtcHour as hourOf } from '../reports/kpis/buckets';
import type { MentionRollupRow } from '../reports/kpis/rows';
import { ALL_TOPICS, MentionRollup, RollupBatch } from './schemas/mention-rollup.schema';

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

/** What makes a mention unusable whatever the run: the caller quarantines it instead of storing it. */
function faultOf(input: MentionInput): { reason: RejectReason; problem: string } | null {
  if (typeof input.text !== 'string' || input.text.trim() === '') return { reason: 'no_text', problem: 'text: the post has no text to analyse' };
  if (!(input.createdAt instanceof Date) || Number.isNaN(input.createdAt.getTime())) return { reason: 'invalid_payload', problem: 'createdAt: not a date' };
  return null;
}

type MentionRow = Mention & { _id: Types.ObjectId };

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

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Batch ids a rollup row remembers; a crashed batch is replayed long before 100 more arrive. */
const APPLIED_BATCHES_KEPT = 100;
/** A batch this old is finished by the repair: its writer has died (a live one takes milliseconds). */
export const ROLLUP_REPAIR_GRACE_MS = 15_000;
const ROLLUP_REPAIR_EVERY_SECONDS = 30;

@Injectable()
export class MentionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MentionsService.name);
  private readonly live = new Subject<StoredMention>();
  private repairTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectModel(Mention.name) private readonly mentions: Model<Mention>,
    @InjectModel(MentionRollup.name) private readonly rollups: Model<MentionRollup>,
    @InjectModel(RollupBatch.name) private readonly batches: Model<RollupBatch>,
    private readonly enrichment: EnrichmentService,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
  ) {
    this.jobs.define({ queue: 'rollup-repair', attempts: 2, backoffMs: 2_000, process: () => this.repairRollups() });
  }

  /** Finishes rollup batches a crash left behind: a queued job at start, then every 30 s. */
  onApplicationBootstrap() {
    if (!this.settings.worker) return;
    const onError = (err: Error) => this.logger.error({ err: err.message }, 'Could not schedule the rollup repair');
    this.repairTimer = enqueueNowAndEvery(this.jobs, 'rollup-repair', ROLLUP_REPAIR_EVERY_SECONDS, {}, onError);
  }

  onApplicationShutdown() {
    if (this.repairTimer) clearInterval(this.repairTimer);
  }

  /**
   * Enriches and stores a batch for one topic. Idempotent: a post already stored for the
   * workspace is not stored again (unique workspace + platform + id); the hourly rollups count a
   * mention once for the workspace (on the insert the server acknowledged) and once per topic.
   */
  async ingest(workspace: WorkspaceView, topicId: string, inputs: MentionInput[]): Promise<IngestResult> {
    const wsId = new Types.ObjectId(workspace.id);
    const tId = new Types.ObjectId(topicId);
    const rejected: IngestResult['rejected'] = [];
    const unique = [...new Map(inputs.map((m) => [`${m.platform}:${m.externalId}`, m])).values()].filter((input) => {
      const fault = faultOf(input);
      if (fault) rejected.push({ input, ...fault });
      return !fault;
    });
    if (unique.length === 0) return { stored: [], linked: 0, known: 0, rejected };

    // By the full unique key (workspace, platform, id), so the lookup is an index hit per id.
    const platforms = [...new Set(unique.map((m) => m.platform))];
    const existing = (
      await Promise.all(
        platforms.map((platform) =>
          this.mentions
            .find(
              { workspaceId: wsId, platform, externalId: { $in: unique.filter((m) => m.platform === platform).map((m) => m.externalId) } },
              { platform: 1, externalId: 1, topicIds: 1 },
            )
            .lean(),
        ),
      )
    ).flat();
    const known = new Map(existing.map((d) => [`${d.platform}:${d.externalId}`, d]));

    const thresholds = workspace.settings.sentiment;
    const routingRules = workspace.settings.routingRules ?? [];
    const ops: AnyBulkWriteOperation<Mention>[] = [];
    const batchId = new Types.ObjectId();
    let linkedRows: MentionRow[] = [];
    const linkIds: Types.ObjectId[] = [];

    for (const input of unique) {
      const prior = known.get(`${input.platform}:${input.externalId}`);
      const key = { workspaceId: wsId, platform: input.platform, externalId: input.externalId };
      if (prior) {
        const hasTopic = (prior.topicIds ?? []).some((t) => t.equals(tId));
        if (!hasTopic) {
          linkIds.push(prior._id as Types.ObjectId);
          ops.push({
            updateOne: {
              filter: key,
              update: { $addToSet: { topicIds: tId }, $set: { metrics: input.metrics }, $push: { rollupLinks: { batch: batchId, topic: tId } } },
            },
          });
        }
        continue;
      }
      // An exception here (a broken setting, a failing model) is the run's fault, not the post's:
      // it propagates, so the batch is not acknowledged and its cursor does not move.
      const e = this.enrichment.enrich(
        { text: input.text, platformLang: input.platformLang ?? null },
        { routingRules, thresholds: { positive: thresholds.positiveThreshold, negative: thresholds.negativeThreshold } },
      );
      const doc: Omit<Mention, 'topicIds'> = {
        ...key,
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
      };
      ops.push({ updateOne: { filter: key, update: { $setOnInsert: { ...doc, rollupBatch: batchId }, $addToSet: { topicIds: tId } }, upsert: true } });
    }
    if (ops.length === 0) return { stored: [], linked: 0, known: unique.length, rejected };

    // The outbox first: if the process dies after the mentions are written, the repair finds this
    // batch and applies the increments they owe (exactly once, see applyRollupBatch).
    await this.batches.create({ _id: batchId, workspaceId: wsId, topicId: tId, startedAt: new Date() });

    const refused: string[] = [];
    const result = await this.mentions.bulkWrite(ops, { ordered: false }).catch((err) => {
      const writeErrors = (err?.writeErrors ?? []) as { code?: number; errmsg?: string }[];
      if (writeErrors.length === 0) throw err;
      // Unordered: the other writes are applied and counted below. A duplicate key is a post another
      // run stored meanwhile (known); anything else is the database failing, which fails the run.
      for (const we of writeErrors) if (we.code !== 11000) refused.push(we.errmsg ?? 'write refused');
      return err?.result;
    });
    const upsertedIds: Types.ObjectId[] = Object.values((result?.upsertedIds ?? {}) as Record<string, Types.ObjectId>);
    const stored = upsertedIds.length
      ? ((await this.mentions.find({ _id: { $in: upsertedIds } }).sort({ createdAt: 1 }).lean()) as MentionRow[])
      : [];
    if (linkIds.length) linkedRows = (await this.mentions.find({ _id: { $in: linkIds } }).lean()) as MentionRow[];

    await this.countInRollups(batchId, [
      ...stored.map((row) => ({ row, topics: [ALL_TOPICS, tId] })),
      ...linkedRows.map((row) => ({ row, topics: [tId] })),
    ]);
    await this.batches.deleteOne({ _id: batchId });

    const views = stored.map(toMentionView);
    for (const v of views) this.live.next(v);
    if (refused.length) throw new MentionWriteError(`the database refused ${refused.length} of ${ops.length} mention writes: ${refused[0]}`, views);
    return { stored: views, linked: linkedRows.length, known: unique.length - views.length, rejected };
  }

  /**
   * Applies the rollup increments the mentions of write batch `batchId` owe (found by the batch
   * marks they carry), then deletes the outbox entry. Exactly once per rollup row however often it runs (the normal
   * path, a repair after a crash, or both at once): a row takes an increment only while the batch
   * is not in its `applied` list, and the same update adds it there.
   */
  async applyRollupBatch(batchId: Types.ObjectId): Promise<number> {
    const batch = await this.batches.findById(batchId).lean();
    if (!batch) return 0; // finished meanwhile
    const fields = { workspaceId: 1, platform: 1, createdAt: 1, sentiment: 1, intent: 1, lang: 1, rollupLinks: 1 };
    const [inserted, linked] = (await Promise.all([
      this.mentions.find({ rollupBatch: batchId }, fields).lean(),
      this.mentions.find({ 'rollupLinks.batch': batchId }, fields).lean(),
    ])) as unknown as [MentionRow[], MentionRow[]];
    await this.countInRollups(batchId, [
      ...inserted.map((row) => ({ row, topics: [ALL_TOPICS, batch.topicId] })),
      ...linked.map((row) => ({ row, topics: (row.rollupLinks ?? []).filter((l) => l.batch.equals(batchId)).map((l) => l.topic) })),
    ]);
    await this.batches.deleteOne({ _id: batchId });
    return inserted.length + linked.length;
  }

  /** The guarded increments of one batch: each rollup row takes them only if it has not yet. */
  private async countInRollups(batchId: Types.ObjectId, entries: { row: MentionRow; topics: Types.ObjectId[] }[]): Promise<void> {
    const buckets = new Map<string, { key: Record<string, unknown>; inc: Record<string, number> }>();
    for (const { row: r, topics } of entries) {
      for (const topicId of topics) {
        const hour = startOfRollupSlot(r.createdAt);
        const id = `${String(topicId)}|${hour.getTime()}|${r.platform}`;
        let b = buckets.get(id);
        if (!b) buckets.set(id, (b = { key: { workspaceId: r.workspaceId, topicId, hour, platform: r.platform }, inc: {} }));
        const add = (field: string, n: number) => (b!.inc[field] = (b!.inc[field] ?? 0) + n);
        add('count', 1);
        add('scoreSum', r.sentiment.score);
        add(r.sentiment.label, 1);
        add(r.intent, 1);
        add(`langs.${r.lang.replace(/[^a-z]/g, '') || 'und'}`, 1);
      }
    }
    const updates = [...buckets.values()].map((b) => ({
      filter: { ...b.key, applied: { $ne: batchId } },
      update: { $inc: b.inc, $push: { applied: { $each: [batchId], $slice: -APPLIED_BATCHES_KEPT } } },
    }));
    if (updates.length) {
      try {
        await this.rollups.bulkWrite(updates.map((u) => ({ updateOne: { ...u, upsert: true } })), { ordered: false });
      } catch (err) {
        // A duplicate key on the upsert: the row exists, so the guarded update did not match it:
        // either the batch is already counted there, or another batch created the row meanwhile.
        // Retry those without upsert; the guard decides.
        const errors = ((err as { writeErrors?: { index: number; code: number }[] }).writeErrors ?? []) as { index: number; code: number }[];
        if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
        await this.rollups.bulkWrite(
          errors.map((e) => ({ updateOne: updates[e.index] })),
          { ordered: false },
        );
      }
    }
  }

  /** Finishes the outbox batches older than the grace period (their writer died mid-batch). */
  async repairRollups(now = new Date()): Promise<{ batches: number; mentions: number }> {
    const stale = await this.batches.find({ startedAt: { $lt: new Date(now.getTime() - ROLLUP_REPAIR_GRACE_MS) } }, { _id: 1 }).lean();
    let mentions = 0;
    for (const b of stale) mentions += await this.applyRollupBatch(b._id as Types.ObjectId);
    if (stale.length) this.logger.warn({ batches: stale.length, mentions }, 'Finished rollup increments a stopped process left behind');
    return { batches: stale.length, mentions };
  }

  /** Every mention matching the list filters, newest first, streamed from a cursor (CSV export). */
  async *exportRows(workspaceId: string, q: ListMentionsQuery): AsyncGenerator<StoredMention> {
    const cursor = this.mentions.find(this.listFilter(workspaceId, q)).sort({ createdAt: -1, _id: -1 }).lean().cursor({ batchSize: 500 });
    for await (const doc of cursor) yield toMentionView(doc as MentionRow);
  }

  private listFilter(workspaceId: string, q: ListMentionsQuery): Record<string, unknown> {
    const filter: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
    if (q.topic) filter.topicIds = new Types.ObjectId(q.topic);
    if (q.from || q.to) filter.createdAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    if (q.platform) filter.platform = q.platform;
    if (q.sentiment) filter['sentiment.label'] = q.sentiment;
    if (q.intent) filter.intent = q.intent;
    if (q.lang) filter.lang = q.lang;
    if (q.q) filter.text = { $regex: escapeRegex(q.q), $options: 'i' };
    return filter;
  }

  async list(workspaceId: string, q: ListMentionsQuery) {
    const limit = q.limit ?? 50;
    const filter = this.listFilter(workspaceId, q);
    const query = q.cursor ? { $and: [filter, afterCursor('createdAt', decodeCursor(q.cursor))] } : filter;
    const rows = (await this.mentions
      .find(query)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean()) as MentionRow[];
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
   */
  async rollupRows(workspaceId: string, from: Date, to: Date, opts: { topic?: string; platform?: string } = {}): Promise<MentionRollupRow[]> {
    const filter: Record<string, unknown> = {
      workspaceId: new Types.ObjectId(workspaceId),
      topicId: opts.topic ? new Types.ObjectId(opts.topic) : ALL_TOPICS,
      hour: { $gte: hourOf(from), $lt: to },
    };
    if (opts.platform) filter.platform = opts.platform;
    const docs = await this.rollups.find(filter, { _id: 0, workspaceId: 0, topicId: 0, langs: 0, applied: 0 }).lean();
    const byHour = new Map<number, MentionRollupRow & { byPlatform: Record<string, number> }>();
    for (const { platform, ...d } of docs) {
      const row = byHour.get(d.hour.getTime());
      if (!row) {
        byHour.set(d.hour.getTime(), { ...d, hour: d.hour, byPlatform: { [platform]: d.count ?? 0 } });
        continue;
      }
      for (const k of ['count', 'scoreSum', 'positive', 'negative', 'neutral', 'support', 'complaint', 'question', 'lead', 'praise', 'other'] as const) {
        row[k] = (row[k] ?? 0) + (d[k] ?? 0);
      }
      row.byPlatform[platform] = (row.byPlatform[platform] ?? 0) + (d.count ?? 0);
    }
    return [...byHour.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime());
  }

  /** Whether `id` is a mention of this workspace; another workspace's mention does not exist here. */
  async exists(workspaceId: string, id: string): Promise<boolean> {
    if (!isValidObjectId(id)) return false;
    const found = await this.mentions.exists({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) });
    return found !== null;
  }

  /** One author's mentions from `from` on, oldest first (cases gather a customer's later messages). */
  async byAuthorSince(workspaceId: string, platform: string, authorExternalId: string, from: Date, limit = 200): Promise<StoredMention[]> {
    const rows = (await this.mentions
      .find({ workspaceId: new Types.ObjectId(workspaceId), platform, 'author.externalId': authorExternalId, createdAt: { $gte: from } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean()) as MentionRow[];
    return rows.map(toMentionView);
  }

  /** Mentions posted since `since`, for the metrics refresher. */
  async recentIds(workspaceId: string, platform: string, since: Date): Promise<string[]> {
    const docs = await this.mentions
      .find({ workspaceId: new Types.ObjectId(workspaceId), platform, createdAt: { $gte: since } }, { externalId: 1 })
      .lean();
    return docs.map((d) => d.externalId);
  }

  async applyMetrics(workspaceId: string, platform: string, updates: { externalId: string; metrics: Mention['metrics'] }[]): Promise<number> {
    if (updates.length === 0) return 0;
    const wsId = new Types.ObjectId(workspaceId);
    const now = new Date();
    const res = await this.mentions.bulkWrite(
      updates.map((u) => ({
        updateOne: { filter: { workspaceId: wsId, platform, externalId: u.externalId }, update: { $set: { metrics: u.metrics, metricsUpdatedAt: now } } },
      })),
      { ordered: false },
    );
    return res.modifiedCount;
  }

  /** New mentions of one workspace as they are stored (server-sent events). */
  stream(workspaceId: string, topicId?: string): Observable<{ type: string; data: MentionView }> {
    return this.live.pipe(
      rxFilter((m) => m.workspaceId === workspaceId && (!topicId || m.topicIds.includes(topicId))),
      map(({ workspaceId: _w, ...m }) => ({ type: 'mention', data: m })),
    );
  }
}
