import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

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
