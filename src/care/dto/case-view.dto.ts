import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

export class CreateNoteDto {
  @ApiProperty({ example: '@Ana Lima can you check the card block?' }) @IsString() @MinLength(1) @MaxLength(5000) text!: string;
  @ApiPropertyOptional({ description: 'agent id of this workspace who wrote the note' })
  @IsOptional()
  @IsMongoId({ message: 'authorId must be an agent id' })
  authorId?: string;
}

export const SAVED_REPLY_LANGUAGES = ['pt', 'en'] as const;
const SHORTCUT = /^\/?[a-z0-9][a-z0-9_-]{0,39}$/i;
const SHORTCUT_MESSAGE = 'shortcut must be letters, digits, - or _ (up to 40), optionally after a slash: /cartao';

export class CreateSavedReplyDto {
  @ApiProperty({ example: '/cartao' }) @IsString() @Matches(SHORTCUT, { message: SHORTCUT_MESSAGE }) shortcut!: string;
  @ApiProperty({ example: 'Card unblocked' }) @IsString() @MinLength(1) @MaxLength(120) title!: string;
  @ApiProperty({ example: 'Oi {{customer.name}}, aqui é {{agent.name}}. Já desbloqueamos seu cartão (caso {{case.id}}).' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  text!: string;
  @ApiProperty({ enum: SAVED_REPLY_LANGUAGES }) @IsIn(SAVED_REPLY_LANGUAGES) language!: (typeof SAVED_REPLY_LANGUAGES)[number];
  @ApiPropertyOptional({ nullable: true, description: 'team name of this workspace; none: every team' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(80)
  team?: string | null;
}

export class UpdateSavedReplyDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(SHORTCUT, { message: SHORTCUT_MESSAGE }) shortcut?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(120) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(5000) text?: string;
  @ApiPropertyOptional({ enum: SAVED_REPLY_LANGUAGES })
  @IsOptional()
  @IsIn(SAVED_REPLY_LANGUAGES)
  language?: (typeof SAVED_REPLY_LANGUAGES)[number];
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(80)
  team?: string | null;
}

export class ListSavedRepliesQuery {
  @ApiPropertyOptional({ description: 'shortcut prefix (with or without /) or words in the title or text' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
  @ApiPropertyOptional({ enum: SAVED_REPLY_LANGUAGES }) @IsOptional() @IsIn(SAVED_REPLY_LANGUAGES) language?: string;
  @ApiPropertyOptional({ description: "a team's replies plus those for every team" })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  team?: string;
}

export class RenderSavedReplyDto {
  @ApiProperty({ description: 'the case the reply is for' }) @IsMongoId({ message: 'caseId must be a case id' }) caseId!: string;
  @ApiPropertyOptional({ description: 'agent id who will send it' })
  @IsOptional()
  @IsMongoId({ message: 'agentId must be an agent id' })
  agentId?: string;
}
