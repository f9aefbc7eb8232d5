import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsMongoId, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PLATFORMS } from '../../common/platform';
import { INTENTS, SENTIMENT_LABELS } from '../../common/labels';

export class ListMentionsQuery {
  @ApiPropertyOptional({ description: 'API key, for exports opened as plain links' }) @IsOptional() @IsString() access_token?: string;
  @ApiPropertyOptional({ description: 'topic id' }) @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional({ description: 'inclusive start (ISO 8601), platform time' }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional({ description: 'exclusive end (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: string;
  @ApiPropertyOptional({ enum: SENTIMENT_LABELS }) @IsOptional() @IsIn(SENTIMENT_LABELS) sentiment?: string;
  @ApiPropertyOptional({ enum: INTENTS }) @IsOptional() @IsIn(INTENTS) intent?: string;
  @ApiPropertyOptional({ example: 'pt' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}$/, { message: 'lang must be an ISO 639-1 code' })
  lang?: string;
  @ApiPropertyOptional({ description: 'text contains (case-insensitive)' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({
    description: 'a theme key phrase (GET /reports/themes): mentions whose text contains it, ignoring case, accents and plurals',
    example: 'pix fora do ar',
  })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  phrase?: string;
  @ApiPropertyOptional({ description: 'opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class StreamMentionsQuery {
  @ApiPropertyOptional({ description: 'topic id' }) @IsOptional() @IsMongoId() topic?: string;
}
