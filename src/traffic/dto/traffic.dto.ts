import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CsvColumns } from '../../inputs/csv-records';
import { IsPeriodStart } from '../../inputs/instant';
import { Granularity, GRANULARITIES } from '../period-alignment';

const MAX_COUNT = 1e10;

export class TrafficInputDto {
  @ApiProperty({
    example: '2026-03-01',
    description:
      'start of the period: a local date (midnight in the workspace time zone) or an ISO 8601 date-time with an offset that starts a local hour (hour) or day (day)',
  })
  @IsPeriodStart()
  periodStart!: string;

  @ApiProperty({ enum: GRANULARITIES, example: 'day' }) @IsIn(GRANULARITIES) granularity!: Granularity;

  @ApiProperty({ example: 18250, description: 'website (or help-centre) sessions in the period' })
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  sessions!: number;

  @ApiPropertyOptional({ example: 1320, description: 'sessions referred by social networks (part of sessions)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  socialSessions?: number;

  @ApiPropertyOptional({ example: 4100, description: 'sessions of the help centre' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  helpCenterSessions?: number;
}

export const TRAFFIC_CSV_COLUMNS: CsvColumns = {
  periodStart: { type: 'string', required: true },
  granularity: { type: 'string', required: true },
  sessions: { type: 'integer', required: true },
  socialSessions: { type: 'integer' },
  helpCenterSessions: { type: 'integer' },
};

export class ListPeriodsQuery {
  @ApiPropertyOptional({ description: 'periods starting at or after (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional({ description: 'periods starting before (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ enum: GRANULARITIES }) @IsOptional() @IsIn(GRANULARITIES) granularity?: Granularity;
}
