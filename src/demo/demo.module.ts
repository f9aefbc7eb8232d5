import { Module } from '@nestjs/common';
import { CareModule } from '../care/care.module';
import { CollectorsModule } from '../collectors/collectors.module';
import { LeadsModule } from '../leads/leads.module';
import { MentionsModule } from '../mentions/mentions.module';
import { SurveysModule } from '../surveys/surveys.module';
import { TrafficModule } from '../traffic/traffic.module';
import { TopicsModule } from '../topics/topics.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { DemoService } from './demo.service';

@Module({
  imports: [WorkspacesModule, TopicsModule, CollectorsModule, CareModule, TrafficModule, LeadsModule, SurveysModule, MentionsModule],
  providers: [DemoService],
})
export class DemoModule {}
