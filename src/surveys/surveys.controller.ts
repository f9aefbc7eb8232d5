import { Body, Controller, Get, Param, Post, Query, UploadedFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { batchFromCsv } from '../inputs/csv-records';
import { CsvImport, csvBuffer, JsonIngest, type UploadedCsv } from '../inputs/ingest-routes';
import { answerIngest, batchFromJson } from '../inputs/record-batch';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import {
  ListSurveyResponsesQuery,
  ListSurveySendsQuery,
  SURVEY_RESPONSE_CSV_COLUMNS,
  SURVEY_SEND_CSV_COLUMNS,
  SurveyResponseInputDto,
  SurveySendInputDto,
} from './dto/survey.dto';
import { SurveysService } from './surveys.service';

@ApiTags('surveys')
@ApiBearerAuth()
@Controller('api/v1/surveys')
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Post('responses')
  @Roles('admin', 'analyst')
  @JsonIngest(
    'CSAT (1-5) and NPS (0-10) responses',
    SurveyResponseInputDto,
    'A CSAT of 3 or less is stored with followUp: true; a repeated externalId updates.',
  )
  async ingestResponses(@Auth() auth: AuthContext, @Body() body: unknown) {
    const batch = batchFromJson(body);
    return answerIngest(batch, await this.surveys.ingestResponses(auth.workspaceId, batch));
  }

  @Post('responses/import')
  @Roles('admin', 'analyst')
  @CsvImport('survey responses', SURVEY_RESPONSE_CSV_COLUMNS)
  async importResponses(@Auth() auth: AuthContext, @UploadedFile() file: UploadedCsv | undefined) {
    const batch = batchFromCsv(csvBuffer(file), SURVEY_RESPONSE_CSV_COLUMNS);
    return answerIngest(batch, await this.surveys.ingestResponses(auth.workspaceId, batch));
  }

  @Get('responses')
  @ApiOperation({ summary: 'Survey responses, newest first, with cursor pagination (`nextCursor`)' })
  listResponses(@Auth() auth: AuthContext, @Query() query: ListSurveyResponsesQuery) {
    return this.surveys.listResponses(auth.workspaceId, query);
  }

  @Get('responses/:id')
  getResponse(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.surveys.getResponse(auth.workspaceId, id);
  }

  @Post('sends')
  @Roles('admin', 'analyst')
  @JsonIngest('surveys sent (the response rate denominator)', SurveySendInputDto)
  async ingestSends(@Auth() auth: AuthContext, @Body() body: unknown) {
    const batch = batchFromJson(body);
    return answerIngest(batch, await this.surveys.ingestSends(auth.workspaceId, batch));
  }

  @Post('sends/import')
  @Roles('admin', 'analyst')
  @CsvImport('survey sends', SURVEY_SEND_CSV_COLUMNS)
  async importSends(@Auth() auth: AuthContext, @UploadedFile() file: UploadedCsv | undefined) {
    const batch = batchFromCsv(csvBuffer(file), SURVEY_SEND_CSV_COLUMNS);
    return answerIngest(batch, await this.surveys.ingestSends(auth.workspaceId, batch));
  }

  @Get('sends')
  @ApiOperation({ summary: 'Surveys sent, newest first, with cursor pagination (`nextCursor`)' })
  listSends(@Auth() auth: AuthContext, @Query() query: ListSurveySendsQuery) {
    return this.surveys.listSends(auth.workspaceId, query);
  }

  @Get('sends/:id')
  getSend(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.surveys.getSend(auth.workspaceId, id);
  }
}
