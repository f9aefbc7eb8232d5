import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { RepliesService } from './replies.service';
import { BrandReply, BrandReplySchema } from './schemas/brand-reply.schema';

/** The brand's collected replies (care responses); cases build on them. */
@Module({
  imports: [MongooseModule.forFeature([{ name: BrandReply.name, schema: BrandReplySchema }])],
  providers: [RepliesService],
  exports: [RepliesService],
})
export class CareRepliesModule {}
