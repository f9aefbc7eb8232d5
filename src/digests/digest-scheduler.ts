import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Settings, SETTINGS } from '../config/settings';
import { DigestClock } from './digest-clock';
import { DigestDelivery } from './digest-delivery.service';
import { DigestRunsRepository } from './digest-runs.repository';
import { DigestSchedulesRepository, ScheduleLean } from './digest-schedules.repository';
import { Cadence, dueRun } from './schedule';

export const cadenceOf = (s: Pick<ScheduleLean, 'frequency' | 'time' | 'weekday' | 'monthDay' | 'tz'>): Cadence => ({
  frequency: s.frequency,
  time: s.time,
  weekday: s.weekday,
  monthDay: s.monthDay,
  tz: s.tz,
});

/**
 * Every DIGEST_SCAN_INTERVAL_SECONDS (and once at start, so a run missed while the service was
 * down goes out when it is back, marked late) each enabled schedule's latest due run is queued
 * unless its run record exists. Queuing twice is harmless: the job id names the period, and the
 * run record's unique index is the claim, so several instances may tick at once.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Digests');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly schedules: DigestSchedulesRepository,
    private readonly runs: DigestRunsRepository,
    private readonly delivery: DigestDelivery,
    private readonly clock: DigestClock,
  ) {}

  onApplicationBootstrap() {
    if (!this.settings.worker) return;
    const tick = () => this.tick().catch((err: Error) => this.logger.error({ err: err.message }, 'Digest schedule check failed'));
    void tick();
    this.timer = setInterval(tick, this.settings.digest.scanIntervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }

  /** Queues every run due at the digest clock's now; returns how many were queued. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    let queued = 0;
    for (const s of await this.schedules.enabled()) {
      const due = dueRun(cadenceOf(s), s.activeFrom, now);
      if (!due || (await this.runs.exists(String(s._id), due.key))) continue;
      await this.delivery.enqueue({
        scheduleId: String(s._id),
        period: due.key,
        from: due.from.toISOString(),
        to: due.to.toISOString(),
        dueAt: due.dueAt.toISOString(),
        late: due.late,
        manual: false,
      });
      queued++;
      this.logger.log({ scheduleId: String(s._id), period: due.key, late: due.late }, 'Digest run queued');
    }
    await this.delivery.resumeAbandoned();
    return queued;
  }
}
