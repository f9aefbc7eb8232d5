import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ThemeRollup, ThemeRollupSchema } from './schemas/theme-rollup.schema';
import { ThemeCounter } from './theme-counter.service';
import { ThemeRollupsRepository } from './theme-rollups.repository';

/** The theme rollups alone, so ingestion can count themes without depending on the themes report. */
@Module({
  imports: [MongooseModule.forFeature([{ name: ThemeRollup.name, schema: ThemeRollupSchema }])],
  providers: [ThemeRollupsRepository, ThemeCounter],
  exports: [ThemeRollupsRepository, ThemeCounter],
})
export class ThemeRollupsModule {}
