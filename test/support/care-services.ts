import { MongooseModule, getModelToken } from '@nestjs/mongoose';
import { Test, type TestingModule } from '@nestjs/testing';
import { Model, Types } from 'mongoose';
import { AgentsService } from '../../src/care/agents/agents.service';
import { Agent, AgentSchema, PresenceEventDoc, PresenceEventSchema, Team, TeamSchema } from '../../src/care/agents/schemas/agent.schema';
import { CaseCorrections } from '../../src/care/case-corrections';
import { CaseHistory } from '../../src/care/case-history';
import { CaseEvents, type CaseEvent } from '../../src/care/case-events';
import { CasePlacementService } from '../../src/care/case-placement.service';
import { CasesRepository } from '../../src/care/cases.repository';
import { CasesService } from '../../src/care/cases.service';
import { RepliesService } from '../../src/care/replies.service';
import { BrandReply, BrandReplySchema } from '../../src/care/schemas/brand-reply.schema';
import { Case, CaseSchema } from '../../src/care/schemas/case.schema';
import { CaseHistoryEvent, CaseHistoryEventSchema } from '../../src/care/schemas/case-view.schema';
import { OfflineReassignment } from '../../src/care/offline-reassignment.service';
import { SlaScanService } from '../../src/care/sla-scan.service';
import { loadSettings, SETTINGS } from '../../src/config/settings';
import { EmbeddedMongoServer } from '../../src/embedded-mongo';
import { EnrichmentModule } from '../../src/enrichment/enrichment.module';
import { InProcessJobEngine } from '../../src/jobs/in-process-engine';
import { JOB_ENGINE } from '../../src/jobs/jobs.module';
import { MentionCorrectionsService } from '../../src/mentions/mention-corrections.service';
import { MentionsRepository } from '../../src/mentions/mentions.repository';
import { MentionsService } from '../../src/mentions/mentions.service';
import { RollupBatchesRepository } from '../../src/mentions/rollup-batches.repository';
import { RollupOutboxService } from '../../src/mentions/rollup-outbox.service';
import { RollupsRepository } from '../../src/mentions/rollups.repository';
import {
  MentionRollup,
  MentionRollupSchema,
  MentionRollupSpan,
  MentionRollupSpanSchema,
  MentionRollupSpanState,
  MentionRollupSpanStateSchema,
  RollupBatch,
  RollupBatchSchema,
} from '../../src/mentions/schemas/mention-rollup.schema';
import { Mention, MentionSchema } from '../../src/mentions/schemas/mention.schema';
import { ThemeRollupsModule } from '../../src/themes/theme-rollups.module';
import { Workspace, WorkspaceSchema, defaultWorkspaceSettings } from '../../src/workspaces/schemas/workspace.schema';
import { ApiKeysService } from '../../src/workspaces/api-keys.service';
import { WorkspacesService, type WorkspaceView } from '../../src/workspaces/workspaces.service';

/**
 * The care and mentions services over the embedded engine (in memory), wired by Nest as the app
 * wires them, without HTTP or collection: for unit specs of one service's rules. The one
 * collaborator they never call here (the API keys behind WorkspacesService) is left empty.
 */
export interface CareServices {
  module: TestingModule;
  events: CaseEvent[];
  workspace: WorkspaceView;
  get: TestingModule['get'];
  model: <T>(name: string) => Model<T>;
  close: () => Promise<void>;
}

export async function startCareServices(sla: Partial<WorkspaceView['settings']['sla']> = {}): Promise<CareServices> {
  const server = new EmbeddedMongoServer({ dataDir: null });
  const { uri } = await server.start();
  const settings = loadSettings({}, { overrides: { dataDir: ':memory:', demo: false, logLevel: 'silent', worker: false } });
  const module = await Test.createTestingModule({
    imports: [
      MongooseModule.forRoot(uri, { dbName: 'care-spec' }),
      MongooseModule.forFeature([
        { name: Case.name, schema: CaseSchema },
        { name: Agent.name, schema: AgentSchema },
        { name: Team.name, schema: TeamSchema },
        { name: PresenceEventDoc.name, schema: PresenceEventSchema },
        { name: BrandReply.name, schema: BrandReplySchema },
        { name: CaseHistoryEvent.name, schema: CaseHistoryEventSchema },
        { name: Mention.name, schema: MentionSchema },
        { name: MentionRollup.name, schema: MentionRollupSchema },
        { name: MentionRollupSpan.name, schema: MentionRollupSpanSchema },
        { name: MentionRollupSpanState.name, schema: MentionRollupSpanStateSchema },
        { name: RollupBatch.name, schema: RollupBatchSchema },
        { name: Workspace.name, schema: WorkspaceSchema },
      ]),
      EnrichmentModule,
      ThemeRollupsModule,
    ],
    providers: [
      { provide: SETTINGS, useValue: settings },
      { provide: JOB_ENGINE, useValue: new InProcessJobEngine(false) },
      // WorkspacesService needs it for keys; these specs only read workspaces.
      { provide: ApiKeysService, useValue: {} },
      CasesRepository,
      CaseEvents,
      CasePlacementService,
      CasesService,
      CaseHistory,
      SlaScanService,
      OfflineReassignment,
      AgentsService,
      RepliesService,
      MentionsRepository,
      RollupsRepository,
      RollupBatchesRepository,
      RollupOutboxService,
      MentionsService,
      MentionCorrectionsService,
      CaseCorrections,
      WorkspacesService,
    ],
  }).compile();
  await module.init();
  const model = <T>(name: string) => module.get<Model<T>>(getModelToken(name));
  const defaults = defaultWorkspaceSettings();
  // Raw, as a stored workspace: the specs read its settings only (no keys or webhook secret).
  const id = new Types.ObjectId();
  await model<Workspace>(Workspace.name).collection.insertOne({
    _id: id,
    name: 'Lumi',
    slug: `lumi-${new Types.ObjectId().toHexString()}`,
    timezone: 'UTC',
    currency: 'BRL',
    settings: { ...defaults, sla: { ...defaults.sla, ...sla } },
  });
  const workspace = await module.get(WorkspacesService).get(String(id));
  const events: CaseEvent[] = [];
  module.get(CaseEvents).subscribe((e) => events.push(e));
  return {
    module,
    events,
    workspace,
    get: module.get.bind<TestingModule['get']>(module),
    model,
    close: async () => {
      await module.close();
      await server.stop().catch(() => undefined);
    },
  };
}
