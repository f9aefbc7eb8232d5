import { Body, Controller, Get, Param, Post, Query, UploadedFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { LEAD_CSV_COLUMNS, LeadInputDto, ListLeadsQuery } from './dto/lead.dto';
import { batchFromCsv } from '../inputs/csv-records';
import { CsvImport, csvBuffer, JsonIngest, type UploadedCsv } from '../inputs/ingest-routes';
import { answerIngest, batchFromJson } from '../inputs/record-batch';
import { LeadsService } from './leads.service';

@ApiTags('leads')
@ApiBearerAuth()
@Controller('api/v1/leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Post()
  @Roles('admin', 'analyst')
  @JsonIngest('leads', LeadInputDto, 'A lead whose externalId is already stored replaces it.')
  async ingest(@Auth() auth: AuthContext, @Body() body: unknown) {
    const batch = batchFromJson(body);
    return answerIngest(batch, await this.leads.ingest(auth.workspaceId, batch));
  }

  @Post('import')
  @Roles('admin', 'analyst')
  @CsvImport('leads', LEAD_CSV_COLUMNS)
  async import(@Auth() auth: AuthContext, @UploadedFile() file: UploadedCsv | undefined) {
    const batch = batchFromCsv(csvBuffer(file), LEAD_CSV_COLUMNS);
    return answerIngest(batch, await this.leads.ingest(auth.workspaceId, batch));
  }

  @Get()
  @ApiOperation({ summary: 'Leads, newest first, with cursor pagination (`nextCursor`); `social` filters by attribution' })
  list(@Auth() auth: AuthContext, @Query() query: ListLeadsQuery) {
    return this.leads.list(auth.workspaceId, query);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.leads.get(auth.workspaceId, id);
  }
}
