import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { INTENTS, SENTIMENT_LABELS, type Intent, type SentimentLabel } from '../../common/labels';
import { ReportQuery } from '../../common/report-query.dto';

/** The overview's scope (topic, period, time zone, network) and what narrows the themes. */
export class ThemesQuery extends ReportQuery {
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

/** A window and its baseline instead of a report period; the topic and network as in every report. */
export class ExplainQuery extends PickType(ReportQuery, ['topic', 'platform'] as const) {
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
