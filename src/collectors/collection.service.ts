import { Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Settings, SETTINGS } from '../config/settings';
import { RepliesService } from '../care/replies.service';
import { CompetitorRepliesRepository } from '../competitors/competitor-replies.repository';
import { PublicCareLedger } from '../competitors/public-care-ledger.service';
import { EngagementService } from '../engagement/engagement.service';
import { MentionsService, MentionWriteError } from '../mentions/mentions.service';
import { TopicsService, TopicView } from '../topics/topics.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { BatchOutcome, CollectedBatch, RejectedItem, StoredCounts } from './collected';
import { COLLECTORS, Collector } from './collector';
import { CollectorStateService, ReadCapReachedError } from './collector-state.service';
import { CollectionListeners } from './collection-listeners';
import { NetworkApiError } from './network-error';
import { QuarantineRepository, type QuarantinedRow } from './quarantine/quarantine.repository';
import { ReadQuotasService } from './read-quotas.service';
import type { StreamRunCounts } from './schemas/collector-state.schema';

/** Short, renewed in the background while a run is alive: a crashed holder frees the topic soon. */
const LEASE_WAIT_MS = 5 * 60_000;

const countsOf = ({ mentions, posts, replies }: StoredCounts): StoredCounts => ({ mentions, posts, replies });

export interface CollectionResult extends StoredCounts {
  topicId: string;
  capReached?: boolean;
}

/** What a replay of quarantined items of one topic did. */
export interface ReplayOutcome {
  stored: StoredCounts;
  /** items a run had stored meanwhile */
  alreadyKnown: number;
  /** items the network still answers that are no longer posts of the stream (a repost, the brand's own) */
  notPosts: number;
  /** items still faulty: they stay in quarantine with the latest problem */
  stillRejected: QuarantinedRow[];
  /** items the network no longer answers (deleted, or no id to ask for): they stay in quarantine */
  unreadable: { row: QuarantinedRow; why: string }[];
  /** quarantined items that left quarantine (stored, known or no longer posts) */
  resolved: QuarantinedRow[];
}

/** Per-stream counts of one run, in the order the streams were read. */
class RunTally {
  private readonly streams = new Map<string, StreamRunCounts>();

  add(stream: string | undefined, o: BatchOutcome): void {
    if (!stream) return;
    const s = this.streams.get(stream) ?? { stream, stored: 0, known: 0, rejected: 0 };
    s.stored += o.mentions + o.posts + o.replies;
    s.known += o.known;
    s.rejected += o.rejected;
    this.streams.set(stream, s);
  }

  get list(): StreamRunCounts[] {
    return [...this.streams.values()];
  }
}

/**
 * One collection of one topic: takes the topic's lease (never two at once, across instances),
 * runs each platform's collector, and passes every batch through enrichment and ingestion before
 * the collector may move its cursor.
 */
