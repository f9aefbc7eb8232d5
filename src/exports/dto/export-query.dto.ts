import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsMongoId, IsOptional, IsString } from 'class-validator';
import { ListCasesQuery } from '../../care/dto/case.dto';
import { CorrectionsPeriodQuery } from '../../mentions/dto/correct-mention.dto';
import { ListMentionsQuery } from '../../mentions/dto/list-mentions.dto';
import { PLATFORMS } from '../../topics/schemas/topic.schema';

/**
 * How a plain link to an export authenticates: a signed link's parameters (POST
 * /api/v1/exports/links makes them; the guard checks them), or the discouraged `access_token`.
 */
export class ExportLinkParams {
  @ApiPropertyOptional({ description: 'API key for plain links: discouraged (it lands in browser history and logs); prefer a signed link' })
  @IsOptional()
  @IsString()
  access_token?: string;
  @ApiPropertyOptional({ description: "signed link: the link's workspace" }) @IsOptional() @IsString() ws?: string;
  @ApiPropertyOptional({ description: 'signed link: the API key id that made it, or "digest"' }) @IsOptional() @IsString() by?: string;
  @ApiPropertyOptional({ description: 'signed link: its expiry, unix seconds' }) @IsOptional() @IsString() exp?: string;
  @ApiPropertyOptional({ description: 'signed link: HMAC-SHA256 signature (base64url)' }) @IsOptional() @IsString() sig?: string;
}

/** Range and topic for the posts and leads exports. */
export class ExportRangeQuery extends ExportLinkParams {
  @ApiPropertyOptional() @IsOptional() @IsMongoId() topic?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ enum: PLATFORMS, description: 'own posts of one network (posts export)' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: string;
  @ApiPropertyOptional({ description: 'only social leads (leads export)' }) @IsOptional() @IsIn(['true', 'false']) social?: string;
}

export class MentionsExportQuery extends IntersectionType(ListMentionsQuery, ExportLinkParams) {}
export class CasesExportQuery extends IntersectionType(ListCasesQuery, ExportLinkParams) {}
export class CorrectionsExportQuery extends IntersectionType(CorrectionsPeriodQuery, ExportLinkParams) {}
