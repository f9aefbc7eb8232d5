import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Settings, SETTINGS } from '../config/settings';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth } from '../workspaces/auth/auth.decorators';
import { CreateExportLinkDto, ExportLinkView } from './dto/export-link.dto';
import { ExportLink, ExportLinksService } from './export-links.service';

@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1/exports/links')
export class ExportLinksController {
  constructor(
    private readonly links: ExportLinksService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'A short-lived signed link to one CSV export with one query: it opens without an API key, for that export, query and workspace only, until it expires',
  })
  @ApiCreatedResponse({ type: ExportLinkView })
  create(@Auth() auth: AuthContext, @Body() body: CreateExportLinkDto): Promise<ExportLink> {
    const expiresAt = new Date(Date.now() + this.settings.exportLinks.ttlSeconds * 1000);
    return this.links.create(auth.workspaceId, auth.keyId, body.export, body.query ?? {}, expiresAt);
  }
}
