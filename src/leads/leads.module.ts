import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MentionsModule } from '../mentions/mentions.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { LeadWebhookController } from './lead-webhook.controller';
import { LeadsController } from './leads.controller';
import { LeadsService } from './leads.service';
import { Lead, LeadSchema } from './schemas/lead.schema';
import { LeadWebhookReceipt, LeadWebhookReceiptSchema } from './schemas/webhook-receipt.schema';
import { LEAD_DAY_ROLLUP, LEAD_ROLLUP_MARK, leadDayRollupSchemas } from './lead-day-rollups';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Lead.name, schema: LeadSchema },
      { name: LeadWebhookReceipt.name, schema: LeadWebhookReceiptSchema },
      { name: LEAD_DAY_ROLLUP, schema: leadDayRollupSchemas.rows },
      { name: LEAD_ROLLUP_MARK, schema: leadDayRollupSchemas.marks },
    ]),
    WorkspacesModule,
    MentionsModule,
  ],
  controllers: [LeadsController, LeadWebhookController],
  providers: [LeadsService],
  exports: [LeadsService],
})
export class LeadsModule {}
