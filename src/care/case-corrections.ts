import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Error as MongooseError, Model, Types } from 'mongoose';
import { SUPPORT_INTENTS } from '../common/labels';
import { MentionCorrectedEvent, MentionCorrectionsService } from '../mentions/mention-corrections.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { CasesService } from './cases.service';
import { Case, CaseDocument, CaseNotSupport } from './schemas/case.schema';

const VERSION_TRIES = 5;

/**
 * Cases follow an agent's correction of a mention's intent, as if the mention had been collected
 * with it:
 * - corrected to a support intent: it opens or joins a case through ingestion's own path
 *   (`CasesService.onIngested`); a case closed as `not_support` that holds it is reopened with the
 *   status it had;
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
    @InjectModel(Case.name) private readonly cases: Model<Case>,
    private readonly casesService: CasesService,
    private readonly workspaces: WorkspacesService,
    private readonly corrections: MentionCorrectionsService,
  ) {
    corrections.register((e) => this.follow(e));
  }

  async follow(e: MentionCorrectedEvent): Promise<void> {
    const m = e.mention;
    const isSupport = SUPPORT_INTENTS.includes(e.to.intent);
    for (let attempt = 1; ; attempt++) {
      try {
        const doc: CaseDocument | null = await this.cases.findOne({ workspaceId: new Types.ObjectId(e.workspaceId), platform: m.platform, externalIds: m.externalId });
        if (!doc) {
          if (isSupport) await this.casesService.onIngested(await this.workspaces.get(e.workspaceId), m.topicIds[0] ?? null, [m], []);
          return;
        }
        if (await this.apply(doc, e, isSupport)) await doc.save();
        return;
      } catch (err) {
        // Saved by someone else meanwhile (a reply, the care scan): decide again over theirs.
        if (!(err instanceof MongooseError.VersionError) || attempt >= VERSION_TRIES) throw err;
      }
    }
  }

  /** Changes `doc` for the correction; false when nothing changes. */
  private async apply(doc: CaseDocument, e: MentionCorrectedEvent, isSupport: boolean): Promise<boolean> {
    const m = e.mention;
    const inbound = doc.messages.filter((x) => x.direction === 'inbound');
    const opener = inbound.reduce<(typeof inbound)[number] | undefined>((first, x) => (!first || x.at < first.at ? x : first), undefined);
    let changed = false;
    if (opener?.mentionId === m.id && (doc.intent !== e.to.intent || doc.sentiment !== e.to.sentiment)) {
      // A case's intent stays a support one: the opener corrected away keeps the case's last.
      if (isSupport) doc.intent = e.to.intent;
      doc.sentiment = e.to.sentiment;
      changed = true;
    }
    if (isSupport) {
      if (doc.status === 'not_support' && doc.notSupport) {
        doc.status = doc.notSupport.previousStatus;
        doc.notSupport = null;
        changed = true;
        this.logger.log({ workspaceId: e.workspaceId, caseId: doc.id, mentionId: m.id }, 'Case reopened: a message was corrected back to a support request');
      }
      return changed;
    }
    if (doc.status === 'not_support' || e.from.intent === e.to.intent) return changed;
    const others = inbound.map((x) => x.mentionId).filter((id): id is string => !!id && id !== m.id);
    const labels = others.length ? await this.corrections.labels(e.workspaceId, others) : [];
    if (labels.some((l) => SUPPORT_INTENTS.includes(l.intent))) return changed;
    const notSupport: CaseNotSupport = { at: new Date(), by: e.by, mentionId: m.id, previousStatus: doc.status };
    doc.notSupport = notSupport;
    doc.status = 'not_support';
    this.logger.log({ workspaceId: e.workspaceId, caseId: doc.id, mentionId: m.id }, 'Case closed as not_support: no message of it is a support request');
    return true;
  }
}
