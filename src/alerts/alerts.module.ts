import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CareModule } from '../care/care.module';
import { CollectorsModule } from '../collectors/collectors.module';
import { ForecastModule } from '../forecast/forecast.module';
import { MentionsModule } from '../mentions/mentions.module';
import { SurveysModule } from '../surveys/surveys.module';
import { ThemesModule } from '../themes/themes.module';
import { TopicsModule } from '../topics/topics.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { Alert, AlertSchema } from './schemas/alert.schema';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: Alert.name, schema: AlertSchema }]),
    TopicsModule,
    WorkspacesModule,
    MentionsModule,
    CareModule,
    SurveysModule,
    CollectorsModule,
    ForecastModule,
    ThemesModule,
  ],
  controllers: [AlertsController],
  providers: [AlertsService],
  exports: [AlertsService],
})
export class AlertsModule {}
