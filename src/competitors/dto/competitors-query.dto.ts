import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsMongoId, IsOptional, IsTimeZone, Max, Min } from 'class-validator';
import { PLATFORMS } from '../../common/platform';
import { AUTHOR_SORTS, type AuthorSort } from '../influential-authors';

/** The period and network every competitors report reads; the same fields as the overview's. */
export class ShareOfVoiceQuery {
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

export const SOV_INTERVALS = ['hour', 'day'] as const;

export class ShareOfVoiceSeriesQuery extends ShareOfVoiceQuery {
  @ApiPropertyOptional({ enum: SOV_INTERVALS, default: 'day' })
  @IsOptional()
  @IsIn(SOV_INTERVALS)
  interval?: (typeof SOV_INTERVALS)[number];
}

export class PublicCareQuery extends ShareOfVoiceQuery {
  @ApiProperty({ description: 'topic id (brand or competitor)' }) @IsMongoId() topic!: string;
}

export class AuthorsQuery extends ShareOfVoiceQuery {
  @ApiPropertyOptional({ description: 'topic id; absent: every topic of the workspace' }) @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional({ enum: AUTHOR_SORTS, default: 'reach' }) @IsOptional() @IsIn(AUTHOR_SORTS) sort?: AuthorSort;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
