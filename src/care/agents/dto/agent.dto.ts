import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { ASSIGNMENT_MODES, type AssignmentMode } from '../../assignment';

export class CreateTeamDto {
  @ApiProperty({ example: 'cards' }) @IsString() @MinLength(1) @MaxLength(80) name!: string;
}

export class CreateAgentDto {
  @ApiProperty({ example: 'Bruna Costa' }) @IsString() @MinLength(1) @MaxLength(120) name!: string;
  @ApiPropertyOptional({ example: 'bruna@example.com' }) @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional({ example: 'cards', description: 'an existing team name' }) @IsOptional() @IsString() @MaxLength(80) team?: string;
}

export class UpdateAgentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(80) team?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class PresenceDto {
  @ApiProperty({ enum: ['online', 'away', 'offline'] }) @IsIn(['online', 'away', 'offline']) status!: 'online' | 'away' | 'offline';
  @ApiPropertyOptional({ description: 'when it happened (default: now); not in the future' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;
}

export class AssignmentRuleDto {
  @ApiProperty({ enum: ASSIGNMENT_MODES }) @IsIn(ASSIGNMENT_MODES) mode!: AssignmentMode;
  @ApiPropertyOptional({ nullable: true, description: 'most open cases per agent (null: no cap)', example: 30 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxOpenPerAgent?: number | null;
  @ApiPropertyOptional({ description: 'minutes an agent may be offline before their open cases go to others (default 15)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 60)
  offlineGraceMinutes?: number;
}
