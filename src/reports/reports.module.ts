import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CareModule } from '../care/care.module';
import { EngagementModule } from '../engagement/engagement.module';
import { LeadsModule } from '../leads/leads.module';
import { MentionsModule } from '../mentions/mentions.module';
import { SurveysModule } from '../surveys/surveys.module';
import { TopicsModule } from '../topics/topics.module';
import { TrafficModule } from '../traffic/traffic.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ModelQualityController } from './model-quality.controller';
import { ReportCache } from './report-cache';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { KpiTargetDoc, KpiTargetSchema } from './schemas/kpi-target.schema';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: KpiTargetDoc.name, schema: KpiTargetSchema }]),
    WorkspacesModule,
    TopicsModule,
    MentionsModule,
    EngagementModule,
    CareModule,
    LeadsModule,
    TrafficModule,
    SurveysModule,
  ],
  controllers: [ReportsController, ModelQualityController],
  providers: [ReportsService, ReportCache],
  exports: [ReportsService],
})
export class ReportsModule {}
