import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDate,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PLATFORMS } from '../../common/platform';
import { REJECT_REASONS } from '../collected';

/** The filters both the list and the replay take. */
class RejectedFilter {
  @ApiPropertyOptional({ description: 'topic id' }) @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: string;
  @ApiPropertyOptional({ enum: REJECT_REASONS }) @IsOptional() @IsIn(REJECT_REASONS) reason?: string;
  @ApiPropertyOptional({ description: 'set aside at or after (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional({ description: 'set aside before (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
}

export class ListRejectedQuery extends RejectedFilter {
  @ApiPropertyOptional({ description: 'opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export const REPLAY_MAX = 500;

export class ReplayRejectedBody extends RejectedFilter {
  @ApiPropertyOptional({
    description: `ids of quarantined items (from GET /collectors/rejected), at most ${REPLAY_MAX}; without ids, the filters select (the oldest ${REPLAY_MAX})`,
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(REPLAY_MAX)
  @IsMongoId({ each: true })
  ids?: string[];
}
