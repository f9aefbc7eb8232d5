import { Injectable, Logger } from '@nestjs/common';
import { MentionCorrectedEvent, MentionCorrectionsService } from '../mentions/mention-corrections.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { followCorrection, isSupportRequest, needsOtherLabels, otherInboundMentionIds } from './case-lifecycle';
import { CasePlacementService, withVersionRetry } from './case-placement.service';
import { CasesRepository } from './cases.repository';

/**
 * Cases follow an agent's correction of a mention's intent, as if the mention had been collected
 * with it (the rules are case-lifecycle's `followCorrection`):
 * - corrected to a support intent: it opens or joins a case through ingestion's own path
 *   (`CasePlacementService.onIngested`); a case closed as `not_support` that holds it is reopened
 *   with the status it had;
 * - corrected away from support: the case holding it is closed as `not_support` (and leaves the
 *   care KPIs) once none of its customer messages is a support request any more;
 * - the case's own intent and sentiment are those of its opening message, so they follow that
 *   message's corrections.
 * Every step is idempotent: the correction repair may run it again after a crash.
 */
@Injectable()
export class CaseCorrections {
  private readonly logger = new Logger('CaseCorrections');

  constructor(
    private readonly cases: CasesRepository,
    private readonly placement: CasePlacementService,
    private readonly workspaces: WorkspacesService,
    private readonly corrections: MentionCorrectionsService,
  ) {
    corrections.register((e) => this.follow(e));
  }

  async follow(e: MentionCorrectedEvent): Promise<void> {
    const m = e.mention;
    // Saved by someone else meanwhile (a reply, the care scan): decide again over theirs.
    await withVersionRetry(async () => {
      const doc = await this.cases.byPost(e.workspaceId, m.platform, m.externalId);
      if (!doc) {
        if (isSupportRequest(e.to.intent))
          await this.placement.onIngested(await this.workspaces.get(e.workspaceId), m.topicIds[0] ?? null, [m], []);
        return;
      }
      const correction = { mentionId: m.id, from: e.from, to: e.to, by: e.by, at: new Date() };
      let otherSupport = false;
      if (needsOtherLabels(doc, correction)) {
        const others = otherInboundMentionIds(doc, m.id);
        const labels = others.length ? await this.corrections.labels(e.workspaceId, others) : [];
        otherSupport = labels.some((l) => isSupportRequest(l.intent));
      }
      const outcome = followCorrection(doc, correction, otherSupport);
      if (!outcome) return;
      await this.cases.save(doc, outcome.update);
      const where = { workspaceId: e.workspaceId, caseId: doc.id, mentionId: m.id };
      if (outcome.note === 'reopened') this.logger.log(where, 'Case reopened: a message was corrected back to a support request');
      if (outcome.note === 'not_support') this.logger.log(where, 'Case closed as not_support: no message of it is a support request');
    });
  }
}
