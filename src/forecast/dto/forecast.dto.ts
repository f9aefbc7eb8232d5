import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { ReportQuery } from '../../common/report-query.dto';

/** A forecast looks ahead from now: the reports' topic, network and time zone, no period. */
export class ForecastQuery extends PickType(ReportQuery, ['topic', 'platform', 'tz'] as const) {
  @ApiPropertyOptional({ description: 'days to forecast', default: 14, minimum: 1, maximum: 28 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(28)
  horizonDays?: number;
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'hour' }) @IsOptional() @IsIn(['hour', 'day']) interval?: 'hour' | 'day';
}

export class StaffingQuery extends PickType(ReportQuery, ['topic', 'platform', 'tz'] as const) {
  @ApiPropertyOptional({ description: 'days to plan', default: 14, minimum: 1, maximum: 28 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(28)
  horizonDays?: number;
}

export class PutStaffingSettingsDto {
  @ApiPropertyOptional({
    description: 'share of messages to answer within the first-response target, 0.5–0.99 (null: 0.8)',
    example: 0.8,
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.5)
  @Max(0.99)
  serviceLevelTarget?: number | null;
  @ApiPropertyOptional({ description: 'handle time to plan with, seconds, 10–7200 (null: the measured one)', example: 300, nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(10)
  @Max(7200)
  handleTimeSeconds?: number | null;
  @ApiPropertyOptional({
    description: 'agents scheduled per local hour of week: 168 numbers, index 0 = Monday 00:00 (null: from presence history)',
    type: [Number],
    nullable: true,
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsArray()
  @ArrayMinSize(168)
  @ArrayMaxSize(168)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  @Min(0, { each: true })
  @Max(10_000, { each: true })
  schedule?: number[] | null;
}
