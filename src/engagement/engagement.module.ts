import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngagementService } from './engagement.service';
import { AccountSnapshot, AccountSnapshotSchema, OwnPost, OwnPostSchema } from './schemas/own-post.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: OwnPost.name, schema: OwnPostSchema },
      { name: AccountSnapshot.name, schema: AccountSnapshotSchema },
    ]),
  ],
  providers: [EngagementService],
  exports: [EngagementService],
})
export class EngagementModule {}
