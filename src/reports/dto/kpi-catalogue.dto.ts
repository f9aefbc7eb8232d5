import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KPI_SECTIONS, KPI_UNITS } from '../kpis/catalogue';

/** The shape of `GET /api/v1/reports/kpis`, for the OpenAPI document (see ../kpis/catalogue.ts). */

class LabelsDto {
  @ApiProperty({ example: 'Cumprimento do SLA' }) pt!: string;
  @ApiProperty({ example: 'SLA compliance' }) en!: string;
}

class DrillDownDto {
  @ApiProperty({ enum: ['mentions', 'posts', 'leads', 'contacts', 'traffic', 'cases', 'unanswered', 'outliers', 'surveys'] }) of!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { status: 'resolved' } }) filter?: Record<
    string,
    string
  >;
}

class KpiSectionDto {
  @ApiProperty({ enum: KPI_SECTIONS }) id!: string;
  @ApiProperty({ type: LabelsDto }) label!: LabelsDto;
}

class KpiDto {
  @ApiProperty({ example: 'service.firstResponse.median', description: 'API name: the dotted path in the overview report' }) name!: string;
  @ApiProperty({ enum: KPI_SECTIONS }) section!: string;
  @ApiProperty({ enum: KPI_UNITS }) unit!: string;
  @ApiProperty({ enum: ['higher', 'lower'], nullable: true, description: 'which way a change is good news' }) better!: string | null;
  @ApiProperty({ description: 'can have a target (PUT /api/v1/targets) and has a trend in the overview' }) target!: boolean;
  @ApiProperty({ description: 'served by GET /api/v1/reports/timeseries' }) timeseries!: boolean;
  @ApiProperty({ description: 'a value now, not a function of the range' }) live!: boolean;
  @ApiProperty({
    enum: ['number', 'peakHour', 'list'],
    description: 'number (or null); peakHour: { hour, count } or null; list: an array whose length is the KPI',
  })
  value!: string;
  @ApiProperty({
    enum: ['count', 'percent', 'score', 'decimal1', 'decimal2', 'duration', 'money', 'hour'],
    description: 'how the value is written',
  })
  display!: string;
  @ApiProperty({ description: 'the definition in one sentence' }) formula!: string;
  @ApiProperty({ type: LabelsDto }) label!: LabelsDto;
  @ApiProperty({ example: 'src/reports/kpis/care.ts#firstResponse', description: 'the function that computes it' }) computedBy!: string;
  @ApiProperty({ type: DrillDownDto, nullable: true, description: 'where the rows behind the number are listed' })
  rows!: DrillDownDto | null;
  @ApiProperty({ type: DrillDownDto, nullable: true, description: 'which CSV export holds them' }) csv!: DrillDownDto | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'share-of-voice',
    description:
      'the report (GET /api/v1/reports/<report>) that serves it when not the overview; such a KPI has no trend, target or series',
  })
  report!: string | null;
}

class ChartSeriesDto {
  @ApiProperty({ example: 'sentiment.positive' }) kpi!: string;
  @ApiProperty({ enum: ['bar', 'line'] }) type!: string;
  @ApiPropertyOptional() stack?: string;
  @ApiPropertyOptional({ enum: [1], description: 'on the right-hand axis' }) axis?: number;
  @ApiProperty({ example: 'positive', description: 'a colour name of the dashboard palette' }) color!: string;
  @ApiPropertyOptional() opacity?: number;
}

class KpiChartDto {
  @ApiProperty({ example: 'volumeBySentiment' }) id!: string;
  @ApiProperty({ enum: KPI_SECTIONS }) section!: string;
  @ApiProperty({ type: LabelsDto }) label!: LabelsDto;
  @ApiPropertyOptional({ enum: ['hour'] }) interval?: string;
  @ApiProperty({ type: [ChartSeriesDto] }) series!: ChartSeriesDto[];
  @ApiPropertyOptional({ type: [String], example: ['count', 'percent'] }) axes?: string[];
  @ApiProperty({ type: DrillDownDto, nullable: true }) rows!: DrillDownDto | null;
}

export class KpiCatalogueDto {
  @ApiProperty({ type: [KpiSectionDto] }) sections!: KpiSectionDto[];
  @ApiProperty({ type: [KpiDto] }) kpis!: KpiDto[];
  @ApiProperty({ type: [KpiChartDto] }) charts!: KpiChartDto[];
}
