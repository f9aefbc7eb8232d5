import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { isValidObjectId, Types } from 'mongoose';
import { Settings, SETTINGS } from '../config/settings';
import { enqueueNowAndEvery, type JobEngine } from '../jobs/job-queue';
import { JOB_ENGINE } from '../jobs/jobs.module';
import { ThemeCounter } from '../themes/theme-counter.service';
import { startOfRollupSlot, startOfUtcHour } from '../common/time-buckets';
import type { CorrectionRow } from '../common/rows';
import { CorrectMentionDto } from './dto/correct-mention.dto';
import { MentionsRepository, type MentionRow } from './mentions.repository';
import { StoredMention, toMentionView } from './mentions.service';
import { ROLLUP_REPAIR_GRACE_MS, RollupOutboxService } from './rollup-outbox.service';
import { guardOf } from './rollup-guard';
import { RollupsRepository } from './rollups.repository';
import { correctionView, type MentionLabels, type PendingCorrection } from './schemas/mention-correction';
import { ALL_TOPICS } from './schemas/mention-rollup.schema';
import type { Intent, SentimentLabel } from '../common/labels';
import { Mention } from './schemas/mention.schema';

/** What later stages (cases) hear of a correction that moved a label; run again by the repair until it finishes. */
export interface MentionCorrectedEvent {
  workspaceId: string;
  /** The mention with the agent's labels. */
  mention: StoredMention;
  from: MentionLabels;
  to: MentionLabels;
  by: string;
}

export type MentionCorrectedListener = (event: MentionCorrectedEvent) => Promise<void>;

export type CorrectedMentionView = Omit<StoredMention, 'workspaceId'>;

export interface CorrectionExportRow {
  mentionId: string;
  platform: string;
  createdAt: Date;
  lang: string;
  text: string;
  /** The agent's label, or null where the agent did not review this one. */
  sentiment: SentimentLabel | null;
  intent: Intent | null;
  predictedSentiment: SentimentLabel;
  predictedIntent: Intent;
  correctedBy: string;
  correctedAt: Date;
}

/** The update a review makes, decided over the mention as read; null when it changes nothing. */
export interface CorrectionPlan {
  set: Record<string, unknown>;
  pending: PendingCorrection | null;
}

/**
 * Decides what a review changes. Setting a label the agents already set changes nothing; setting
 * the model's own label on an unreviewed mention records a confirmation (for model quality) but
 * moves no count; anything else moves the label, and the counts and cases follow.
 */
export function planCorrection(
  doc: Pick<Mention, 'sentiment' | 'intent' | 'correction'>,
  dto: CorrectMentionDto,
  by: string,
  now: Date,
): CorrectionPlan | null {
  const from: MentionLabels = { sentiment: doc.sentiment.label, intent: doc.intent };
  const to: MentionLabels = { sentiment: dto.sentiment ?? from.sentiment, intent: dto.intent ?? from.intent };
  const set: Record<string, unknown> = {};
  for (const field of ['sentiment', 'intent'] as const) {
    const value = dto[field];
    if (value === undefined) continue;
    const earlier = doc.correction?.[field];
    if (earlier && earlier.label === value) continue;
    set[`correction.${field}`] = { label: value, predicted: earlier?.predicted ?? from[field], by, at: now };
  }
  if (Object.keys(set).length === 0) return null;
  set['correction.at'] = now;
  set['correction.seq'] = (doc.correction?.seq ?? 0) + 1;
  const moved = from.sentiment !== to.sentiment || from.intent !== to.intent;
  if (!moved) return { set, pending: null };
  if (from.sentiment !== to.sentiment) set['sentiment.label'] = to.sentiment;
  if (from.intent !== to.intent) set.intent = to.intent;
  const pending: PendingCorrection = { id: new Types.ObjectId(), at: now, from, to, by };
  set['correction.pending'] = pending;
  return { set, pending };
}

/** The rollup counters a move takes from the old labels and gives to the new ones. */
export function rollupMove(from: MentionLabels, to: MentionLabels): Record<string, number> {
  const inc: Record<string, number> = {};
  if (from.sentiment !== to.sentiment) Object.assign(inc, { [from.sentiment]: -1, [to.sentiment]: 1 });
  if (from.intent !== to.intent) Object.assign(inc, { [from.intent]: -1, [to.intent]: 1 });
  return inc;
}

