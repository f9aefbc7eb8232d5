import { Module } from '@nestjs/common';
import { CareModule } from '../care/care.module';
import { EngagementModule } from '../engagement/engagement.module';
import { LeadsModule } from '../leads/leads.module';
import { MentionsModule } from '../mentions/mentions.module';
import { SurveysModule } from '../surveys/surveys.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { CorrectionsExportController } from './corrections-export.controller';
import { ExportLinksController } from './export-links.controller';
import { ExportLinksService } from './export-links.service';
import { ExportsController } from './exports.controller';

@Module({
  imports: [MentionsModule, CareModule, EngagementModule, LeadsModule, SurveysModule, WorkspacesModule],
  controllers: [ExportLinksController, ExportsController, CorrectionsExportController],
  providers: [ExportLinksService],
  exports: [ExportLinksService],
})
export class ExportsModule {}
