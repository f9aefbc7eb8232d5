import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlueskyAgents } from './bluesky/bluesky-agent';
import { BlueskyPublisher } from './bluesky/bluesky.publisher';
import { FacebookPublisher } from './facebook/facebook.publisher';
import { InstagramPublisher } from './instagram/instagram.publisher';
import { MastodonClients } from './mastodon/mastodon-client';
import { MastodonPublisher } from './mastodon/mastodon.publisher';
import { MetaGraphClient } from './meta/graph-client';
import { RedditClient } from './reddit/reddit-client';
import { RedditPublisher } from './reddit/reddit.publisher';
import { REPLY_PUBLISHERS, type ReplyPublisher } from './reply-publisher';
import { WhatsAppPublisher } from './whatsapp/whatsapp.publisher';
import { YouTubeApi } from './youtube/youtube-api';
import { YouTubePublisher } from './youtube/youtube.publisher';
import { YouTubeQuota, YouTubeQuotaDay, YouTubeQuotaDaySchema } from './youtube/youtube-quota';

/**
 * The networks' clients (one per network, shared by its collector and its publisher) and the
 * publishers of care replies (`REPLY_PUBLISHERS`). It imports nothing of care, so care can import
 * it; X has no publisher (its app-only token cannot post).
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: YouTubeQuotaDay.name, schema: YouTubeQuotaDaySchema }])],
  providers: [
    BlueskyAgents,
    MastodonClients,
    MetaGraphClient,
    RedditClient,
    YouTubeQuota,
    YouTubeApi,
    BlueskyPublisher,
    MastodonPublisher,
    WhatsAppPublisher,
    FacebookPublisher,
    InstagramPublisher,
    RedditPublisher,
    YouTubePublisher,
    {
      provide: REPLY_PUBLISHERS,
      inject: [
        BlueskyPublisher,
        MastodonPublisher,
        WhatsAppPublisher,
        FacebookPublisher,
        InstagramPublisher,
        RedditPublisher,
        YouTubePublisher,
      ],
      useFactory: (...publishers: ReplyPublisher[]) => publishers,
    },
  ],
  exports: [REPLY_PUBLISHERS, BlueskyAgents, MastodonClients, MetaGraphClient, RedditClient, YouTubeApi],
})
export class ReplyPublishersModule {}
