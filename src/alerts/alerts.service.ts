import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { Observable, Subject, filter, map } from 'rxjs';
import { CasesService } from '../care/cases.service';
import { CollectorStateService } from '../collectors/collector-state.service';
import { OutboundClient, OutboundError } from '../common/outbound/outbound-client';
import { signedWebhookHeaders } from '../common/signed-webhooks';
import { Settings, SETTINGS } from '../config/settings';
import { JOB_ENGINE } from '../jobs/jobs.module';
import { enqueueEvery, type JobEngine } from '../jobs/job-queue';
import { ForecastService } from '../forecast/forecast.service';
import { MentionsService } from '../mentions/mentions.service';
import { afterCursor, decodeCursor, encodeCursor } from '../mentions/page-cursor';
import { negativeShareSpike, startOfUtcHour, SpikeCheck, volumeSpike } from '../reports/kpis';
import { SurveysService } from '../surveys/surveys.service';
import { ThemesService } from '../themes/themes.service';
import { TopicsService } from '../topics/topics.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { ListAlertsQuery } from './dto/alerts.dto';
import { Alert, AlertType } from './schemas/alert.schema';

const HOUR_MS = 3_600_000;
const LOOKBACK_MS = 2 * 24 * HOUR_MS;
export const DELIVERY_ATTEMPTS = 5;

type AlertJob = { kind: 'check'; hour?: string } | { kind: 'deliver'; alertId: string };

export interface AlertView {
  id: string;
  type: AlertType;
  topicId: string | null;
  at: Date;
  message: string;
  details: Record<string, unknown>;
  delivery: Alert['delivery'];
  createdAt?: Date;
}

const toView = (a: Alert & { _id: Types.ObjectId; createdAt?: Date }): AlertView => ({
  id: String(a._id),
  type: a.type,
  topicId: a.topicId ? String(a.topicId) : null,
  at: a.at,
  message: a.message,
  details: a.details ?? {},
  delivery: a.delivery,
  createdAt: a.createdAt,
});

const pct = (n: number | null) => (n === null ? '—' : `${n.toFixed(1)}%`);

/**
 * Spikes (volume and negative share per topic, docs/KPIS.md), SLA breaches, CSAT follow-ups
 * (responses of 3 or less; docs/KPIS.md, "Surveys") and topics whose collection is failing (after the collect
 * job's own retries): each raised once per episode, listed, pushed to the live
 * stream and delivered to the workspace's webhook (Slack-compatible JSON) with retries.
 */
