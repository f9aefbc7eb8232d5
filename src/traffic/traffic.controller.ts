import { Body, Controller, Get, Param, Post, Query, UploadedFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { batchFromCsv } from '../inputs/csv-records';
import { CsvImport, csvBuffer, JsonIngest, type UploadedCsv } from '../inputs/ingest-routes';
import { answerIngest, batchFromJson } from '../inputs/record-batch';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { ListPeriodsQuery, TRAFFIC_CSV_COLUMNS, TrafficInputDto } from './dto/traffic.dto';
import { TrafficService } from './traffic.service';

const REPLACES = 'A later value for the same periodStart and granularity replaces the earlier one.';

@ApiTags('deflection inputs')
@ApiBearerAuth()
@Controller('api/v1/traffic')
export class TrafficController {
  constructor(private readonly traffic: TrafficService) {}

  @Post()
  @Roles('admin', 'analyst')
  @JsonIngest('website sessions per hour or local day', TrafficInputDto, REPLACES)
  async ingest(@Auth() auth: AuthContext, @Body() body: unknown) {
    const batch = batchFromJson(body);
    return answerIngest(batch, await this.traffic.ingestTraffic(auth.workspaceId, batch));
  }

  @Post('import')
  @Roles('admin', 'analyst')
  @CsvImport('website sessions', TRAFFIC_CSV_COLUMNS)
  async import(@Auth() auth: AuthContext, @UploadedFile() file: UploadedCsv | undefined) {
    const batch = batchFromCsv(csvBuffer(file), TRAFFIC_CSV_COLUMNS);
    return answerIngest(batch, await this.traffic.ingestTraffic(auth.workspaceId, batch));
  }

  @Get()
  @ApiOperation({ summary: 'Traffic periods starting in [from, to), oldest first' })
  list(@Auth() auth: AuthContext, @Query() query: ListPeriodsQuery) {
    return this.traffic.listTraffic(auth.workspaceId, query);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.traffic.getTraffic(auth.workspaceId, id);
  }
}