const REPAIR_EVERY_SECONDS = 30;
const CAS_TRIES = 5;
/** How long a correction waits for the ingestion batch that is still counting its mention. */
const INGESTION_WAIT_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Agents correct a mention's sentiment and intent. The labels change in one conditional update
 * (a compare-and-set on the review counter) that also writes the follow-through as pending; the
 * rollup counts move by one with the same exactly-once guard the ingestion outbox uses, the
 * listeners (cases) follow, and the pending mark is cleared. A process that dies in between leaves
 * the mark for the repair job, which finishes it.
 */
@Injectable()
export class MentionCorrectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MentionCorrectionsService.name);
  private readonly listeners: MentionCorrectedListener[] = [];
  private repairTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly mentions: MentionsRepository,
    private readonly rollups: RollupsRepository,
    private readonly outbox: RollupOutboxService,
    private readonly themes: ThemeCounter,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
  ) {
    this.jobs.define({ queue: 'correction-repair', attempts: 2, backoffMs: 2_000, process: () => this.repairCorrections() });
  }

  onApplicationBootstrap() {
    if (!this.settings.worker) return;
    const onError = (err: Error) => this.logger.error({ err: err.message }, 'Could not schedule the correction repair');
    this.repairTimer = enqueueNowAndEvery(this.jobs, 'correction-repair', REPAIR_EVERY_SECONDS, {}, onError);
  }

  onApplicationShutdown() {
    if (this.repairTimer) clearInterval(this.repairTimer);
  }

  /** Later stages follow a moved label here (cases open, join or close). They must be idempotent. */
  register(listener: MentionCorrectedListener): void {
    this.listeners.push(listener);
  }

  async correct(workspaceId: string, id: string, dto: CorrectMentionDto, by: string, now = new Date()): Promise<CorrectedMentionView> {
    if (!isValidObjectId(id)) throw new NotFoundException(`mention ${id} not found`);
    for (let attempt = 1; attempt <= CAS_TRIES; attempt++) {
      const doc = await this.mentions.one(workspaceId, id);
      if (!doc) throw new NotFoundException(`mention ${id} not found`);
      const pending = doc.correction?.pending;
      if (pending) {
        if (Date.now() - pending.at.getTime() < ROLLUP_REPAIR_GRACE_MS) {
          throw new ConflictException(`mention ${id}: another correction of it is being applied; try again in a few seconds`);
        }
        await this.finish(doc); // its writer died: finish it, then decide over the result
        continue;
      }
      await this.settleIngestion(doc);
      const plan = planCorrection(doc, dto, by, now);
      if (!plan) return this.view(doc);
      // A move is the next write of a writer lane (its exactly-once guard); a failure drops the lane.
      const lane = plan.pending ? this.outbox.lanes.acquire() : null;
      if (lane && plan.pending) plan.set['correction.pending'] = plan.pending = { ...plan.pending, ...lane.next() };
      const updated = await this.mentions.setReviewIfUnchanged(workspaceId, id, doc.correction?.seq ?? null, plan.set);
      if (!updated) {
        if (lane) this.outbox.lanes.release(lane); // nothing written under its guard
        continue; // reviewed by someone else meanwhile: decide again over theirs
      }
      if (plan.pending) await this.finish(updated);
      if (lane) this.outbox.lanes.release(lane);
      this.logger.log(
        { workspaceId, mentionId: id, by, ...(plan.pending ? { from: plan.pending.from, to: plan.pending.to } : { confirmed: true }) },
        'Mention labels reviewed',
      );
      return this.view(updated);
    }
    throw new ConflictException(`mention ${id}: corrected by several agents at once; try again`);
  }

  /**
   * The ingestion batch that stored (or linked) this mention counts it with the labels it has when
   * it runs: it must be done before a correction moves them, or the move would count twice.
   */
  private async settleIngestion(doc: MentionRow): Promise<void> {
    const ids = [doc.rollupBatch, ...(doc.rollupLinks ?? []).map((l) => l.batch)].filter((b): b is Types.ObjectId => !!b);
    if (ids.length === 0) return;
    const deadline = Date.now() + INGESTION_WAIT_MS;
    for (;;) {
      const { open } = await this.outbox.settle(ids);
      if (open === 0) return;
      if (Date.now() > deadline)
        throw new ConflictException(`mention ${String(doc._id)} is still being stored; try again in a few seconds`);
      await sleep(50);
    }
  }

  /** Moves the counts (once), runs the listeners, clears the mark. Safe to run again after a crash. */
  private async finish(doc: MentionRow): Promise<void> {
    const pending = doc.correction?.pending;
    if (!pending) return;
    await this.moveRollups(doc, pending);
    const mention = toMentionView(doc);
    for (const listener of this.listeners) {
      await listener({ workspaceId: String(doc.workspaceId), mention, from: pending.from, to: pending.to, by: pending.by });
    }
    await this.mentions.clearPending(doc._id, pending.id);
  }

  /**
   * One count from the old labels to the new in every rollup row that counted the mention (the
   * workspace's, unless only competitors matched it, and each topic's), each row guarded by the
   * correction's lane write as by a batch's (its id, for one pending from before lanes).
   */
  private async moveRollups(doc: MentionRow, pending: PendingCorrection): Promise<void> {
    const inc = rollupMove(pending.from, pending.to);
    if (Object.keys(inc).length === 0) return;
    // the workspace's rows counted it unless only competitor topics matched it
    const scopes = [...(doc.competitorOnly ? [] : [ALL_TOPICS]), ...(doc.topicIds ?? [])];
    const guard = guardOf(pending);
    await this.themes.moveOnce(guard, doc, scopes, pending.from, pending.to);
    const slot = startOfRollupSlot(doc.createdAt);
    const hour = startOfUtcHour(doc.createdAt);
    for (const topicId of scopes) {
      const key = { workspaceId: doc.workspaceId, topicId, platform: doc.platform };
      if (await this.rollups.incrementExistingOnce({ ...key, hour: slot }, guard, inc)) continue;
      // Counted before rollups had 15-minute slots: its row is the UTC hour's.
      if (hour.getTime() !== slot.getTime()) await this.rollups.incrementExistingOnce({ ...key, hour }, guard, inc);
    }
  }

  /** Finishes the corrections whose writer died before clearing their pending mark. */
  async repairCorrections(now = new Date()): Promise<number> {
    const stale = await this.mentions.pendingBefore(new Date(now.getTime() - ROLLUP_REPAIR_GRACE_MS), 500);
    let finished = 0;
    for (const doc of stale) {
      try {
        await this.finish(doc);
        finished += 1;
      } catch (err) {
        // One that keeps failing must not hold back the others; it stays marked for the next run.
        this.logger.error({ mentionId: String(doc._id), err: (err as Error).message }, 'Could not finish a correction');
      }
    }
    if (stale.length)
      this.logger.warn({ corrections: finished, failed: stale.length - finished }, 'Finished corrections a stopped process left behind');
    return finished;
  }

  /** Current labels and reviews of some mentions of the workspace (a case view's messages). */
  async labels(workspaceId: string, ids: string[]) {
    const docs = await this.mentions.labels(workspaceId, ids);
    return docs.map((d) => ({
      id: String(d._id),
      sentiment: d.sentiment,
      intent: d.intent,
      lang: d.lang,
      correction: correctionView(d.correction),
    }));
  }

  /** The reviews of [from, to) (by their latest review), for the model-quality report. */
  async reviewRows(workspaceId: string, from: Date, to: Date, lang?: string): Promise<CorrectionRow[]> {
    const docs = await this.mentions.reviews(workspaceId, from, to, lang);
    return docs.map(({ correction: c }) => ({
      sentiment: c?.sentiment ? { predicted: c.sentiment.predicted, corrected: c.sentiment.label } : null,
      intent: c?.intent ? { predicted: c.intent.predicted, corrected: c.intent.label } : null,
    }));
  }

  /** Reviewed mentions of [from, to), oldest review first, streamed from a cursor (corrections.csv). */
  async *exportRows(workspaceId: string, from: Date, to: Date, lang?: string): AsyncGenerator<CorrectionExportRow> {
    for await (const d of this.mentions.reviewsCursor(workspaceId, from, to, lang)) {
      const c = d.correction!;
      const latest = [c.sentiment, c.intent].filter((x) => !!x).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
      yield {
        mentionId: String(d._id),
        platform: d.platform,
        createdAt: d.createdAt,
        lang: d.lang,
        text: d.text,
        sentiment: c.sentiment?.label ?? null,
        intent: c.intent?.label ?? null,
        predictedSentiment: c.sentiment?.predicted ?? d.sentiment.label,
        predictedIntent: c.intent?.predicted ?? d.intent,
        correctedBy: latest.by,
        correctedAt: c.at,
      };
    }
  }

  private view(doc: MentionRow): CorrectedMentionView {
    const { workspaceId: _w, ...view } = toMentionView(doc);
    return view;
  }
}
