import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsInt, IsMongoId, IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CsvColumns } from '../../inputs/csv-records';
import { IsInstant } from '../../inputs/instant';

export class LeadInputDto {
  @ApiProperty({ example: '2026-03-01T14:05:00-03:00', description: 'when the lead happened: ISO 8601 with Z or an offset' })
  @IsInstant()
  occurredAt!: string;

  @ApiPropertyOptional({ example: 'instagram', description: 'utm_source; stored trimmed and lower-cased' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  utmSource?: string;

  @ApiPropertyOptional({ example: 'social', description: "utm_medium; a lead is social when it is one of the workspace's social mediums" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  utmMedium?: string;

  @ApiPropertyOptional({ example: 'black-friday' }) @IsOptional() @IsString() @MaxLength(200) utmCampaign?: string;

  @ApiPropertyOptional({ description: 'id of a mention of this workspace the lead came from' })
  @IsOptional()
  @IsMongoId({ message: 'mentionId must be a mention id (24 hexadecimal characters)' })
  mentionId?: string;

  @ApiPropertyOptional({ example: 149.9, description: "the lead's worth in the workspace's currency" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e12)
  value?: number;

  @ApiPropertyOptional({
    example: 'crm-48213',
    description: 'your id for the lead; sending it again updates the lead instead of adding one',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
}

export const LEAD_CSV_COLUMNS: CsvColumns = {
  occurredAt: { type: 'string', required: true },
  utmSource: { type: 'string' },
  utmMedium: { type: 'string' },
  utmCampaign: { type: 'string' },
  mentionId: { type: 'string' },
  value: { type: 'number' },
  externalId: { type: 'string' },
};

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListLeadsQuery {
  @ApiPropertyOptional({ description: 'occurred at or after (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional({ description: 'occurred before (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({
    description: "only leads attributed to social (true) or only the others (false), by the workspace's social mediums",
  })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  social?: boolean;
  @ApiPropertyOptional({ description: 'opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
