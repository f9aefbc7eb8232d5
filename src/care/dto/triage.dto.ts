import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsMongoId,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { INTENTS, SENTIMENT_LABELS } from '../../common/labels';
import { PLATFORMS } from '../../common/platform';

export const TRIAGE_SORTS = ['priority', 'waiting', 'due'] as const;
export const BULK_ACTIONS = ['assign', 'team', 'resolve', 'not_support'] as const;

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class AuthorParams {
  @ApiProperty({ enum: PLATFORMS }) @IsIn(PLATFORMS) platform!: string;
  @ApiProperty({ description: "the author's id on the network" })
  @Matches(/^[A-Za-z0-9_.:@-]{1,128}$/, { message: 'authorId must be a network author id' })
  authorId!: string;
}

export class UnansweredQuery {
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(80) team?: string;
  @ApiPropertyOptional({ description: 'agent id, or "none" for unassigned' }) @IsOptional() @IsString() @MaxLength(64) assignee?: string;
  @ApiPropertyOptional({ enum: INTENTS }) @IsOptional() @IsIn(INTENTS) intent?: string;
  @ApiPropertyOptional({ enum: SENTIMENT_LABELS }) @IsOptional() @IsIn(SENTIMENT_LABELS) sentiment?: string;
  @ApiPropertyOptional({ description: 'language code (ISO 639-1)' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}$/, { message: 'lang must be a language code such as pt or en' })
  lang?: string;
  @ApiPropertyOptional({ description: 'only VIP authors (true) or only others (false)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  vip?: boolean;
  @ApiPropertyOptional({ description: 'first-response SLA breached' }) @IsOptional() @Transform(toBool) @IsBoolean() breached?: boolean;
  @ApiPropertyOptional({
    enum: TRIAGE_SORTS,
    default: 'priority',
    description: 'priority: most urgent first; waiting: longest wait first; due: due soonest first',
  })
  @IsOptional()
  @IsIn(TRIAGE_SORTS)
  sort?: (typeof TRIAGE_SORTS)[number];
}

export class BulkCasesDto {
  @ApiProperty({ type: [String], description: 'case ids (1 to 100)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsMongoId({ each: true, message: 'ids must be case ids' })
  ids!: string[];

  @ApiProperty({ enum: BULK_ACTIONS }) @IsIn(BULK_ACTIONS) action!: (typeof BULK_ACTIONS)[number];

  @ApiPropertyOptional({ nullable: true, description: 'assign: agent id, or null to unassign' })
  @ValidateIf((o: BulkCasesDto) => o.action === 'assign' && o.assigneeId !== null)
  @IsMongoId({ message: 'assigneeId must be an agent id' })
  assigneeId?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'team: team name, or null for none' })
  @ValidateIf((o: BulkCasesDto) => o.action === 'team' && o.team !== null)
  @IsString()
  @MaxLength(80)
  team?: string | null;
}
