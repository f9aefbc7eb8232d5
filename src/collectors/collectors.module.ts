import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CareRepliesModule } from '../care/care-replies.module';
import { CompetitorRepliesModule } from '../competitors/competitor-replies.module';
import { EngagementModule } from '../engagement/engagement.module';
import { MentionsModule } from '../mentions/mentions.module';
import { TopicsModule } from '../topics/topics.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { CollectController } from './collect.controller';
import { CollectorsController } from './collectors.controller';
import { CollectScheduler } from './collect.scheduler';
import { CollectionListeners } from './collection-listeners';
import { CollectionService } from './collection.service';
import { COLLECTORS, type Collector } from './collector';
import { CollectorStateService } from './collector-state.service';
import { ReplyPublishersModule } from './reply-publishers.module';
import { MetricsRefresher } from './metrics-refresher';
import { QuarantineController } from './quarantine/quarantine.controller';
import { QuarantineRepository } from './quarantine/quarantine.repository';
import { QuarantineService } from './quarantine/quarantine.service';
import { QuarantinedItem, QuarantinedItemSchema } from './quarantine/quarantined-item.schema';
import {
  ApiUsage,
  ApiUsageSchema,
  CollectionStatus,
  CollectionStatusSchema,
  CollectionLease,
  CollectionLeaseSchema,
  CollectorCursor,
  CollectorCursorSchema,
} from './schemas/collector-state.schema';
import { WorkspaceApiUsage, WorkspaceApiUsageSchema, WorkspaceReadQuota, WorkspaceReadQuotaSchema } from './schemas/read-quota.schema';
import { ReadQuotasController } from './read-quotas.controller';
import { ReadQuotasService } from './read-quotas.service';
import { BlueskyCollector } from './bluesky/bluesky.collector';
import { MastodonCollector } from './mastodon/mastodon.collector';
import { XApiClients } from './x/x-api-target';
import { XCollector } from './x/x.collector';
import { WhatsAppCollector } from './whatsapp/whatsapp.collector';
import { YouTubeCollector } from './youtube/youtube.collector';
import { RedditCollector } from './reddit/reddit.collector';
import { FacebookCollector } from './facebook/facebook.collector';
import { InstagramCollector } from './instagram/instagram.collector';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: CollectorCursor.name, schema: CollectorCursorSchema },
      { name: CollectionLease.name, schema: CollectionLeaseSchema },
      { name: ApiUsage.name, schema: ApiUsageSchema },
      { name: CollectionStatus.name, schema: CollectionStatusSchema },
      { name: QuarantinedItem.name, schema: QuarantinedItemSchema },
      { name: WorkspaceApiUsage.name, schema: WorkspaceApiUsageSchema },
      { name: WorkspaceReadQuota.name, schema: WorkspaceReadQuotaSchema },
    ]),
    TopicsModule,
    WorkspacesModule,
    MentionsModule,
    EngagementModule,
    CareRepliesModule,
    CompetitorRepliesModule,
    ReplyPublishersModule,
  ],
  controllers: [CollectController, CollectorsController, QuarantineController, ReadQuotasController],
  providers: [
    CollectorStateService,
    ReadQuotasService,
    QuarantineRepository,
    QuarantineService,
    CollectionService,
    CollectionListeners,
    CollectScheduler,
    MetricsRefresher,
    XApiClients,
    XCollector,
    BlueskyCollector,
    MastodonCollector,
    WhatsAppCollector,
    FacebookCollector,
    InstagramCollector,
    RedditCollector,
    YouTubeCollector,
    {
      provide: COLLECTORS,
      inject: [
        XCollector,
        BlueskyCollector,
        MastodonCollector,
        WhatsAppCollector,
        FacebookCollector,
        InstagramCollector,
        RedditCollector,
        YouTubeCollector,
      ],
      useFactory: (...collectors: Collector[]) => collectors,
    },
  ],
  exports: [
    COLLECTORS,
    CollectScheduler,
    CollectionListeners,
    CollectionService,
    XApiClients,
    CollectorStateService,
    WhatsAppCollector,
    ReplyPublishersModule,
  ],
})
export class CollectorsModule {}
