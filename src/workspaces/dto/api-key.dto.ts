import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { Role, ROLES } from '../schemas/api-key.schema';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'support team laptop' }) @IsString() @MinLength(1) @MaxLength(120) name!: string;
  @ApiProperty({ enum: ROLES, example: 'agent' }) @IsIn(ROLES) role!: Role;
}