@Injectable()
export class AlertsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly live = new Subject<AlertView & { workspaceId: string }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectModel(Alert.name) private readonly alerts: Model<Alert>,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
    private readonly topics: TopicsService,
    private readonly workspaces: WorkspacesService,
    private readonly mentions: MentionsService,
    private readonly cases: CasesService,
    private readonly surveys: SurveysService,
    private readonly collectorState: CollectorStateService,
    private readonly outbound: OutboundClient,
    private readonly forecasts: ForecastService,
    private readonly themes: ThemesService,
  ) {
    this.jobs.define({
      queue: 'alerts',
      attempts: DELIVERY_ATTEMPTS,
      backoffMs: 2_000,
      concurrency: 2,
      process: (data, ctx) => {
        const job = data as AlertJob;
        return job.kind === 'check' ? this.check(job.hour ? new Date(job.hour) : undefined) : this.deliver(job.alertId, ctx.attempt);
      },
    });
  }

  onApplicationBootstrap() {
    if (!this.settings.worker) return;
    this.timer = enqueueEvery<AlertJob>(this.jobs, 'alerts', this.settings.alertScanIntervalSeconds, { kind: 'check' }, (err) =>
      this.logger.error({ err: err.message }, 'Could not schedule the alert checks'),
    );
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs every check; `hour` (default: the last complete UTC hour) is the hour tested for spikes. */
  async check(hour?: Date): Promise<{ raised: number }> {
    const h = startOfUtcHour(hour ?? new Date(Date.now() - HOUR_MS));
    let raised = 0;
    const active = await this.topics.listActive();
    for (const topic of active) raised += await this.checkSpikes(topic.workspaceId, topic.id, topic.name, h);
    const since = new Date(Date.now() - LOOKBACK_MS);
    for (const b of await this.cases.breachedSince(since)) {
      const ok = await this.raise(b.workspaceId, {
        type: 'sla_breach',
        key: `sla:${b.caseId}`,
        at: b.breachedAt,
        message: `SLA breached: @${b.customer} has waited past the first-response target${b.team ? ` (team ${b.team})` : ''}`,
        details: { caseId: b.caseId, platform: b.platform, team: b.team, assignee: b.assignee },
      });
      if (ok) raised++;
    }
    const names = new Map(active.map((t) => [t.id, t.name]));
    for (const f of await this.collectorState.failingCollections()) {
      if (!names.has(f.topicId)) continue;
      // one episode per run of failures: it ends when a collection succeeds again
      const ok = await this.raise(f.workspaceId, {
        type: 'collection_failing',
        key: `collection:${f.topicId}:${f.lastSucceededAt?.toISOString() ?? 'never'}`,
        topicId: f.topicId,
        at: f.failedAt,
        message: `Collection of “${names.get(f.topicId)}” is failing: ${f.error.slice(0, 200)}`,
        details: { error: f.error, lastSucceededAt: f.lastSucceededAt },
      });
      if (ok) raised++;
    }
    for (const r of await this.surveys.followUpsSince(since)) {
      const ok = await this.raise(r.workspaceId, {
        type: 'csat_follow_up',
        key: `csat:${r.responseId}`,
        at: r.respondedAt,
        message: `CSAT ${r.score}/5 needs a follow-up${r.comment ? `: “${r.comment.slice(0, 140)}”` : ''}`,
        details: { responseId: r.responseId, score: r.score, caseId: r.caseId },
      });
      if (ok) raised++;
    }
    raised += await this.checkStaffing();
    return { raised };
  }

  /** `staffing_shortfall`: tomorrow's forecast needs more agents than scheduled in some hour; once per day per workspace. */
  private async checkStaffing(): Promise<number> {
    let raised = 0;
    for (const s of await this.forecasts.shortfallsTomorrow()) {
      const worst = s.hours.reduce((m, h) => Math.max(m, h.shortfall ?? 0), 0);
      const ok = await this.raise(s.workspaceId, {
        type: 'staffing_shortfall',
        key: `staffing:${s.date}`,
        at: s.hours[0].t,
        message: `Staffing shortfall on ${s.date}: ${s.hours.length} hour(s) need more agents than scheduled, up to ${worst} more`,
        details: {
          date: s.date,
          hours: s.hours.map((h) => ({
            t: h.t,
            expected: h.expected,
            agentsNeeded: h.agentsNeeded,
            scheduled: h.scheduled,
            shortfall: h.shortfall,
          })),
        },
      });
      if (ok) raised++;
    }
    return raised;
  }

  private async checkSpikes(workspaceId: string, topicId: string, topicName: string, h: Date): Promise<number> {
    const rows = await this.mentions.rollupRows(workspaceId, new Date(h.getTime() - 8 * 24 * HOUR_MS), new Date(h.getTime() + HOUR_MS), {
      topic: topicId,
    });
    if (rows.length === 0) return 0;
    const since = rows[0].hour;
    const prev = new Date(h.getTime() - HOUR_MS);
    let raised = 0;
    const checks: [AlertType, (at: Date) => SpikeCheck, string][] = [
      ['volume_spike', (at) => volumeSpike(rows, at, { since }), 'mention volume'],
      ['negative_share_spike', (at) => negativeShareSpike(rows, at, { since }), 'negative share'],
    ];
    for (const [type, spikeAt, label] of checks) {
      const now = spikeAt(h);
      // One alert per episode: an hour that continues a spike from the hour before raises nothing.
      if (!now.spike || spikeAt(prev).spike) continue;
      const value = type === 'volume_spike' ? String(now.value) : pct(now.value);
      const threshold = type === 'volume_spike' ? now.threshold?.toFixed(1) : pct(now.threshold);
      const themes = await this.explainSpike(workspaceId, topicId, h, type);
      const ok = await this.raise(workspaceId, {
        type,
        key: `${type}:${topicId}:${h.toISOString()}`,
        topicId,
        at: h,
        message: `Spike in ${label} on “${topicName}”: ${value} in the hour from ${h.toISOString()} (threshold ${threshold})`,
        details: { value: now.value, threshold: now.threshold, mean: now.mean, std: now.std, historyPoints: now.historyPoints, themes },
      });
      if (ok) raised++;
    }
    return raised;
  }

  /**
   * The themes whose share grew most in the spike hour against the week before (issue #19); for a
   * negative-share spike, among negative mentions. An alert is still raised if this fails.
   */
  private async explainSpike(workspaceId: string, topicId: string, h: Date, type: AlertType) {
    try {
      const e = await this.themes.explain(workspaceId, {
        topic: topicId,
        from: h,
        to: new Date(h.getTime() + HOUR_MS),
        sentiment: type === 'negative_share_spike' ? 'negative' : undefined,
        limit: 5,
      });
      return { window: e.window, baseline: e.baseline, sentiment: e.sentiment, grew: e.grew };
    } catch (err) {
      this.logger.error({ workspaceId, topicId, err: (err as Error).message }, 'Could not explain a spike by its themes');
      return null;
    }
  }

  /** Inserts the alert unless its episode already has one; pushes and queues its delivery. */
  private async raise(
    workspaceId: string,
    a: { type: AlertType; key: string; at: Date; message: string; details: Record<string, unknown>; topicId?: string },
  ): Promise<boolean> {
    let doc;
    try {
      doc = await this.alerts.create({
        workspaceId: new Types.ObjectId(workspaceId),
        type: a.type,
        key: a.key,
        topicId: a.topicId ? new Types.ObjectId(a.topicId) : null,
        at: a.at,
        message: a.message,
        details: a.details,
      });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
    const view = toView(doc.toObject());
    this.logger.log({ workspaceId, type: a.type, key: a.key }, 'Alert raised');
    this.live.next({ ...view, workspaceId });
    await this.jobs.enqueue<AlertJob>('alerts', { kind: 'deliver', alertId: view.id }, { jobId: `alert-delivery:${view.id}` });
    return true;
  }

  /** POSTs the alert to the workspace's webhook; throws on failure so the queue retries it. */
  async deliver(alertId: string, attempt = 1): Promise<void> {
    const alert = await this.alerts.findById(new Types.ObjectId(alertId)).lean();
    if (!alert || alert.delivery?.status === 'delivered') return;
    if (alert.type === 'sla_breach' && !(await this.cases.breachHolds(String(alert.workspaceId), String(alert.details?.caseId)))) {
      // Messages collected since showed the case answered in time: sending it now would be wrong.
      await this.alerts.updateOne(
        { _id: alert._id },
        { $set: { 'delivery.status': 'skipped', 'delivery.lastError': 'not sent: the breach no longer holds' } },
      );
      this.logger.log({ alertId, caseId: alert.details?.caseId }, 'SLA breach alert not delivered: the breach was cleared');
      return;
    }
    const ws = await this.workspaces.get(String(alert.workspaceId));
    const url = ws.settings.webhook?.url;
    if (!url) {
      await this.alerts.updateOne({ _id: alert._id }, { $set: { 'delivery.status': 'skipped' } });
      return;
    }
    const body = JSON.stringify({
      text: `[Ouvidor · ${ws.name}] ${alert.message}`,
      alert: { id: alertId, type: alert.type, at: alert.at, topicId: alert.topicId ? String(alert.topicId) : null, details: alert.details },
    });
    try {
      // Signed like inbound lead webhooks, with the workspace's secret, so the receiver can tell
      // an alert from Ouvidor from a forged or replayed one.
      const secret = await this.workspaces.webhookSecret(String(alert.workspaceId));
      await this.outbound.post(url, body, {
        'Content-Type': 'application/json',
        'User-Agent': 'Ouvidor-Alerts/1',
        ...signedWebhookHeaders(secret, body),
      });
      await this.alerts.updateOne(
        { _id: alert._id },
        {
          $set: { 'delivery.status': 'delivered', 'delivery.deliveredAt': new Date(), 'delivery.lastError': null },
          $inc: { 'delivery.attempts': 1 },
        },
      );
    } catch (err) {
      // The tenant sees only "refused: …" or "failed: …": the detail (addresses, error codes) would
      // let a workspace admin map the installation's network through its webhook URL.
      const shown = err instanceof OutboundError ? err.publicMessage : 'failed: could not deliver';
      // A refused address will be refused again: retrying would only repeat the refusal.
      const final = attempt >= DELIVERY_ATTEMPTS || (err instanceof OutboundError && err.failure === 'refused');
      await this.alerts.updateOne(
        { _id: alert._id },
        { $set: { 'delivery.status': final ? 'failed' : 'pending', 'delivery.lastError': shown }, $inc: { 'delivery.attempts': 1 } },
      );
      this.logger.warn(
        { alertId, workspaceId: String(alert.workspaceId), attempt, outcome: shown, err: (err as Error).message },
        'Alert webhook delivery failed',
      );
      if (final && err instanceof OutboundError && err.failure === 'refused') return;
      throw err;
    }
  }

  async list(workspaceId: string, q: ListAlertsQuery) {
    const limit = q.limit ?? 50;
    const f: Record<string, unknown> = { workspaceId: new Types.ObjectId(workspaceId) };
    if (q.type) f.type = q.type;
    if (q.from || q.to) f.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    const query = q.cursor ? { $and: [f, afterCursor('at', decodeCursor(q.cursor))] } : f;
    const rows = await this.alerts
      .find(query)
      .sort({ at: -1, _id: -1 })
      .limit(limit + 1)
      .lean();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { data: page.map(toView), nextCursor: rows.length > limit && last ? encodeCursor(last.at, last._id) : null };
  }

  async get(workspaceId: string, id: string) {
    if (!isValidObjectId(id)) return null;
    const doc = await this.alerts.findOne({ _id: new Types.ObjectId(id), workspaceId: new Types.ObjectId(workspaceId) }).lean();
    return doc ? toView(doc) : null;
  }

  stream(workspaceId: string): Observable<{ type: string; data: AlertView }> {
    return this.live.pipe(
      filter((a) => a.workspaceId === workspaceId),
      map(({ workspaceId: _w, ...a }) => ({ type: 'alert', data: a })),
    );
  }
}
