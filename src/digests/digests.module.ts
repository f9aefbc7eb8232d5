import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CareModule } from '../care/care.module';
import { CompetitorsModule } from '../competitors/competitors.module';
import { ExportsModule } from '../exports/exports.module';
import { ForecastModule } from '../forecast/forecast.module';
import { ReportsModule } from '../reports/reports.module';
import { ThemesModule } from '../themes/themes.module';
import { TopicsModule } from '../topics/topics.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { DigestClock } from './digest-clock';
import { DigestContentBuilder } from './digest-content.builder';
import { DigestDelivery } from './digest-delivery.service';
import { DigestMailer } from './digest-mailer';
import { DigestRunsRepository } from './digest-runs.repository';
import { DigestScheduler } from './digest-scheduler';
import { DigestSchedulesRepository } from './digest-schedules.repository';
import { DigestsController } from './digests.controller';
import { DigestsService } from './digests.service';
import { DigestRun, DigestRunSchema } from './schemas/digest-run.schema';
import { DigestSchedule, DigestScheduleSchema } from './schemas/digest-schedule.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: DigestSchedule.name, schema: DigestScheduleSchema },
      { name: DigestRun.name, schema: DigestRunSchema },
    ]),
    ReportsModule,
    CareModule,
    ThemesModule,
    CompetitorsModule,
    ExportsModule,
    ForecastModule,
    TopicsModule,
    WorkspacesModule,
  ],
  controllers: [DigestsController],
  providers: [
    DigestClock,
    DigestSchedulesRepository,
    DigestRunsRepository,
    DigestContentBuilder,
    DigestMailer,
    DigestDelivery,
    DigestScheduler,
    DigestsService,
  ],
})
export class DigestsModule {}
