import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CareRepliesModule } from '../care/care-replies.module';
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
import { BlueskyAgents } from './bluesky/bluesky-agent';
import { BlueskyCollector } from './bluesky/bluesky.collector';
import { MastodonClients } from './mastodon/mastodon-client';
import { MastodonCollector } from './mastodon/mastodon.collector';
import { XApiClients } from './x/x-api-target';
import { XCollector } from './x/x.collector';
import { WhatsAppCollector } from './whatsapp/whatsapp.collector';
import { YouTubeApi } from './youtube/youtube-api';
import { YouTubeCollector } from './youtube/youtube.collector';
import { YouTubeQuota, YouTubeQuotaDay, YouTubeQuotaDaySchema } from './youtube/youtube-quota';
import { RedditClient } from './reddit/reddit-client';
import { RedditCollector } from './reddit/reddit.collector';
import { MetaGraphClient } from './meta/graph-client';
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
      { name: YouTubeQuotaDay.name, schema: YouTubeQuotaDaySchema },
    ]),
    TopicsModule,
    WorkspacesModule,
    MentionsModule,
    EngagementModule,
    CareRepliesModule,
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
    BlueskyAgents,
    BlueskyCollector,
    MastodonClients,
    MastodonCollector,
    WhatsAppCollector,
    MetaGraphClient,
    FacebookCollector,
    InstagramCollector,
    RedditClient,
    RedditCollector,
    YouTubeQuota,
    YouTubeApi,
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
    BlueskyAgents,
    MastodonClients,
    CollectorStateService,
    WhatsAppCollector,
    MetaGraphClient,
    RedditClient,
  ],
})
export class CollectorsModule {}
