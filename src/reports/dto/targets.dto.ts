import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNumber, Matches, ValidateNested } from 'class-validator';

export class KpiTargetDto {
  @ApiProperty({ example: 'service.slaCompliance', description: 'KPI API name' })
  @Matches(/^[a-z][A-Za-z0-9]*(\.[a-zA-Z0-9]+){1,3}$/, { message: 'kpi must be a KPI API name such as service.slaCompliance' })
  kpi: string;
  @ApiProperty({ example: 90 }) @IsNumber({ allowNaN: false, allowInfinity: false }) value: number;
  @ApiProperty({ enum: ['higher', 'lower'] }) @IsIn(['higher', 'lower']) direction: 'higher' | 'lower';
}

export class PutTargetsDto {
  @ApiProperty({ type: [KpiTargetDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => KpiTargetDto)
  targets: KpiTargetDto[];
}
