import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { DashboardFiles } from './dashboard-files';

/** Serves the web dashboard at `/`; it reads everything through the public JSON API. */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DashboardFiles, useFactory: () => new DashboardFiles() }],
})
export class DashboardModule {}
