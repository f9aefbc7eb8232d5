import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { DigestsService } from './digests.service';
import { CreateDigestDto, UpdateDigestDto } from './dto/digest.dto';

@ApiTags('digests')
@ApiBearerAuth()
@Roles('admin', 'analyst')
@Controller('api/v1/digests')
export class DigestsController {
  constructor(private readonly digests: DigestsService) {}

  @Post()
  @ApiOperation({ summary: 'Schedule a digest: recipients, daily/weekly/monthly at a local time, language, topics, networks, sections' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateDigestDto) {
    return this.digests.create(auth.workspaceId, dto);
  }

  @Get()
  list(@Auth() auth: AuthContext) {
    return this.digests.list(auth.workspaceId);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.digests.get(auth.workspaceId, id);
  }

  @Patch(':id')
  update(@Auth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateDigestDto) {
    return this.digests.update(auth.workspaceId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.digests.remove(auth.workspaceId, id);
  }

  @Get(':id/runs')
  @ApiOperation({
    summary: "The digest's runs, newest first: period, late or not, and each recipient's outcome (refused addresses included)",
  })
  runs(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.digests.runsOf(auth.workspaceId, id);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'The digest of the latest complete period, rendered: subject, HTML (images inline) and plain text' })
  preview(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.digests.preview(auth.workspaceId, id);
  }

  @Post(':id/send-now')
  @HttpCode(202)
  @ApiOperation({ summary: "Send the latest complete period's digest now, as a run of its own; see GET :id/runs" })
  sendNow(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.digests.sendNow(auth.workspaceId, id);
  }
}
