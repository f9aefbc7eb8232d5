import { Module } from '@nestjs/common';
import { CareModule } from '../care/care.module';
import { EngagementModule } from '../engagement/engagement.module';
import { MentionsModule } from '../mentions/mentions.module';
import { ReportsModule } from '../reports/reports.module';
import { TopicsModule } from '../topics/topics.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { CompetitorRepliesModule } from './competitor-replies.module';
import { CompetitorsController } from './competitors.controller';
import { CompetitorsService } from './competitors.service';

/** Issue #19 items 3-4: share of voice, competitors' public care, influential authors. */
@Module({
  imports: [WorkspacesModule, TopicsModule, MentionsModule, EngagementModule, CareModule, ReportsModule, CompetitorRepliesModule],
  controllers: [CompetitorsController],
  providers: [CompetitorsService],
  exports: [CompetitorsService],
})
export class CompetitorsModule {}
