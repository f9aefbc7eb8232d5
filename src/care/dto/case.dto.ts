import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { INTENTS, SENTIMENT_LABELS } from '../../common/labels';
import { PLATFORMS } from '../../common/platform';
import { CASE_STATUSES } from '../schemas/case.schema';

export const CASE_SORTS = ['waiting', 'newest', 'due'] as const;

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListCasesQuery {
  @ApiPropertyOptional({ description: 'API key, for exports opened as plain links' }) @IsOptional() @IsString() access_token?: string;
  @ApiPropertyOptional({ enum: CASE_STATUSES }) @IsOptional() @IsIn(CASE_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(80) team?: string;
  @ApiPropertyOptional({ description: 'agent id, or "none" for unassigned' }) @IsOptional() @IsString() @MaxLength(64) assignee?: string;
  @ApiPropertyOptional({ enum: INTENTS }) @IsOptional() @IsIn(INTENTS) intent?: string;
  @ApiPropertyOptional({ enum: SENTIMENT_LABELS }) @IsOptional() @IsIn(SENTIMENT_LABELS) sentiment?: string;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: string;
  @ApiPropertyOptional({ description: 'first-response SLA breached' }) @IsOptional() @Transform(toBool) @IsBoolean() breached?: boolean;
  @ApiPropertyOptional({ description: 'topic id' }) @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional({ description: 'opened at or after (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional({ description: 'opened before (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ enum: CASE_SORTS, default: 'newest', description: 'waiting: longest wait first; due: due soonest first' })
  @IsOptional()
  @IsIn(CASE_SORTS)
  sort?: (typeof CASE_SORTS)[number];
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100000) offset?: number;
}

export const CASE_UPDATE_STATUSES = ['open', 'pending', 'resolved'] as const;

export class UpdateCaseDto {
  @ApiPropertyOptional({ nullable: true, description: 'agent id of this workspace; null to unassign' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsMongoId({ message: 'assigneeId must be an agent id' })
  assigneeId?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'team name of this workspace' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(80)
  team?: string | null;

  @ApiPropertyOptional({ enum: CASE_UPDATE_STATUSES, description: '"open" on a resolved case reopens it' })
  @IsOptional()
  @IsIn(CASE_UPDATE_STATUSES)
  status?: (typeof CASE_UPDATE_STATUSES)[number];

  @ApiPropertyOptional({ description: 'when the change happened (default now); for imports' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;
}

export class RecordReplyDto {
  @ApiProperty({ example: 'Oi! Já desbloqueamos seu cartão.' }) @IsString() @MinLength(1) @MaxLength(10000) text!: string;
  @ApiPropertyOptional({ description: 'agent id of this workspace who replied' })
  @IsOptional()
  @IsMongoId({ message: 'agentId must be an agent id' })
  agentId?: string;
  @ApiPropertyOptional({
    description: "the reply's post id on the platform, if known (an X post id, or a Bluesky post's at-uri); it is then never counted twice",
  })
  @IsOptional()
  @Matches(/^(?:[A-Za-z0-9_:-]{1,64}|at:\/\/did:[a-z]+:[A-Za-z0-9._:%-]{1,128}\/app\.bsky\.feed\.post\/[A-Za-z0-9._:~-]{1,64})$/, {
    message: 'externalId must be a platform post id (an X post id, or a Bluesky at-uri)',
  })
  externalId?: string;
  @ApiPropertyOptional({ description: 'when it was sent (default now)' }) @IsOptional() @Type(() => Date) @IsDate() at?: Date;
  @ApiPropertyOptional({
    description:
      'true: Ouvidor sends the reply on the case network (Bluesky, Mastodon) in answer to the latest customer message, then records it; externalId and at are then not given',
  })
  @IsOptional()
  @IsBoolean()
  send?: boolean;
  @ApiPropertyOptional({ description: 'the saved reply the text came from (its use is counted for the agent)' })
  @IsOptional()
  @IsMongoId({ message: 'savedReplyId must be a saved reply id' })
  savedReplyId?: string;
}
