import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsMongoId, IsOptional, IsTimeZone } from 'class-validator';
import { PLATFORMS } from './platform';

/**
 * The scope every report reads: a topic or the whole workspace, a period, the time zone its days
 * are cut in, a network. Here rather than in src/reports because features below the reports
 * (themes, competitors) answer report-like queries with the same fields and the same validation
 * messages; each report's DTO extends it, or picks from it with `PickType`/`OmitType`.
 */
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
