import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EnrichmentModule } from '../enrichment/enrichment.module';
import { ThemeRollupsModule } from '../themes/theme-rollups.module';
import { MentionCorrectionsController } from './mention-corrections.controller';
import { MentionCorrectionsService } from './mention-corrections.service';
import { MentionsController } from './mentions.controller';
import { MentionsRepository } from './mentions.repository';
import { MentionsService } from './mentions.service';
import { RollupBatchesRepository } from './rollup-batches.repository';
import { RollupOutboxService } from './rollup-outbox.service';
import { RollupsRepository } from './rollups.repository';
import { Mention, MentionSchema } from './schemas/mention.schema';
import {
  MentionRollup,
  MentionRollupSchema,
  MentionRollupSpan,
  MentionRollupSpanSchema,
  MentionRollupSpanState,
  MentionRollupSpanStateSchema,
  RollupBatch,
  RollupBatchSchema,
} from './schemas/mention-rollup.schema';

@Module({
  imports: [
    EnrichmentModule,
    ThemeRollupsModule,
    MongooseModule.forFeature([
      { name: Mention.name, schema: MentionSchema },
      { name: MentionRollup.name, schema: MentionRollupSchema },
      { name: MentionRollupSpan.name, schema: MentionRollupSpanSchema },
      { name: MentionRollupSpanState.name, schema: MentionRollupSpanStateSchema },
      { name: RollupBatch.name, schema: RollupBatchSchema },
    ]),
  ],
  controllers: [MentionsController, MentionCorrectionsController],
  providers: [
    MentionsRepository,
    RollupsRepository,
    RollupBatchesRepository,
    RollupOutboxService,
    MentionsService,
    MentionCorrectionsService,
  ],
  exports: [MentionsService, MentionCorrectionsService, RollupOutboxService],
})
export class MentionsModule {}
