import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CareModule } from '../care/care.module';
import { MentionsModule } from '../mentions/mentions.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ForecastController } from './forecast.controller';
import { ForecastService } from './forecast.service';
import { StaffingSettings, StaffingSettingsSchema } from './schemas/staffing-settings.schema';
import { StaffingSettingsRepository } from './staffing-settings.repository';

/** Issue #20: inbound support forecast, its backtest, staffing by Erlang C/A. */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: StaffingSettings.name, schema: StaffingSettingsSchema }]),
    MentionsModule,
    CareModule,
    WorkspacesModule,
  ],
  controllers: [ForecastController],
  providers: [ForecastService, StaffingSettingsRepository],
  exports: [ForecastService],
})
export class ForecastModule {}