@Injectable()
export class CollectionService {
  private readonly logger = new Logger('Collection');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(COLLECTORS) private readonly collectors: Collector[],
    private readonly topics: TopicsService,
    private readonly workspaces: WorkspacesService,
    private readonly mentions: MentionsService,
    private readonly engagement: EngagementService,
    private readonly replies: RepliesService,
    private readonly competitorReplies: CompetitorRepliesRepository,
    private readonly publicCare: PublicCareLedger,
    private readonly state: CollectorStateService,
    private readonly listeners: CollectionListeners,
    private readonly quarantine: QuarantineRepository,
    private readonly quotas: ReadQuotasService,
  ) {}

  async collectTopic(topicId: string): Promise<CollectionResult> {
    const topic = await this.topics.getById(topicId);
    if (!topic) throw new NotFoundException(`topic ${topicId} not found`);
    const lease = `collect:${topic.id}`;
    if (!(await this.state.waitForLease(lease, this.settings.takeoverMs, LEASE_WAIT_MS))) {
      throw new ServiceUnavailableException(`topic ${topic.id} is being collected by another instance; try again later`);
    }
    const totals: CollectionResult = { topicId: topic.id, mentions: 0, posts: 0, replies: 0 };
    const tally = new RunTally();
    const runId = randomUUID();
    const started = Date.now();
    await this.state.recordRun(topic.id, topic.workspaceId, { started: new Date(started) });
    const renewal = setInterval(
      () => void this.state.tryLease(lease, this.settings.takeoverMs).catch(() => undefined),
      this.settings.takeoverMs / 3,
    );
    renewal.unref();
    try {
      const workspace = await this.workspaces.get(topic.workspaceId);
      // The topic's networks are read side by side: each has its own cursors, a slow or failing
      // network does not hold the others back, and every network's first page is stored early.
      const runs = await Promise.allSettled(
        this.collectors
          .filter((c) => topic.platforms.includes(c.platform))
          .map(async (collector) =>
            collector.collect({
              topic,
              readCap: await this.quotas.capsFor(topic.workspaceId, collector.platform),
              cursor: (stream) => this.state.cursor(topic.id, stream),
              saveCursor: (stream, s) => this.state.saveCursor(topic.id, stream, s),
              heartbeat: async () => {
                await this.state.tryLease(lease, this.settings.takeoverMs);
              },
              ownedAccountResolved: (handle, externalId) => this.topics.setOwnedAccountId(topic.id, collector.platform, handle, externalId),
              store: async (batch) => {
                const { outcome } = await this.store(workspace, topic, batch, runId);
                tally.add(batch.stream, outcome);
                totals.mentions += outcome.mentions;
                totals.posts += outcome.posts;
                totals.replies += outcome.replies;
                return countsOf(outcome);
              },
            }),
          ),
      );
      const errors = runs.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      // A failure outranks a reached cap: the run is reported failed and retried; a cap alone ends it.
      const failure = errors.find((e) => !(e instanceof ReadCapReachedError));
      if (failure !== undefined || errors.length > 0) {
        if (errors.length > 1)
          this.logger.warn(
            { topicId: topic.id, runId, errors: errors.map((e) => (e as Error)?.message ?? String(e)) },
            'Several networks failed in one run',
          );
        throw failure ?? errors[0];
      }
    } catch (err) {
      if (err instanceof ReadCapReachedError) {
        this.logger.warn(
          { topicId: topic.id, workspaceId: topic.workspaceId, cap: err.cap, scope: err.scope, month: err.month },
          err.message,
        );
        await this.state.recordRun(topic.id, topic.workspaceId, {
          succeeded: new Date(),
          counts: { ...countsOf(totals), capReached: true },
          streams: tally.list,
        });
        return { ...totals, capReached: true };
      }
      // The run stops here: the batch being stored was not acknowledged, so its stream's cursor
      // stays where it was and the next run reads the same posts again.
      const kind = err instanceof NetworkApiError ? 'network' : 'run';
      const error = (err as Error)?.message ?? String(err);
      this.logger.error(
        { topicId: topic.id, runId, kind, err: error, streams: tally.list },
        'Collection failed; cursors left where they were',
      );
      await this.state
        .recordRun(topic.id, topic.workspaceId, { failed: new Date(), error, kind, streams: tally.list })
        .catch(() => undefined);
      throw err;
    } finally {
      clearInterval(renewal);
      await this.state.releaseLease(lease).catch(() => undefined);
    }
    // Its pages' rollup counts are written before the run completes, so whoever waited for it (a
    // job, an API call, another process) reads them at once.
    await this.mentions.flushCounts();
    this.logger.log({ ...totals, runId, streams: tally.list, ms: Date.now() - started }, 'Collection stored');
    await this.state.recordRun(topic.id, topic.workspaceId, { succeeded: new Date(), counts: countsOf(totals), streams: tally.list });
    return totals;
  }

  /**
   * Stores a batch a network pushed (a webhook delivery) for one topic, through the same stages as
   * a run's batch. No lease: storage is idempotent by network id, so an item pushed while a run
   * reads it too is stored once, and a long run does not hold a webhook back.
   */
  async storePushed(topicId: string, batch: CollectedBatch, deliveryId: string): Promise<BatchOutcome> {
    const topic = await this.topics.getById(topicId);
    if (!topic) throw new NotFoundException(`topic ${topicId} not found`);
    const workspace = await this.workspaces.get(topic.workspaceId);
    const { outcome } = await this.store(workspace, topic, batch, `push:${deliveryId}`);
    await this.mentions.flushCounts();
    return outcome;
  }

  /**
   * Stores a batch: its faulty items go to quarantine, the rest through ingestion and the later
   * stages. Resolves only when all of it is stored; any exception is the run's and propagates.
   */
  private async store(
    workspace: Workspace,
    topic: TopicView,
    batch: CollectedBatch,
    runId: string,
  ): Promise<{ outcome: BatchOutcome; rejected: RejectedItem[] }> {
    let ingested: Awaited<ReturnType<MentionsService['ingest']>>;
    try {
      ingested = await this.mentions.ingest(workspace, topic.id, batch.mentions, { competitor: topic.role === 'competitor' });
    } catch (err) {
      // The mentions written before the database refused the rest get their cases before the run fails.
      if (err instanceof MentionWriteError && err.stored.length)
        await this.listeners.ingested({ workspace, topic, mentions: err.stored, replies: [] });
      throw err;
    }
    const rejected: RejectedItem[] = [
      ...batch.rejected,
      ...ingested.rejected.map((r) => ({
        platform: r.input.platform,
        externalId: r.input.externalId,
        reason: r.reason,
        problem: r.problem,
        payload: r.input,
      })),
    ];
    if (rejected.length) {
      const stream = batch.stream ?? `${rejected[0].platform}:unknown`;
      await this.quarantine.put({ workspaceId: workspace.id, topicId: topic.id, stream, runId }, rejected);
      this.logger.warn(
        { topicId: topic.id, runId, stream, rejected: rejected.map((r) => ({ id: r.externalId, reason: r.reason, problem: r.problem })) },
        'Items set aside in quarantine',
      );
    }
    const posts = await this.engagement.ingestPosts(workspace.id, topic.id, batch.posts);
    await this.engagement.recordFollowers(workspace.id, batch.accounts);
    // A competitor's replies are its public care, never the brand's response to a case.
    const competitor = topic.role === 'competitor';
    const replies = competitor ? [] : await this.replies.ingest(workspace.id, batch.replies);
    const newReplies = competitor ? await this.competitorReplies.ingest(workspace.id, topic.id, batch.replies) : replies.length;
    // every post of the batch, stored now or before: a batch read again after a failed run repairs its cases
    if (competitor) await this.publicCare.stored(workspace, topic, batch.mentions, batch.replies);
    await this.listeners.ingested({ workspace, topic, mentions: ingested.stored, replies });
    const known = ingested.known + (batch.posts.length - posts) + (batch.replies.length - newReplies);
    return { outcome: { mentions: ingested.stored.length, posts, replies: newReplies, known, rejected: rejected.length }, rejected };
  }

  /**
   * Replays quarantined items of one topic: reads each again from its network by id and stores it
   * as its stream would (under the topic's lease, so never alongside a run). An item stored, known
   * or no longer a post leaves quarantine; one still faulty stays with its latest problem.
   */
  async replayQuarantined(topicId: string, rows: QuarantinedRow[]): Promise<ReplayOutcome> {
    const topic = await this.topics.getById(topicId);
    if (!topic) throw new NotFoundException(`topic ${topicId} not found`);
    const out: ReplayOutcome = {
      stored: { mentions: 0, posts: 0, replies: 0 },
      alreadyKnown: 0,
      notPosts: 0,
      stillRejected: [],
      unreadable: [],
      resolved: [],
    };
    const lease = `collect:${topic.id}`;
    if (!(await this.state.waitForLease(lease, this.settings.takeoverMs, LEASE_WAIT_MS))) {
      throw new ServiceUnavailableException(`topic ${topic.id} is being collected; try the replay again later`);
    }
    try {
      const workspace = await this.workspaces.get(topic.workspaceId);
      const runId = `replay:${randomUUID()}`;
      const groups = new Map<string, QuarantinedRow[]>();
      for (const row of rows) groups.set(`${row.platform}\n${row.stream}`, [...(groups.get(`${row.platform}\n${row.stream}`) ?? []), row]);
      for (const group of groups.values()) {
        const { platform, stream } = group[0];
        const collector = this.collectors.find((c) => c.platform === platform);
        const readable = group.filter((r) => r.externalId !== null);
        for (const r of group) if (r.externalId === null) out.unreadable.push({ row: r, why: 'the payload had no id to read it again by' });
        if (readable.length === 0) continue;
        if (!collector?.reread || !collector.configured) {
          for (const r of readable) out.unreadable.push({ row: r, why: `${platform} is not configured on this installation` });
          continue;
        }
        const { batch, found } = await collector.reread(
          topic,
          stream,
          readable.map((r) => r.externalId!),
        );
        const { outcome, rejected } = await this.store(workspace, topic, { ...batch, stream }, runId);
        out.stored.mentions += outcome.mentions;
        out.stored.posts += outcome.posts;
        out.stored.replies += outcome.replies;
        out.alreadyKnown += outcome.known;
        const stillFaulty = new Set(rejected.map((r) => r.externalId));
        const kept = new Set([...batch.mentions, ...batch.posts, ...batch.replies].map((i) => i.externalId));
        const answered = new Set(found);
        for (const r of readable) {
          if (stillFaulty.has(r.externalId)) out.stillRejected.push(r);
          else if (!answered.has(r.externalId!))
            out.unreadable.push({ row: r, why: `${platform} no longer answers this post (deleted, or not visible to this account)` });
          else {
            if (!kept.has(r.externalId!)) out.notPosts++;
            out.resolved.push(r);
          }
        }
      }
    } finally {
      await this.state.releaseLease(lease).catch(() => undefined);
    }
    return out;
  }
}

type Workspace = Awaited<ReturnType<WorkspacesService['get']>>;
