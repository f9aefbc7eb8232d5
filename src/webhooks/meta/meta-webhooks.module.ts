import { Module } from '@nestjs/common';
import { CareModule } from '../../care/care.module';
import { CollectorsModule } from '../../collectors/collectors.module';
import { TopicsModule } from '../../topics/topics.module';
import { MetaWebhooksController } from './meta-webhooks.controller';
import { MetaWebhooksService } from './meta-webhooks.service';

/** Meta's webhooks: verification, signed deliveries, and their processing through the queue. */
@Module({
  imports: [TopicsModule, CollectorsModule, CareModule],
  controllers: [MetaWebhooksController],
  providers: [MetaWebhooksService],
})
export class MetaWebhooksModule {}
