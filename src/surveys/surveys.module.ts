import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CareModule } from '../care/care.module';
import { SurveyResponse, SurveyResponseSchema } from './schemas/survey-response.schema';
import { SurveySend, SurveySendSchema } from './schemas/survey-send.schema';
import { SurveysController } from './surveys.controller';
import { SurveysService } from './surveys.service';
import { SURVEY_DAY_ROLLUP, SURVEY_ROLLUP_MARK, surveyDayRollupSchemas } from './survey-day-rollups';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: SurveyResponse.name, schema: SurveyResponseSchema },
      { name: SurveySend.name, schema: SurveySendSchema },
      { name: SURVEY_DAY_ROLLUP, schema: surveyDayRollupSchemas.rows },
      { name: SURVEY_ROLLUP_MARK, schema: surveyDayRollupSchemas.marks },
    ]),
    CareModule,
  ],
  controllers: [SurveysController],
  providers: [SurveysService],
  exports: [SurveysService],
})
export class SurveysModule {}
