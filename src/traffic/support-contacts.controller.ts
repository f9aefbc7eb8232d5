import { Body, Controller, Get, Param, Post, Query, UploadedFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { batchFromCsv } from '../inputs/csv-records';
import { CsvImport, csvBuffer, JsonIngest, type UploadedCsv } from '../inputs/ingest-routes';
import { answerIngest, batchFromJson } from '../inputs/record-batch';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { ListSupportContactsQuery, SUPPORT_CONTACT_CSV_COLUMNS, SupportContactInputDto } from './dto/support-contact.dto';
import { TrafficService } from './traffic.service';

const REPLACES = 'A later value for the same periodStart, granularity and channel replaces the earlier one.';

@ApiTags('deflection inputs')
@ApiBearerAuth()
@Controller('api/v1/support-contacts')
export class SupportContactsController {
  constructor(private readonly traffic: TrafficService) {}

  @Post()
  @Roles('admin', 'analyst')
  @JsonIngest('assisted contacts (phone, email, chat, ticket) per hour or local day', SupportContactInputDto, REPLACES)
  async ingest(@Auth() auth: AuthContext, @Body() body: unknown) {
    const batch = batchFromJson(body);
    return answerIngest(batch, await this.traffic.ingestSupportContacts(auth.workspaceId, batch));
  }

  @Post('import')
  @Roles('admin', 'analyst')
  @CsvImport('assisted contacts', SUPPORT_CONTACT_CSV_COLUMNS)
  async import(@Auth() auth: AuthContext, @UploadedFile() file: UploadedCsv | undefined) {
    const batch = batchFromCsv(csvBuffer(file), SUPPORT_CONTACT_CSV_COLUMNS);
    return answerIngest(batch, await this.traffic.ingestSupportContacts(auth.workspaceId, batch));
  }

  @Get()
  @ApiOperation({ summary: 'Assisted contacts of the periods starting in [from, to), oldest first' })
  list(@Auth() auth: AuthContext, @Query() query: ListSupportContactsQuery) {
    return this.traffic.listSupportContacts(auth.workspaceId, query);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.traffic.getSupportContact(auth.workspaceId, id);
  }
}
