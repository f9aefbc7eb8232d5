import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MentionsModule } from '../mentions/mentions.module';
import { CompetitorRepliesRepository } from './competitor-replies.repository';
import { PublicCareLedger } from './public-care-ledger.service';
import { PublicCareRepository } from './public-care.repository';
import { CompetitorReply, CompetitorReplySchema } from './schemas/competitor-reply.schema';
import {
  PublicCareBuild,
  PublicCareBuildSchema,
  PublicCareSlot,
  PublicCareSlotSchema,
  PublicCaseRecord,
  PublicCaseRecordSchema,
} from './schemas/public-care.schema';

/**
 * Competitors' public replies and the public cases kept from them, on their own so that collection
 * (which stores them) and the competitors' reports (which read them) both depend on it without
 * depending on each other.
 */
@Module({
  imports: [
    MentionsModule,
    MongooseModule.forFeature([
      { name: CompetitorReply.name, schema: CompetitorReplySchema },
      { name: PublicCaseRecord.name, schema: PublicCaseRecordSchema },
      { name: PublicCareSlot.name, schema: PublicCareSlotSchema },
      { name: PublicCareBuild.name, schema: PublicCareBuildSchema },
    ]),
  ],
  providers: [CompetitorRepliesRepository, PublicCareRepository, PublicCareLedger],
  exports: [CompetitorRepliesRepository, PublicCareLedger],
})
export class CompetitorRepliesModule {}
