import { Injectable, Logger } from '@nestjs/common';
import { abandonOnScan, breachOnScan } from './case-lifecycle';
import { CaseEvents } from './case-events';
import { CasesRepository } from './cases.repository';
import { OfflineReassignment } from './offline-reassignment.service';

/**
 * The care scan: marks first-response breaches when they happen and closes cases abandoned past
 * their window, whether or not anyone is reading (the `care` queue, every
 * `CARE_SCAN_INTERVAL_SECONDS`). Each mark is a conditional update, so a case answered meanwhile
 * is left alone.
 */
@Injectable()
export class SlaScanService {
  private readonly logger = new Logger('Cases');

  constructor(
    private readonly cases: CasesRepository,
    private readonly events: CaseEvents,
    private readonly offline: OfflineReassignment,
  ) {}

  async scan(now = new Date()): Promise<{ breached: number; abandoned: number }> {
    const toBreach = await this.cases.dueForBreach(now);
    for (const c of toBreach) {
      const mark = breachOnScan(c, now);
      if (mark && (await this.cases.markBreached(c._id, mark.breachedAt))) {
        this.events.next({ type: 'case.breached', workspaceId: String(c.workspaceId), caseId: String(c._id), at: mark.breachedAt });
      }
    }
    const toAbandon = await this.cases.dueForAbandon(now);
    for (const c of toAbandon) {
      const mark = abandonOnScan(c, now);
      if (mark && (await this.cases.markAbandoned(c._id, mark.abandonedAt))) {
        this.events.next({ type: 'case.abandoned', workspaceId: String(c.workspaceId), caseId: String(c._id), at: mark.abandonedAt });
      }
    }
    // agents offline past their team's grace: their open cases go to others (reroutes)
    const rerouted = await this.offline.run(now);
    if (rerouted) this.logger.log({ rerouted }, 'Cases of agents offline past the grace reassigned');
    if (toBreach.length || toAbandon.length) this.logger.log({ breached: toBreach.length, abandoned: toAbandon.length }, 'Care scan');
    return { breached: toBreach.length, abandoned: toAbandon.length };
  }
}
