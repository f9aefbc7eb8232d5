import { Body, Controller, Get, HttpCode, MessageEvent, NotFoundException, Param, Post, Query, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { interval, map, merge, Observable } from 'rxjs';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, InstallationAdmin } from '../workspaces/auth/auth.decorators';
import { AlertsService } from './alerts.service';
import { CheckAlertsDto, ListAlertsQuery } from './dto/alerts.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts (spikes, SLA breaches, CSAT follow-ups), newest first, with their webhook delivery status' })
  list(@Auth() auth: AuthContext, @Query() q: ListAlertsQuery) {
    return this.alerts.list(auth.workspaceId, q);
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Server-sent events: each new alert of the workspace (`event: alert`)' })
  stream(@Auth() auth: AuthContext): Observable<MessageEvent> {
    const heartbeat = interval(25_000).pipe(map(() => ({ type: 'ping', data: { at: new Date().toISOString() } })));
    return merge(this.alerts.stream(auth.workspaceId), heartbeat);
  }

  @Post('check')
  @HttpCode(200)
  @InstallationAdmin()
  @ApiOperation({ summary: 'Run the alert checks now (installation admins), optionally for a given UTC hour' })
  check(@Body() dto: CheckAlertsDto) {
    return this.alerts.check(dto.hour);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string) {
    const alert = await this.alerts.get(auth.workspaceId, id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    return alert;
  }
}
