import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNumber, ValidateNested } from 'class-validator';
import { TARGET_KPIS } from '../kpis/catalogue';

export class KpiTargetDto {
  @ApiProperty({
    example: 'service.slaCompliance',
    description: 'KPI API name; one of the catalogue (GET /api/v1/reports/kpis) whose `target` is true',
    enum: [...TARGET_KPIS],
  })
  @IsIn(TARGET_KPIS, {
    message: 'kpi must be the API name of a KPI that can have a target (GET /api/v1/reports/kpis), such as service.slaCompliance',
  })
  kpi!: string;
  @ApiProperty({ example: 90 }) @IsNumber({ allowNaN: false, allowInfinity: false }) value!: number;
  @ApiProperty({ enum: ['higher', 'lower'] }) @IsIn(['higher', 'lower']) direction!: 'higher' | 'lower';
}

export class PutTargetsDto {
  @ApiProperty({ type: [KpiTargetDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => KpiTargetDto)
  targets!: KpiTargetDto[];
}
