import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { EXPORT_NAMES } from '../export-catalogue';

export class CreateExportLinkDto {
  @ApiProperty({ enum: EXPORT_NAMES, description: 'which export: /api/v1/exports/<export>.csv' })
  @IsIn(EXPORT_NAMES)
  export!: string;

  @ApiPropertyOptional({
    description: "the export's query, as its GET takes it (text values); validated now, signed as given",
    example: { topic: '665f1c2e8b3e4a0012345678', from: '2026-12-01T00:00:00.000Z', sentiment: 'negative' },
  })
  @IsOptional()
  @IsObject()
  query?: Record<string, unknown>;
}

export class ExportLinkView {
  @ApiProperty({
    description: 'the signed GET, relative to this service; it opens that export with that query only',
    example: '/api/v1/exports/mentions.csv?sentiment=negative&ws=…&by=…&exp=1796616300&sig=…',
  })
  url!: string;
  @ApiProperty({ description: 'when the link stops working (EXPORT_LINK_TTL_SECONDS after it was made)' })
  expiresAt!: Date;
}
