import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO4217CurrencyCode,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsOutboundUrl } from '../../common/outbound/outbound-url';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class WorkingIntervalDto {
  @ApiProperty({ example: '09:00' }) @Matches(HH_MM, { message: 'start must be HH:mm' }) start!: string;
  @ApiProperty({ example: '18:00' }) @Matches(HH_MM, { message: 'end must be HH:mm' }) end!: string;
}

export class WeeklyScheduleDto {
  @ApiPropertyOptional({ type: [WorkingIntervalDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WorkingIntervalDto)
  @ArrayMaxSize(8)
  mon?: WorkingIntervalDto[];
  @ApiPropertyOptional({ type: [WorkingIntervalDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WorkingIntervalDto)
  @ArrayMaxSize(8)
  tue?: WorkingIntervalDto[];
  @ApiPropertyOptional({ type: [WorkingIntervalDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WorkingIntervalDto)
  @ArrayMaxSize(8)
  wed?: WorkingIntervalDto[];
  @ApiPropertyOptional({ type: [WorkingIntervalDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WorkingIntervalDto)
  @ArrayMaxSize(8)
  thu?: WorkingIntervalDto[];
  @ApiPropertyOptional({ type: [WorkingIntervalDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WorkingIntervalDto)
  @ArrayMaxSize(8)
  fri?: WorkingIntervalDto[];
  @ApiPropertyOptional({ type: [WorkingIntervalDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WorkingIntervalDto)
  @ArrayMaxSize(8)
  sat?: WorkingIntervalDto[];
  @ApiPropertyOptional({ type: [WorkingIntervalDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WorkingIntervalDto)
  @ArrayMaxSize(8)
  sun?: WorkingIntervalDto[];
}

export class BusinessHoursDto {
  @ApiProperty() @IsBoolean() enabled!: boolean;
  @ApiProperty({ type: WeeklyScheduleDto }) @ValidateNested() @Type(() => WeeklyScheduleDto) schedule!: WeeklyScheduleDto;
  @ApiPropertyOptional({ type: [String], example: ['2026-12-25'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'holidays must be YYYY-MM-DD dates' })
  holidays?: string[];
}

export class SlaSettingsDto {
  @ApiProperty({ description: 'first-response target, seconds', example: 7200 })
  @IsInt()
  @Min(60)
  @Max(30 * 86400)
  firstResponseSeconds!: number;
  @ApiProperty({ description: 'resolution target, seconds', example: 86400 })
  @IsInt()
  @Min(60)
  @Max(365 * 86400)
  resolutionSeconds!: number;
  @ApiProperty({ description: 'no response within this window closes a case as abandoned, seconds', example: 86400 })
  @IsInt()
  @Min(60)
  @Max(365 * 86400)
  abandonmentSeconds!: number;
}

export class CostsDto {
  @ApiProperty({ example: 12 }) @IsNumber() @Min(0) perCall!: number;
  @ApiProperty({ example: 1 }) @IsNumber() @Min(0) perSocialInteraction!: number;
}

export class SentimentThresholdsDto {
  @ApiProperty({ example: 0.05 }) @IsNumber() @Min(0) @Max(1) positiveThreshold!: number;
  @ApiProperty({ example: -0.05 }) @IsNumber() @Min(-1) @Max(0) negativeThreshold!: number;
}

export class WebhookDto {
  @ApiProperty({
    nullable: true,
    example: 'https://hooks.slack.com/services/T000/B000/XXX',
    description:
      'http(s) URL of a public host: loopback, private, link-local, metadata and internal names are refused unless the installation allows them (OUTBOUND_ALLOW_PRIVATE, OUTBOUND_ALLOWED_CIDRS)',
  })
  @IsOptional()
  @IsOutboundUrl()
  url!: string | null;
}

export class RoutingRuleDto {
  @ApiProperty({ example: 'cartão' }) @IsString() @MinLength(2) @MaxLength(80) keyword!: string;
  @ApiProperty({ example: 'cards' }) @IsString() @MinLength(1) @MaxLength(80) team!: string;
  @ApiPropertyOptional({ description: 'agent id to assign directly' }) @IsOptional() @IsString() @MaxLength(64) agentId?: string;
}

export class WorkspaceSettingsDto {
  @ApiPropertyOptional({ type: SlaSettingsDto }) @IsOptional() @ValidateNested() @Type(() => SlaSettingsDto) sla?: SlaSettingsDto;
  @ApiPropertyOptional({ type: BusinessHoursDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BusinessHoursDto)
  businessHours?: BusinessHoursDto;
  @ApiPropertyOptional({ type: CostsDto }) @IsOptional() @ValidateNested() @Type(() => CostsDto) costs?: CostsDto;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  socialMediums?: string[];
  @ApiPropertyOptional({ type: SentimentThresholdsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SentimentThresholdsDto)
  sentiment?: SentimentThresholdsDto;
  @ApiPropertyOptional({ type: WebhookDto }) @IsOptional() @ValidateNested() @Type(() => WebhookDto) webhook?: WebhookDto;
  @ApiPropertyOptional({ type: [RoutingRuleDto], description: 'ordered; the first match wins' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RoutingRuleDto)
  routingRules?: RoutingRuleDto[];
}

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'Acme Brasil' }) @IsString() @MinLength(1) @MaxLength(120) name!: string;
  @ApiProperty({ example: 'America/Sao_Paulo', description: 'IANA time zone' }) @IsTimeZone() timezone!: string;
  @ApiProperty({ example: 'BRL', description: 'ISO 4217 currency code' }) @IsISO4217CurrencyCode() currency!: string;
  @ApiPropertyOptional({ type: WorkspaceSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => WorkspaceSettingsDto)
  settings?: WorkspaceSettingsDto;
}

/**
 * The body of `PATCH /workspaces/current`, a JSON Merge Patch: only the fields sent change, an
 * object is merged into the stored one at every depth, an array replaces, and `null` resets a
 * field to its default. Documents the shape; the merged result is what gets validated.
 */
export class UpdateWorkspaceDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional({ example: 'America/Sao_Paulo' }) @IsOptional() @IsTimeZone() timezone?: string;
  @ApiPropertyOptional({ example: 'BRL' }) @IsOptional() @IsISO4217CurrencyCode() currency?: string;
  @ApiPropertyOptional({ type: WorkspaceSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => WorkspaceSettingsDto)
  settings?: WorkspaceSettingsDto;
}

/** A workspace after a patch is applied: every field present (settings filled with their defaults). */
export class WorkspaceStateDto {
  @IsString() @MinLength(1) @MaxLength(120) name!: string;
  @IsTimeZone() timezone!: string;
  @IsISO4217CurrencyCode() currency!: string;
  @IsObject() @ValidateNested() @Type(() => WorkspaceSettingsDto) settings!: WorkspaceSettingsDto;
}
