import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsMongoId, IsOptional, IsString, IsTimeZone, MaxLength } from 'class-validator';
import { PLATFORMS } from '../../topics/schemas/topic.schema';

export class ReportQuery {
  @ApiPropertyOptional({ description: 'topic id; absent: the whole workspace' }) @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional({ description: 'inclusive start, ISO 8601 (default: 7 days before `to`)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;
  @ApiPropertyOptional({ description: 'exclusive end, ISO 8601 (default: now)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ description: "IANA time zone (default: the workspace's)", example: 'America/Sao_Paulo' })
  @IsOptional()
  @IsTimeZone()
  tz?: string;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: string;
}

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
