import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { ReportQuery } from '../../common/report-query.dto';

export { ReportQuery };

export class CareReportQuery extends ReportQuery {
  @ApiPropertyOptional({ description: 'team name' }) @IsOptional() @IsString() @MaxLength(80) team?: string;
  @ApiPropertyOptional({ description: 'agent id' }) @IsOptional() @IsMongoId() agent?: string;
}

export const INTERVALS = ['hour', 'day', 'week'] as const;

export class TimeseriesQuery extends ReportQuery {
  @ApiPropertyOptional({ description: 'KPI API name, e.g. volume.mentions, sentiment.net, service.slaCompliance' })
  @IsString()
  @MaxLength(80)
  metric!: string;
  @ApiPropertyOptional({ enum: INTERVALS, default: 'day' }) @IsOptional() @IsIn(INTERVALS) interval?: (typeof INTERVALS)[number];
}
