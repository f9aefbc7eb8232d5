import { Inject, Injectable, Logger } from '@nestjs/common';
import { OutboundClient, OutboundError } from '../common/outbound/outbound-client';
import { signedWebhookHeaders } from '../common/signed-webhooks';
import { JOB_ENGINE } from '../jobs/jobs.module';
import type { JobContext, JobEngine } from '../jobs/job-queue';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { DigestClock } from './digest-clock';
import { DigestContentBuilder } from './digest-content.builder';
import { DigestMailer, MailOutcome } from './digest-mailer';
import { DigestRunsRepository, RunLean } from './digest-runs.repository';
import { DigestSchedulesRepository, ScheduleLean } from './digest-schedules.repository';
import { renderDigest } from './render';
import { RunRecipient, RunStatus } from './schemas/digest-run.schema';

export const DIGEST_ATTEMPTS = 5;
export const DIGEST_BACKOFF_MS = 30_000;
/** How long a run's owner may be silent before another instance takes the run over. */
export const RUN_LEASE_MS = 10 * 60_000;

/** A digest job: which schedule, which period, and the window it reports. */
export interface DigestJob {
  scheduleId: string;
  period: string;
  from: string;
  to: string;
  dueAt: string;
  late: boolean;
  manual: boolean;
}

export const digestJobId = (job: Pick<DigestJob, 'scheduleId' | 'period'>) =>
  `digest:${job.scheduleId}:${job.period.replace(/[/:]/g, '_')}`;

/**
 * Sends one run of a schedule through the job queue (queue `digests`, DIGEST_ATTEMPTS tries with
 * exponential back-off). The run record is claimed before anything is sent, so a period is sent
 * once however many instances or retries try; each recipient's outcome is saved as it happens,
 * so a retry sends only to those still pending.
 */
@Injectable()
export class DigestDelivery {
  private readonly logger = new Logger('Digests');

  constructor(
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
    private readonly schedules: DigestSchedulesRepository,
    private readonly runs: DigestRunsRepository,
    private readonly builder: DigestContentBuilder,
    private readonly mailer: DigestMailer,
    private readonly workspaces: WorkspacesService,
    private readonly outbound: OutboundClient,
    private readonly clock: DigestClock,
  ) {
    this.jobs.define({
      queue: 'digests',
      attempts: DIGEST_ATTEMPTS,
      backoffMs: DIGEST_BACKOFF_MS,
      concurrency: 1,
      process: (data, ctx) => this.process(data as DigestJob, ctx),
    });
  }

  enqueue(job: DigestJob): Promise<void> {
    return this.jobs.enqueue<DigestJob>('digests', job, { jobId: digestJobId(job) });
  }

  async process(job: DigestJob, ctx: JobContext): Promise<{ sent: number; pending: number } | { skipped: true }> {
    const schedule = await this.schedules.byId(job.scheduleId);
    if (!schedule) return { skipped: true };
    const run = await this.runs.claim(
      {
        workspaceId: String(schedule.workspaceId),
        scheduleId: job.scheduleId,
        period: job.period,
        from: new Date(job.from),
        to: new Date(job.to),
        dueAt: new Date(job.dueAt),
        late: job.late,
        manual: job.manual,
        recipients: recipientsOf(schedule),
      },
      ctx.jobId,
      RUN_LEASE_MS,
    );
    if (!run) {
      this.logger.log({ scheduleId: job.scheduleId, period: job.period }, 'Digest already sent (or being sent) for this period');
      return { skipped: true };
    }
    return this.deliver(schedule, run, ctx.attempt >= DIGEST_ATTEMPTS);
  }

  private async deliver(schedule: ScheduleLean, run: RunLean, lastAttempt: boolean) {
    const ws = await this.workspaces.get(String(schedule.workspaceId));
    const content = await this.builder.build(
      ws,
      schedule,
      { from: run.from, to: run.to, dueAt: run.dueAt, late: run.late },
      this.clock.now(),
    );
    const digest = renderDigest(content);
    await this.runs.setSubject(run._id, digest.subject);
    let sent = 0;
    let pending = 0;
    for (const [i, r] of run.recipients.entries()) {
      if (r.status !== 'pending') continue;
      const outcome =
        r.kind === 'email'
          ? await this.mailer.send({ to: r.address, subject: digest.subject, html: digest.html, text: digest.text, images: digest.images })
          : await this.postToSlack(String(schedule.workspaceId), ws.settings.webhook?.url ?? null, digest.slack);
      if (outcome.status === 'failed' && !lastAttempt) {
        pending++;
        await this.runs.markRecipient(run._id, i, 'pending', outcome.error);
      } else {
        if (outcome.status === 'sent') sent++;
        await this.runs.markRecipient(run._id, i, outcome.status, outcome.status === 'sent' ? null : outcome.error);
      }
      if (outcome.status !== 'sent') {
        this.logger.warn(
          { runId: String(run._id), kind: r.kind, outcome: outcome.status, error: outcome.error },
          'Digest not delivered to a recipient',
        );
      }
    }
    if (pending) throw new Error(`digest ${String(run._id)}: ${pending} recipient(s) still pending, retrying`);
    const done = await this.runs.byId(String(run._id));
    const status = finalStatus(done?.recipients ?? []);
    await this.runs.finish(run._id, status);
    this.logger.log(
      { runId: String(run._id), scheduleId: String(schedule._id), period: run.period, status, late: run.late },
      'Digest run finished',
    );
    return { sent, pending };
  }

  private async postToSlack(workspaceId: string, url: string | null, message: object): Promise<MailOutcome> {
    if (!url) return { status: 'skipped', error: 'not sent: the workspace has no webhook (settings.webhook.url)' };
    const body = JSON.stringify(message);
    try {
      const secret = await this.workspaces.webhookSecret(workspaceId);
      await this.outbound.post(url, body, {
        'Content-Type': 'application/json',
        'User-Agent': 'Ouvidor-Digests/1',
        ...signedWebhookHeaders(secret, body),
      });
      return { status: 'sent' };
    } catch (err) {
      if (err instanceof OutboundError) return { status: err.failure === 'refused' ? 'refused' : 'failed', error: err.publicMessage };
      return { status: 'failed', error: 'failed: could not deliver' };
    }
  }

  /** Runs whose instance died mid-send: queued again, and taken over once their lease lapsed. */
  async resumeAbandoned(): Promise<number> {
    const runs = await this.runs.abandoned();
    for (const r of runs) {
      await this.enqueue({
        scheduleId: String(r.scheduleId),
        period: r.period,
        from: r.from.toISOString(),
        to: r.to.toISOString(),
        dueAt: r.dueAt.toISOString(),
        late: r.late,
        manual: r.manual,
      });
    }
    return runs.length;
  }
}

export function recipientsOf(s: Pick<ScheduleLean, 'emails' | 'slack'>): RunRecipient[] {
  const fresh = { status: 'pending' as const, error: null, attempts: 0, sentAt: null };
  return [
    ...s.emails.map((address) => ({ kind: 'email' as const, address, ...fresh })),
    ...(s.slack ? [{ kind: 'slack' as const, address: 'webhook', ...fresh }] : []),
  ];
}

/** `sent` when every recipient got it, `failed` when none did (refused, failed or skipped), else `partial`. */
export function finalStatus(recipients: Pick<RunRecipient, 'status'>[]): RunStatus {
  const sent = recipients.filter((r) => r.status === 'sent').length;
  if (sent === recipients.length) return 'sent';
  return sent ? 'partial' : 'failed';
}
