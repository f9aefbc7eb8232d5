import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SavedReplies } from '../care/saved-replies.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { KpiCatalogueDto } from './dto/kpi-catalogue.dto';
import { CareReportQuery, ReportQuery, TimeseriesQuery } from './dto/report-query.dto';
import { PutTargetsDto } from './dto/targets.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly savedReplies: SavedReplies,
  ) {}

  @Get('reports/overview')
  @ApiOperation({
    summary:
      'Every KPI of the catalogue (GET reports/kpis) under its API name for [from, to), with the previous period, change and target status in `trends`',
  })
  overview(@Auth() auth: AuthContext, @Query() q: ReportQuery) {
    return this.reports.overview(auth.workspaceId, q);
  }

  @Get('reports/kpis')
  @ApiOperation({
    summary:
      'The KPI catalogue: every KPI of the overview with its section, unit, better direction, formula, pt and en labels, and the charts over time',
    description:
      'The same list docs/KPIS.md is generated from. `target` and `timeseries` say which KPIs PUT /targets and GET /reports/timeseries accept.',
  })
  @ApiOkResponse({ type: KpiCatalogueDto })
  kpis(): KpiCatalogueDto {
    return this.reports.kpis();
  }

  @Get('reports/timeseries')
  @ApiOperation({ summary: 'One KPI over time: `[{ t, value }]` in buckets aligned to the time zone' })
  timeseries(@Auth() auth: AuthContext, @Query() q: TimeseriesQuery) {
    return this.reports.timeseries(auth.workspaceId, q);
  }

  @Get('reports/care')
  @ApiOperation({ summary: 'Customer care: service KPIs with unanswered and outlier cases, per agent, per team and per routing keyword' })
  care(@Auth() auth: AuthContext, @Query() q: CareReportQuery) {
    return this.reports.care(auth.workspaceId, q);
  }

  @Get('reports/agents')
  @ApiOperation({
    summary:
      'Per agent and per team: cases handled and closed, handle time, first response, open now, reassignments, online time, saved replies used',
  })
  async agents(@Auth() auth: AuthContext, @Query() q: CareReportQuery) {
    const { agents, teams, routingKeywords, range } = await this.reports.care(auth.workspaceId, q);
    const uses = await this.savedReplies.usesByAgent(auth.workspaceId, range.from, range.to);
    return { range, agents: agents.map((a) => ({ ...a, savedReplies: uses.get(a.agentId) ?? 0 })), teams, routingKeywords };
  }

  @Get('targets')
  targets(@Auth() auth: AuthContext) {
    return this.reports.listTargets(auth.workspaceId);
  }

  @Put('targets')
  @Roles('admin', 'analyst')
  @ApiOperation({ summary: 'Set KPI targets (value and direction) by API name' })
  setTargets(@Auth() auth: AuthContext, @Body() dto: PutTargetsDto) {
    return this.reports.setTargets(auth.workspaceId, dto.targets);
  }

  @Delete('targets/:kpi')
  @HttpCode(204)
  @Roles('admin', 'analyst')
  async deleteTarget(@Auth() auth: AuthContext, @Param('kpi') kpi: string) {
    await this.reports.deleteTarget(auth.workspaceId, kpi);
  }
}
