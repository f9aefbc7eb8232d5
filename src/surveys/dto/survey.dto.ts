import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { CsvColumns } from '../../inputs/csv-records';
import { IsInstant } from '../../inputs/instant';
import type { SurveyKind } from '../../common/rows';
import { scoreProblem, SURVEY_TYPES } from '../survey-scale';

/** A rating on the scale of the record's `type`: CSAT 1-5, NPS 0-10. */
function IsSurveyScore(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isSurveyScore',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args) => scoreProblem((args?.object as { type?: unknown }).type, value) === null,
        defaultMessage: (args) => scoreProblem((args?.object as { type?: unknown }).type, args?.value) ?? 'score is not valid',
      },
    });
}

const CASE_ID_MESSAGE = 'caseId must be a case id (24 hexadecimal characters)';

export class SurveyResponseInputDto {
  @ApiProperty({ enum: SURVEY_TYPES, example: 'csat' }) @IsIn(SURVEY_TYPES) type!: SurveyKind;

  @ApiProperty({ example: 4, description: 'integer: 1-5 for csat, 0-10 for nps' }) @IsSurveyScore() score!: number;

  @ApiProperty({ example: '2026-03-01T18:20:00-03:00', description: 'when the customer answered: ISO 8601 with Z or an offset' })
  @IsInstant()
  respondedAt!: string;

  @ApiPropertyOptional({
    example: '2026-03-01T17:00:00-03:00',
    description: 'when the survey was sent, if known (the response rate counts it then)',
  })
  @IsOptional()
  @IsInstant()
  sentAt?: string;

  @ApiPropertyOptional({ description: 'the care case of this workspace the survey was about' })
  @IsOptional()
  @IsMongoId({ message: CASE_ID_MESSAGE })
  caseId?: string;

  @ApiPropertyOptional({ description: 'the agent of this workspace who handled the case (GET /agents)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  agentId?: string;

  @ApiPropertyOptional({ example: 'Resolved quickly, thanks!' }) @IsOptional() @IsString() @MaxLength(5000) comment?: string;

  @ApiPropertyOptional({ example: 'typeform-8c1f', description: 'your id for the response; sending it again updates it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
}

export const SURVEY_RESPONSE_CSV_COLUMNS: CsvColumns = {
  type: { type: 'string', required: true },
  score: { type: 'integer', required: true },
  respondedAt: { type: 'string', required: true },
  sentAt: { type: 'string' },
  caseId: { type: 'string' },
  agentId: { type: 'string' },
  comment: { type: 'string' },
  externalId: { type: 'string' },
};

export class SurveySendInputDto {
  @ApiProperty({ enum: SURVEY_TYPES, example: 'nps' }) @IsIn(SURVEY_TYPES) type!: SurveyKind;

  @ApiProperty({ example: '2026-03-01T17:00:00Z', description: 'when the survey(s) were sent: ISO 8601 with Z or an offset' })
  @IsInstant()
  sentAt!: string;

  @ApiPropertyOptional({ example: 250, default: 1, description: 'surveys sent at once' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1e9)
  count?: number;

  @ApiPropertyOptional({ description: 'the care case of this workspace the survey is about' })
  @IsOptional()
  @IsMongoId({ message: CASE_ID_MESSAGE })
  caseId?: string;

  @ApiPropertyOptional({ description: 'your id for the send; sending it again updates it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
}

export const SURVEY_SEND_CSV_COLUMNS: CsvColumns = {
  type: { type: 'string', required: true },
  sentAt: { type: 'string', required: true },
  count: { type: 'integer' },
  caseId: { type: 'string' },
  externalId: { type: 'string' },
};

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListSurveySendsQuery {
  @ApiPropertyOptional({ enum: SURVEY_TYPES }) @IsOptional() @IsIn(SURVEY_TYPES) type?: SurveyKind;
  @ApiPropertyOptional({ description: 'at or after (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional({ description: 'before (ISO 8601)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ description: 'opaque cursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ListSurveyResponsesQuery extends ListSurveySendsQuery {
  @ApiPropertyOptional({ description: 'only responses flagged (true) or not flagged (false) for follow-up' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  followUp?: boolean;
}
