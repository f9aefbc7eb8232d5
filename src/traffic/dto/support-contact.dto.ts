import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CsvColumns } from '../../inputs/csv-records';
import { IsPeriodStart } from '../../inputs/instant';
import { Granularity, GRANULARITIES } from '../period-alignment';
import { CONTACT_CHANNELS, ContactChannel } from '../schemas/support-contact.schema';
import { ListPeriodsQuery } from './traffic.dto';

export class SupportContactInputDto {
  @ApiProperty({ example: '2026-03-01T12:00:00Z', description: 'start of the period, as for traffic' })
  @IsPeriodStart()
  periodStart!: string;

  @ApiProperty({ enum: GRANULARITIES, example: 'hour' }) @IsIn(GRANULARITIES) granularity!: Granularity;

  @ApiProperty({ enum: CONTACT_CHANNELS, example: 'phone' }) @IsIn(CONTACT_CHANNELS) channel!: ContactChannel;

  @ApiProperty({ example: 42, description: 'assisted contacts on the channel in the period' })
  @IsInt()
  @Min(0)
  @Max(1e9)
  count!: number;
}

export const SUPPORT_CONTACT_CSV_COLUMNS: CsvColumns = {
  periodStart: { type: 'string', required: true },
  granularity: { type: 'string', required: true },
  channel: { type: 'string', required: true },
  count: { type: 'integer', required: true },
};

export class ListSupportContactsQuery extends ListPeriodsQuery {
  @ApiPropertyOptional({ enum: CONTACT_CHANNELS }) @IsOptional() @IsIn(CONTACT_CHANNELS) channel?: ContactChannel;
}
