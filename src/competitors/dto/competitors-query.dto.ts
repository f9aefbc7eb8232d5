import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import { ReportQuery } from '../../common/report-query.dto';
import { AUTHOR_SORTS, type AuthorSort } from '../influential-authors';

/** The period and network every competitors report reads: the overview's fields without its topic (a report compares topics). */
export class ShareOfVoiceQuery extends OmitType(ReportQuery, ['topic'] as const) {}

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
