import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { ForecastQuery, PutStaffingSettingsDto, StaffingQuery } from './dto/forecast.dto';
import { ForecastService } from './forecast.service';

@ApiTags('forecast')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class ForecastController {
  constructor(private readonly forecasts: ForecastService) {}

  @Get('forecast')
  @ApiOperation({
    summary:
      'Inbound support forecast per local hour or day with 80 % and 95 % prediction intervals, the recent history and the latest backtest',
    description:
      'Support-like mentions (support, complaint, question) plus private-channel messages. With less than two weeks of history the forecast is seasonal-naive, labelled in `method` and `methodNote`.',
  })
  forecast(@Auth() auth: AuthContext, @Query() q: ForecastQuery) {
    return this.forecasts.forecast(auth.workspaceId, q);
  }

  @Get('forecast/backtest')
  @ApiOperation({
    summary: 'Rolling-origin backtest of the forecast: MASE against weekly seasonal-naive, MAPE, coverage of the 80 % and 95 % intervals',
  })
  backtest(@Auth() auth: AuthContext, @Query() q: ForecastQuery) {
    return this.forecasts.backtest(auth.workspaceId, q);
  }

  @Get('staffing')
  @ApiOperation({
    summary:
      'Agents needed per hour (Erlang C, or A where abandonment is measured) to meet the SLA, with occupancy, scheduled agents and the shortfall',
  })
  staffing(@Auth() auth: AuthContext, @Query() q: StaffingQuery) {
    return this.forecasts.staffing(auth.workspaceId, q);
  }

  @Get('staffing/settings')
  @ApiOperation({ summary: 'The staffing inputs the workspace set: service-level target, handle time, schedule by hour of week' })
  settings(@Auth() auth: AuthContext) {
    return this.forecasts.getSettings(auth.workspaceId);
  }

  @Put('staffing/settings')
  @Roles('admin')
  @ApiOperation({ summary: 'Set the service-level target, a handle time or a weekly schedule of agents (null clears one)' })
  putSettings(@Auth() auth: AuthContext, @Body() dto: PutStaffingSettingsDto) {
    return this.forecasts.putSettings(auth.workspaceId, dto);
  }
}
