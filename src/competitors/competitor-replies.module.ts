import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CompetitorRepliesRepository } from './competitor-replies.repository';
import { CompetitorReply, CompetitorReplySchema } from './schemas/competitor-reply.schema';

/**
 * Competitors' public replies, on their own so that collection (which stores them) and the
 * competitors' reports (which read them) both depend on it without depending on each other.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: CompetitorReply.name, schema: CompetitorReplySchema }])],
  providers: [CompetitorRepliesRepository],
  exports: [CompetitorRepliesRepository],
})
export class CompetitorRepliesModule {}
