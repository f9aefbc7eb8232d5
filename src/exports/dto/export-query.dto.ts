import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsMongoId, IsOptional, IsString } from 'class-validator';
import { PLATFORMS } from '../../topics/schemas/topic.schema';

/** Range and topic for the posts and leads exports; `access_token` lets a plain link authenticate. */
export class ExportRangeQuery {
  @ApiPropertyOptional() @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ enum: PLATFORMS, description: 'own posts of one network (posts export)' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: string;
  @ApiPropertyOptional({ description: 'only social leads (leads export)' }) @IsOptional() @IsIn(['true', 'false']) social?: string;
  @ApiPropertyOptional({ description: 'API key for plain links' }) @IsOptional() @IsString() access_token?: string;
}
