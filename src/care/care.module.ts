import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CollectionListeners } from '../collectors/collection-listeners';
import { CollectorsModule } from '../collectors/collectors.module';
import { ReplyPublishersModule } from '../collectors/reply-publishers.module';
import { MentionsModule } from '../mentions/mentions.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { Settings, SETTINGS } from '../config/settings';
import { JOB_ENGINE } from '../jobs/jobs.module';
import { enqueueEvery, type JobEngine } from '../jobs/job-queue';
import { AgentsController } from './agents/agents.controller';
import { AgentsService } from './agents/agents.service';
import { Agent, AgentSchema, PresenceEventDoc, PresenceEventSchema, Team, TeamSchema } from './agents/schemas/agent.schema';
import { CareRepliesModule } from './care-replies.module';
import { CaseCorrections } from './case-corrections';
import { CaseCollaboration } from './collaboration/case-collaboration';
import { CaseCollaborationController } from './collaboration/case-collaboration.controller';
import { CasePresenceDoc, CasePresenceSchema, ReplyClaim, ReplyClaimSchema } from './collaboration/collaboration.schema';
import { CaseHistory } from './case-history';
import { CaseNotes } from './case-notes';
import { CaseNotesController } from './case-notes.controller';
import { CasesController } from './cases.controller';
import { CaseEvents } from './case-events';
import { CasePlacementService } from './case-placement.service';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { CareReplySender } from './reply-sender';
import { SavedRepliesController } from './saved-replies.controller';
import { SavedReplies } from './saved-replies.service';
import { Case, CaseSchema } from './schemas/case.schema';
import {
  CaseHistoryEvent,
  CaseHistoryEventSchema,
  CaseNote,
  CaseNoteSchema,
  SavedReply,
  SavedReplySchema,
  SavedReplyUse,
  SavedReplyUseSchema,
} from './schemas/case-view.schema';
import { OfflineReassignment } from './offline-reassignment.service';
import {
  CaseRollup,
  CaseRollupSchema,
  CaseRollupSpan,
  CaseRollupSpanSchema,
  CaseRollupState,
  CaseRollupStateSchema,
} from './rollups/case-rollup.schema';
import { CaseRollupsRepository } from './rollups/case-rollups.repository';
import { CareRollupsService } from './rollups/care-rollups.service';
import { AuthorLink, AuthorLinkSchema } from './people/author-link.schema';
import { AuthorLinksRepository } from './people/author-links.repository';
import { PeopleController } from './people/people.controller';
import { PeopleService } from './people/people.service';
import { SlaScanService } from './sla-scan.service';
import { VipAuthor, VipAuthorSchema } from './schemas/vip-author.schema';
import { TriageService } from './triage.service';
import { VipAuthorsController } from './vip-authors.controller';
import { VipAuthorsService } from './vip-authors.service';

/** Hooks cases into collection and runs the care scan (breaches, abandonment) on the `care` queue. */
@Injectable()
class CareScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CareScheduler');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
    private readonly placement: CasePlacementService,
    private readonly scan: SlaScanService,
    listeners: CollectionListeners,
  ) {
    // A competitor's customers are not the brand's: its topics never open cases in the inbox.
    listeners.register(async (batch) => {
      if (batch.topic.role !== 'competitor')
        await this.placement.onIngested(batch.workspace, batch.topic.id, batch.mentions, batch.replies);
    });
    this.jobs.define({ queue: 'care', attempts: 2, backoffMs: 2_000, process: () => this.scan.scan() });
  }

  onApplicationBootstrap() {
    if (!this.settings.worker) return;
    // In the background: a pass reads every case's message times (≈ 2 s for 10,000 cases).
    void this.placement
      .retimeOutOfOrder()
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'Could not retime cases stored out of order'));
    this.timer = enqueueEvery(this.jobs, 'care', this.settings.careScanIntervalSeconds, {}, (err) =>
      this.logger.error({ err: err.message }, 'Could not schedule the care scan'),
    );
  }

  onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
  }
}

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Case.name, schema: CaseSchema },
      { name: Agent.name, schema: AgentSchema },
      { name: Team.name, schema: TeamSchema },
      { name: PresenceEventDoc.name, schema: PresenceEventSchema },
      { name: VipAuthor.name, schema: VipAuthorSchema },
      { name: SavedReply.name, schema: SavedReplySchema },
      { name: SavedReplyUse.name, schema: SavedReplyUseSchema },
      { name: CaseNote.name, schema: CaseNoteSchema },
      { name: CaseHistoryEvent.name, schema: CaseHistoryEventSchema },
      { name: ReplyClaim.name, schema: ReplyClaimSchema },
      { name: CasePresenceDoc.name, schema: CasePresenceSchema },
      { name: AuthorLink.name, schema: AuthorLinkSchema },
      { name: CaseRollup.name, schema: CaseRollupSchema },
      { name: CaseRollupSpan.name, schema: CaseRollupSpanSchema },
      { name: CaseRollupState.name, schema: CaseRollupStateSchema },
    ]),
    CareRepliesModule,
    CollectorsModule,
    ReplyPublishersModule,
    MentionsModule,
    WorkspacesModule,
  ],
  controllers: [
    CasesController,
    AgentsController,
    VipAuthorsController,
    CaseNotesController,
    SavedRepliesController,
    CaseCollaborationController,
    PeopleController,
  ],
  providers: [
    CasesRepository,
    CaseEvents,
    CasePlacementService,
    CasesService,
    SlaScanService,
    OfflineReassignment,
    AgentsService,
    CareScheduler,
    CareReplySender,
    CaseCorrections,
    TriageService,
    VipAuthorsService,
    CaseHistory,
    CaseNotes,
    SavedReplies,
    CaseCollaboration,
    AuthorLinksRepository,
    PeopleService,
    CaseRollupsRepository,
    CareRollupsService,
  ],
  exports: [CasesService, AgentsService, SavedReplies, VipAuthorsService, CareRollupsService],
})
export class CareModule {}
