import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsMongoId, IsOptional, IsTimeZone, Matches, Max, Min } from 'class-validator';
import { INTENTS, SENTIMENT_LABELS, type Intent, type SentimentLabel } from '../../common/labels';
import { PLATFORMS } from '../../common/platform';

export class ThemesQuery {
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
  @ApiPropertyOptional({ example: 'pt' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}$/, { message: 'lang must be an ISO 639-1 code' })
  lang?: string;
  @ApiPropertyOptional({ enum: SENTIMENT_LABELS }) @IsOptional() @IsIn(SENTIMENT_LABELS) sentiment?: SentimentLabel;
  @ApiPropertyOptional({ enum: INTENTS }) @IsOptional() @IsIn(INTENTS) intent?: Intent;
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ExplainQuery {
  @ApiPropertyOptional({ description: 'topic id; absent: the whole workspace' }) @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional({ description: 'start of the window explained, ISO 8601 (default: 1 hour before `to`)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;
  @ApiPropertyOptional({ description: 'end of the window (exclusive), ISO 8601 (default: now)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
  @ApiPropertyOptional({ description: 'baseline length before `from`, in days (default 7, as the spike alerts use)', default: 7 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  baselineDays?: number;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: string;
  @ApiPropertyOptional({ enum: SENTIMENT_LABELS, description: 'only mentions of this sentiment (a negative-share spike: negative)' })
  @IsOptional()
  @IsIn(SENTIMENT_LABELS)
  sentiment?: SentimentLabel;
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}
