import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsDefined, IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { INTENTS, SENTIMENT_LABELS, type Intent, type SentimentLabel } from '../../common/labels';

/** An agent's labels for a mention: either or both. */
export class CorrectMentionDto {
  @ApiPropertyOptional({ enum: SENTIMENT_LABELS, description: "the mention's sentiment as the agent reads it" })
  @ValidateIf((o: CorrectMentionDto) => o.intent === undefined || o.sentiment !== undefined)
  @IsDefined({ message: 'sentiment or intent: give at least one of them' })
  @IsIn(SENTIMENT_LABELS, { message: `sentiment must be one of ${SENTIMENT_LABELS.join(', ')}` })
  sentiment?: SentimentLabel;

  @ApiPropertyOptional({
    enum: INTENTS,
    description: "the mention's intent as the agent reads it (support, complaint and question open a case)",
  })
  @ValidateIf((o: CorrectMentionDto) => o.intent !== undefined)
  @IsIn(INTENTS, { message: `intent must be one of ${INTENTS.join(', ')}` })
  intent?: Intent;
}

/** `?ids=a,b,c`: the mentions whose labels a case view shows. */
export class MentionLabelsQuery {
  @ApiPropertyOptional({ description: 'comma-separated mention ids (at most 200)' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Matches(/^[0-9a-f]{24}(,[0-9a-f]{24}){0,199}$/, { message: 'ids must be up to 200 comma-separated mention ids' })
  ids!: string;
}

/** The reviews of a period (by their latest review), optionally of one language. */
export class CorrectionsPeriodQuery {
  @ApiPropertyOptional({ description: 'reviewed at or after (ISO 8601); default 30 days before `to`' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;
  @ApiPropertyOptional({ description: 'reviewed before (ISO 8601); default now' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ example: 'pt', description: "the mentions' detected language" })
  @IsOptional()
  @Matches(/^[a-z]{2,3}$/, { message: 'lang must be an ISO 639-1 code' })
  lang?: string;
}
