import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { ApiWritesInterceptor } from './api-writes.interceptor';
import { ReportVersion, ReportVersionSchema } from './report-version.schema';
import { PendingCounts } from './pending-counts';
import { ReportVersionsRepository } from './report-versions.repository';

/**
 * The workspaces' report versions. Global: every feature that writes what a report reads bumps
 * the version after its write (API writes: ./api-writes.interceptor); the reports read it to decide
 * whether a cached answer is current.
 */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: ReportVersion.name, schema: ReportVersionSchema }])],
  providers: [ReportVersionsRepository, PendingCounts, { provide: APP_INTERCEPTOR, useClass: ApiWritesInterceptor }],
  exports: [ReportVersionsRepository, PendingCounts],
})
export class ReportFreshnessModule {}
