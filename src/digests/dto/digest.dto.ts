import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PLATFORMS } from '../../common/platform';
import { FREQUENCIES, type Frequency } from '../schedule';
import { DIGEST_LANGUAGES } from '../schemas/digest-schedule.schema';
import { DIGEST_SECTION_IDS } from '../sections';

export const MAX_EMAILS = 50;

export class DigestRecipientsDto {
  @ApiPropertyOptional({ type: [String], description: 'email addresses, one message each' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EMAILS)
  @ArrayUnique()
  @IsEmail({}, { each: true })
  @MaxLength(254, { each: true })
  emails?: string[];

  @ApiPropertyOptional({ description: "also post it to the workspace's Slack-compatible webhook (settings.webhook.url)" })
  @IsOptional()
  @IsBoolean()
  slack?: boolean;
}

export class CreateDigestDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(120) name!: string;

  @ApiProperty({ type: DigestRecipientsDto }) @ValidateNested() @Type(() => DigestRecipientsDto) recipients!: DigestRecipientsDto;

  @ApiProperty({ enum: FREQUENCIES }) @IsIn(FREQUENCIES) frequency!: Frequency;

  @ApiProperty({ description: 'local time of day, HH:mm', example: '08:00' })
  @IsString()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'time must be HH:mm (00:00 to 23:59)' })
  time!: string;

  @ApiPropertyOptional({ description: 'weekly: ISO weekday, 1 = Monday … 7 = Sunday' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7)
  weekday?: number;

  @ApiPropertyOptional({ description: 'monthly: day of the month (a shorter month runs on its last day)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(31)
  monthDay?: number;

  @ApiPropertyOptional({ description: "IANA time zone (default: the workspace's)", example: 'America/Sao_Paulo' })
  @IsOptional()
  @IsTimeZone()
  tz?: string;

  @ApiPropertyOptional({ enum: DIGEST_LANGUAGES, default: 'en' }) @IsOptional() @IsIn(DIGEST_LANGUAGES) language?: 'pt' | 'en';

  @ApiPropertyOptional({ type: [String], description: 'topic ids (none: the whole workspace); one block each' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsMongoId({ each: true })
  topics?: string[];

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true, description: 'networks (none: all); one block each' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PLATFORMS.length)
  @ArrayUnique()
  @IsIn(PLATFORMS, { each: true })
  networks?: string[];

  @ApiProperty({ enum: DIGEST_SECTION_IDS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DIGEST_SECTION_IDS, { each: true })
  sections!: string[];

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateDigestDto extends PartialType(CreateDigestDto) {}
