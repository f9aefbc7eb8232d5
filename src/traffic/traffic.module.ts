import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { SupportContact, SupportContactSchema } from './schemas/support-contact.schema';
import { TrafficPeriod, TrafficPeriodSchema } from './schemas/traffic-period.schema';
import { SupportContactsController } from './support-contacts.controller';
import { TrafficController } from './traffic.controller';
import { TrafficService } from './traffic.service';

/** The deflection inputs: website sessions and assisted contacts (support contacts live here too). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: TrafficPeriod.name, schema: TrafficPeriodSchema },
      { name: SupportContact.name, schema: SupportContactSchema },
    ]),
    WorkspacesModule,
  ],
  controllers: [TrafficController, SupportContactsController],
  providers: [TrafficService],
  exports: [TrafficService],
})
export class TrafficModule {}
